/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_LOG_H
#define CRIU_LOG_H

#include <errno.h>
#include <stdarg.h>
#include "common/compiler.h"

/* Levels match CRIU's -v0..-v4. */
enum {
	LOG_MSG = 0, /* always printed, no prefix decoration beyond the timestamp */
	LOG_ERROR = 1,
	LOG_WARN = 2,
	LOG_INFO = 3,
	LOG_DEBUG = 4,
};

#define DEFAULT_LOGLEVEL LOG_WARN

/*
 * Open the log.  path NULL or "-" means stderr.  A relative path is taken
 * relative to the current directory, which the caller has already set to the
 * work dir.  Returns 0 or -1.
 */
int log_init(const char *path);
void log_fini(void);
void log_set_loglevel(unsigned int level);
unsigned int log_get_loglevel(void);
/* The fd the log is written to (stderr's when logging to the terminal). */
int log_get_fd(void);
/* Log to @fd from now on (a restored task moves it out of the tree's way). */
void log_set_fd(int fd);
/* Extra prefix put in front of every line, e.g. the pid of a restored task. */
void log_set_prefix(const char *prefix);

/* The first error logged since the last reset (without timestamp), or NULL. */
const char *log_first_err(void);
void log_reset_first_err(void);

void print_on_level(unsigned int level, const char *fmt, ...) __printf(2, 3);
void vprint_on_level(unsigned int level, const char *fmt, va_list args);

#ifndef LOG_PREFIX
#define LOG_PREFIX
#endif

#define pr_msg(fmt, ...) print_on_level(LOG_MSG, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) print_on_level(LOG_INFO, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) print_on_level(LOG_DEBUG, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) \
	print_on_level(LOG_WARN, "Warn  (%s:%d): " LOG_PREFIX fmt, __FILE__, __LINE__, ##__VA_ARGS__)
#define pr_err(fmt, ...) \
	print_on_level(LOG_ERROR, "Error (%s:%d): " LOG_PREFIX fmt, __FILE__, __LINE__, ##__VA_ARGS__)

/* pr_err plus ": <strerror(errno)>"; errno is preserved across the call. */
#define pr_perror(fmt, ...)                                                              \
	do {                                                                             \
		int __e = errno;                                                         \
		pr_err(fmt ": %s (errno %d)\n", ##__VA_ARGS__, strerror(__e), __e);     \
		errno = __e;                                                             \
	} while (0)

#define pr_pwarn(fmt, ...)                                                               \
	do {                                                                             \
		int __e = errno;                                                         \
		pr_warn(fmt ": %s (errno %d)\n", ##__VA_ARGS__, strerror(__e), __e);    \
		errno = __e;                                                             \
	} while (0)

#include <string.h>

#endif
