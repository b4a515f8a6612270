/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_VDSO_H
#define CRIU_VDSO_H

#include <stdint.h>

#include "kerndat.h"

/*
 * Offsets of the vDSO entry points (vdso_sym_names[]) in a vDSO image of
 * @size bytes at @image, 0 for the ones it does not export.  0 or -1.
 */
int vdso_parse_symbols(const void *image, unsigned long size, uint64_t sym_off[VDSO_SYM_NR]);

/* Write at @at (14 bytes on x86_64) a jump to @target: arch/<arch>/vdso-jump.c. */
int arch_vdso_jump(void *at, uint64_t target);

#endif
