// SPDX-License-Identifier: GPL-2.0
/* The main thread waits on a futex; a helper wakes it when the test says so. */

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "target.h"

static uint32_t word;

static long futex(uint32_t *uaddr, int op, uint32_t val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void *waker(void *arg)
{
	char c;

	if (read(0, &c, 1) != 1)
		return NULL;
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	futex(&word, FUTEX_WAKE_PRIVATE, 1);
	return NULL;
}

int main(void)
{
	unsigned int eintr = 0, eagain = 0;
	pthread_t t;

	pthread_create(&t, NULL, waker, NULL);
	target_say("ready\n");
	/*
	 * EAGAIN is a normal outcome when the word changed before the wait
	 * (re)started; EINTR never is, as no handler runs.
	 */
	while (!__atomic_load_n(&word, __ATOMIC_SEQ_CST)) {
		if (!futex(&word, FUTEX_WAIT_PRIVATE, 0))
			continue;
		eintr += errno == EINTR;
		eagain += errno == EAGAIN;
	}
	pthread_join(t, NULL);
	target_say("eintr=%u word=%u\n", eintr, word);
	fprintf(stderr, "futex target: %u EAGAIN\n", eagain);
	return 0;
}
