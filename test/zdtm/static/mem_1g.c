// SPDX-License-Identifier: GPL-2.0
/*
 * A 1 GiB memory workload: every page of a 1 GiB anonymous mapping is
 * filled with a pattern derived from its index and a random seed.  After
 * restore every word of every page is checked.
 */
#include <sys/mman.h>

#include "zdtmtst.h"

static int size_mb = 1024;
TEST_OPTION(size_mb, int, "size of the mapping in MiB", 0);

static inline uint64_t word(uint64_t seed, size_t pg, size_t i)
{
	return seed ^ ((uint64_t)pg << 20) ^ (i * 0x9e3779b97f4a7c15ULL);
}

int main(int argc, char **argv)
{
	size_t len, npages, words, pg, i, bad = 0;
	uint64_t seed, *mem;
	int ret = 0;

	test_init(argc, argv);
	if (size_mb <= 0) {
		pr_err("bad --size_mb");
		return 1;
	}
	len = (size_t)size_mb << 20;
	npages = len / PAGE_SIZE;
	words = PAGE_SIZE / sizeof(uint64_t);
	seed = ((uint64_t)lrand48() << 32) ^ lrand48();

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		pr_perror("mmap %d MiB", size_mb);
		return 1;
	}
	for (pg = 0; pg < npages; pg++) {
		uint64_t *p = mem + pg * words;

		for (i = 0; i < words; i++)
			p[i] = word(seed, pg, i);
	}
	test_msg("filled %zu pages\n", npages);

	test_daemon();
	test_waitsig();

	for (pg = 0; pg < npages; pg++) {
		uint64_t *p = mem + pg * words;

		for (i = 0; i < words; i++) {
			if (p[i] != word(seed, pg, i)) {
				if (bad < 10)
					fail("page %zu word %zu: %#llx, expected %#llx", pg, i,
					     (unsigned long long)p[i],
					     (unsigned long long)word(seed, pg, i));
				bad++;
				ret = 1;
				break;
			}
		}
	}
	if (bad)
		fail("%zu of %zu pages are corrupted", bad, npages);
	if (!ret)
		pass();
	return 0;
}
