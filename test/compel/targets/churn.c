// SPDX-License-Identifier: GPL-2.0
/* Threads come and go all the time: freezing must catch a stable set anyway. */

#include <poll.h>
#include <pthread.h>

#include "target.h"

static void *short_life(void *arg)
{
	volatile unsigned long sink = target_checksum(20000);

	(void)sink;
	return NULL;
}

static void *spawner(void *arg)
{
	unsigned long *created = arg;
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;)
		if (!pthread_create(&t, &attr, short_life, NULL))
			__atomic_add_fetch(created, 1, __ATOMIC_RELAXED);
	return NULL;
}

int main(void)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	static unsigned long created[4];
	pthread_t t;
	int i;

	for (i = 0; i < 4; i++)
		pthread_create(&t, NULL, spawner, &created[i]);
	target_say("ready\n");
	poll(&pfd, 1, -1);
	target_say("created=%lu\n", created[0] + created[1] + created[2] + created[3]);
	return 0;
}
