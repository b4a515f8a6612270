/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PRIV_LOG_H
#define COMPEL_PRIV_LOG_H

#include <errno.h>
#include "common/compiler.h"
#include "compel/log.h"

void compel_print(unsigned int level, const char *fmt, ...) __printf(2, 3);

#define pr_info(fmt, ...) compel_print(COMPEL_LOG_INFO, "compel: " fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) compel_print(COMPEL_LOG_DEBUG, "compel: " fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) compel_print(COMPEL_LOG_WARN, "compel: warn: " fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)                                                                  \
	compel_print(COMPEL_LOG_ERROR, "compel: error (%s:%d): " fmt, __FILE__, __LINE__, \
		     ##__VA_ARGS__)
/* pr_err plus the errno text; errno survives the call. */
#define pr_perror(fmt, ...)                                         \
	do {                                                        \
		int __e = errno;                                    \
		pr_err(fmt ": %s\n", ##__VA_ARGS__, strerror(__e)); \
		errno = __e;                                        \
	} while (0)

#endif
