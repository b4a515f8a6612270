/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_FUTEX_H
#define CRIU_FUTEX_H

/*
 * futex(2) for criu's own side.  Not FUTEX_PRIVATE_FLAG: the words live in
 * memory shared with other processes (restored tasks, a parasite).
 */
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Sleeps while *@word == @val, at most @ts (relative, NULL: no limit). */
static inline long futex_wait(uint32_t *word, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, word, FUTEX_WAIT, val, ts, NULL, 0);
}

static inline long futex_wake(uint32_t *word, int nr)
{
	return syscall(SYS_futex, word, FUTEX_WAKE, nr, NULL, NULL, 0);
}

#endif
