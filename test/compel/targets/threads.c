// SPDX-License-Identifier: GPL-2.0
/* 32 worker threads computing checksums, plus the main thread waiting for the test. */

#include <pthread.h>
#include <stdbool.h>

#include "target.h"

#define NR_WORKERS 32
#define ITERS 2000000UL

static bool stop;
static unsigned long bad[NR_WORKERS];

static void *worker(void *arg)
{
	unsigned long id = (unsigned long)arg, want = target_checksum(ITERS + id);

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		bad[id] += target_checksum(ITERS + id) != want;
	return NULL;
}

int main(void)
{
	pthread_t t[NR_WORKERS];
	unsigned long i, total = 0;
	char c;

	for (i = 0; i < NR_WORKERS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	target_say("ready\n");
	if (read(0, &c, 1) != 1)
		return 1;
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < NR_WORKERS; i++) {
		pthread_join(t[i], NULL);
		total += bad[i];
	}
	target_say("bad=%lu\n", total);
	return 0;
}
