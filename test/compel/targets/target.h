/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_TEST_TARGET_H
#define COMPEL_TEST_TARGET_H

/*
 * Conventions shared by the programs the compel tests infect: fd 1 is a pipe
 * the test reads ("ready" once set up, then results), fd 0 is a pipe the
 * test writes to when the target should go on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void target_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#include <stdarg.h>
static inline void target_say(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	fflush(stdout);
}

/* The checksum the busy targets compute; the tests compute it too. */
static inline unsigned long target_checksum(unsigned long iters)
{
	unsigned long sum = 5381, i;
	double acc = 0;

	for (i = 0; i < iters; i++) {
		sum = sum * 33 + (i ^ (sum >> 7));
		acc += (double)(i & 1023) * 0.5;
	}
	return sum ^ (unsigned long)acc;
}

#endif
