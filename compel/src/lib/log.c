// SPDX-License-Identifier: GPL-2.0
/* The logging hook: compel formats nothing unless the level lets it through. */

#include <stdio.h>
#include <string.h>

#include "compel-priv/log.h"

static compel_log_fn log_fn;
static unsigned int log_level = COMPEL_LOG_WARN;

void compel_log_init(compel_log_fn fn, unsigned int level)
{
	log_fn = fn;
	log_level = level;
}

unsigned int compel_log_get_loglevel(void)
{
	return log_level;
}

void compel_print(unsigned int level, const char *fmt, ...)
{
	va_list args;

	if (level > log_level)
		return;
	va_start(args, fmt);
	if (log_fn)
		log_fn(level, fmt, args);
	else
		vfprintf(stderr, fmt, args);
	va_end(args);
}
