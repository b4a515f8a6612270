/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_CR_DUMP_H
#define CRIU_CR_DUMP_H

struct cr_options;

/* `criu dump`: returns the exit status. */
int cr_dump(const struct cr_options *o);

#endif
