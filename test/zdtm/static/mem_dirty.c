// SPDX-License-Identifier: GPL-2.0
/*
 * Memory that keeps changing: the test rewrites pages all the time (also
 * while it is pre-dumped or dumped), each page holding its index and a
 * generation number, with the generations kept in a second area.  After
 * SIGTERM every page must agree with its recorded generation: a page
 * changed after a pre-dump must not come back in its older version.
 */
#include <sys/mman.h>

#include "zdtmtst.h"

static int npages = 4096;
TEST_OPTION(npages, int, "pages to keep rewriting", 0);

static void fill(uint64_t *p, size_t words, uint64_t pg, uint64_t gen)
{
	size_t i;

	for (i = 0; i < words; i++)
		p[i] = (pg << 40) ^ (gen << 8) ^ i;
}

int main(int argc, char **argv)
{
	volatile uint64_t *gens;
	uint64_t *mem, pg, rounds = 0;
	size_t words, i, bad = 0;
	int ret = 0;

	test_init(argc, argv);
	if (npages <= 0) {
		pr_err("bad --npages");
		return 1;
	}
	words = PAGE_SIZE / sizeof(uint64_t);
	mem = mmap(NULL, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gens = mmap(NULL, npages * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || gens == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	for (pg = 0; pg < (uint64_t)npages; pg++)
		fill(mem + pg * words, words, pg, 0);

	test_daemon();
	/* a checkpoint may come in the middle of a rewrite: it goes on after */
	while (test_go()) {
		pg = lrand48() % npages;
		fill(mem + pg * words, words, pg, rounds + 1);
		gens[pg] = ++rounds;
		/* leave the dumper some CPU on a loaded machine */
		if (rounds % 4 == 0)
			usleep(100);
	}

	test_msg("%llu rewrites\n", (unsigned long long)rounds);
	for (pg = 0; pg < (uint64_t)npages; pg++) {
		uint64_t *p = mem + pg * words, gen = gens[pg];

		for (i = 0; i < words; i++) {
			if (p[i] != ((pg << 40) ^ (gen << 8) ^ i)) {
				if (!bad)
					fail("page %llu word %zu: %#llx, generation %llu recorded",
					     (unsigned long long)pg, i, (unsigned long long)p[i],
					     (unsigned long long)gen);
				bad++;
				break;
			}
		}
	}
	if (bad) {
		fail("%zu pages disagree with their generation", bad);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
