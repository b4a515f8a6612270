// SPDX-License-Identifier: GPL-2.0
/*
 * dumpfail_big.h with a SysV shared memory segment attached, which dump
 * refuses as soon as it reads the task's mappings (before any page is
 * copied); the segment's words are checked afterwards too.
 */
#include <sys/ipc.h>
#include <sys/shm.h>

#include "dumpfail_big.h"

#define SHM_PAGES 2

static uint64_t *shm;

static int refused_setup(uint64_t seed)
{
	size_t i;
	int id;

	id = shmget(IPC_PRIVATE, SHM_PAGES * PAGE_SIZE, IPC_CREAT | 0600);
	if (id < 0) {
		pr_perror("shmget");
		return -1;
	}
	shm = shmat(id, NULL, 0);
	/* Removed once detached: nothing is left behind whatever happens. */
	shmctl(id, IPC_RMID, NULL);
	if (shm == (void *)-1) {
		pr_perror("shmat");
		return -1;
	}
	for (i = 0; i < SHM_PAGES * PAGE_SIZE / sizeof(*shm); i++)
		shm[i] = word(~seed, i);
	return 0;
}

static bool refused_intact(uint64_t seed)
{
	size_t n = SHM_PAGES * PAGE_SIZE / sizeof(*shm), bad = bad_words(shm, n, ~seed);

	if (bad)
		fail("%zu of %zu words of the SysV segment changed", bad, n);
	return !bad;
}
