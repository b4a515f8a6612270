/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_LOG_H
#define COMPEL_LOG_H

#include <stdarg.h>

/*
 * compel never prints on its own: the user hands it a callback and a level.
 * Levels are the same numbers criu uses for -v0..-v4.
 */
enum {
	COMPEL_LOG_MSG = 0,
	COMPEL_LOG_ERROR = 1,
	COMPEL_LOG_WARN = 2,
	COMPEL_LOG_INFO = 3,
	COMPEL_LOG_DEBUG = 4,
};

typedef void (*compel_log_fn)(unsigned int level, const char *fmt, va_list args);

/*
 * Messages above @level are dropped before formatting.  A NULL @fn restores
 * the default, which writes to stderr.
 */
void compel_log_init(compel_log_fn fn, unsigned int level);
unsigned int compel_log_get_loglevel(void);

#endif
