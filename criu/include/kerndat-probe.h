/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_KERNDAT_PROBE_H
#define CRIU_KERNDAT_PROBE_H

#include "kerndat.h"

/*
 * The probes behind kerndat_probe(), one per area.  Each fills its part of
 * kd and returns -1 only when probing itself broke (not when a feature is
 * simply missing); none leaves a mapping, fd, child or mount behind.
 */
int kerndat_probe_mem(struct kerndat *kd);
int kerndat_probe_task(struct kerndat *kd);
int kerndat_probe_net(struct kerndat *kd);
int kerndat_probe_misc(struct kerndat *kd);
int kerndat_probe_vdso(struct kerndat *kd);

#endif
