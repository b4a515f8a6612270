// SPDX-License-Identifier: GPL-2.0
/*
 * A thread sleeps in short nanosleeps (with a remaining-time pointer) over
 * and over, so that the checkpoint finds it inside one with little time
 * left.  After restore that sleep must end normally, not with EINTR (the
 * remaining time is long gone when the restored thread runs), and the loop
 * must go on.
 */
#include <pthread.h>
#include <time.h>

#include "zdtmtst.h"

static volatile int stop, eintr, rounds;

static void *sleeper(void *arg)
{
	struct timespec ts = { 0, 20000000 }, rem;

	while (!stop) {
		if (nanosleep(&ts, &rem))
			eintr++;
		rounds++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th;
	int before;

	test_init(argc, argv);
	if (pthread_create(&th, NULL, sleeper, NULL)) {
		pr_perror("pthread_create");
		return 1;
	}
	while (rounds < 3)
		usleep(10000);

	test_daemon();
	test_waitsig();

	before = rounds;
	while (rounds < before + 3)
		usleep(10000);
	stop = 1;
	pthread_join(th, NULL);
	if (eintr) {
		fail("nanosleep returned EINTR %d times", eintr);
		return 1;
	}
	pass();
	return 0;
}
