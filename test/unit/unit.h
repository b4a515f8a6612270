/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TEST_UNIT_H
#define TEST_UNIT_H

/*
 * Minimal unit test harness.  A test program calls CHECK() as often as it
 * likes and ends main() with `return unit_done();`, which prints a summary
 * and returns non-zero if any check failed.
 */
#include <stdio.h>

static int unit_passed, unit_failed;

#define CHECK(cond, fmt, ...)                                                                \
	do {                                                                                 \
		if (cond) {                                                                  \
			unit_passed++;                                                       \
		} else {                                                                     \
			unit_failed++;                                                       \
			fprintf(stderr, "FAIL %s:%d: %s: " fmt "\n", __FILE__, __LINE__, #cond, \
				##__VA_ARGS__);                                              \
		}                                                                            \
	} while (0)

static inline int unit_done(void)
{
	printf("%d checks passed, %d checks failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
