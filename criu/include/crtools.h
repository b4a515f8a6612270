/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_CRTOOLS_H
#define CRIU_CRTOOLS_H

#include "cr_options.h"

enum {
	CMD_IMAGES = 1 << 0, /* reads or writes images: -D must exist */
};

struct cr_command {
	const char *name;
	int (*fn)(const struct cr_options *o);
	unsigned int flags;
};


#endif
