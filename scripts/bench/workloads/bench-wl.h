/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared protocol of the benchmark workloads (header-only).
 *
 * A workload sets itself up, prints "READY" on stdout and then waits for
 * signals (blocked, taken with sigtimedwait so that a restart of the wait
 * after restore can never lose one):
 *   SIGUSR2  print "ALIVE" at once (the harness times restore until this)
 *   SIGUSR1  verify the whole state, print "OK ..." or "FAIL ...", exit 0/1
 * stdout is a regular file opened by the harness, written with write(2) so
 * that nothing sits in a stdio buffer across a checkpoint.
 */
#ifndef BENCH_WL_H
#define BENCH_WL_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline void wl_say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDOUT_FILENO, buf, n) != n)
		exit(2);
}

static inline void wl_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		wl_say("FAIL sigprocmask: %s", strerror(errno));
		exit(1);
	}
}

/*
 * Wait for the next SIGUSR1 (returned) while answering SIGUSR2 with ALIVE
 * when @alive is set.  Returns the signal number.
 */
static inline int wl_wait(int alive)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 200 * 1000 * 1000 };
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	for (;;) {
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGUSR2) {
			if (alive)
				wl_say("ALIVE");
			continue;
		}
		if (sig == SIGUSR1)
			return sig;
	}
}

/* The value of 64-bit word @i of the pattern seeded with @seed. */
static inline unsigned long long wl_pattern(unsigned long long seed, unsigned long long i)
{
	unsigned long long x = (i + 1) * 0x9E3779B97F4A7C15ULL ^ seed;

	return x ^ (x >> 29);
}

#endif
