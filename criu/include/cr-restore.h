/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_CR_RESTORE_H
#define CRIU_CR_RESTORE_H

#include <stddef.h>

struct cr_options;

/* `criu restore`: returns the exit status. */
int cr_restore(const struct cr_options *o);

/* Bytes the restorer blob occupies once loaded. */
size_t restorer_blob_size(void);

#endif
