/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PLUGINS_STD_LOG_H
#define COMPEL_PLUGINS_STD_LOG_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Logging back to compel through the log pipe; compel prints each line with
 * its log callback.  Levels are compel's (COMPEL_LOG_*: 1 error .. 4 debug).
 * Formats: %d %i %u %x %c %s %p %%, with an optional l or z.
 */
void std_log(unsigned int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int std_vsnprintf(char *buf, size_t size, const char *fmt, va_list args);

#define std_pr_err(fmt, ...) std_log(1, fmt, ##__VA_ARGS__)
#define std_pr_info(fmt, ...) std_log(3, fmt, ##__VA_ARGS__)
#define std_pr_debug(fmt, ...) std_log(4, fmt, ##__VA_ARGS__)

#endif
