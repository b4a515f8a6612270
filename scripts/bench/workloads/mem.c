// SPDX-License-Identifier: GPL-2.0
/*
 * Private anonymous memory of SIZE MiB filled with a pattern in every 64-bit
 * word; after restore every word of every page is checked.
 *
 * usage: mem SIZE_MIB
 */
#include <stdint.h>
#include <sys/mman.h>

#include "bench-wl.h"

int main(int argc, char **argv)
{
	unsigned long long seed, nwords, i, bad = 0, first_bad = 0;
	unsigned long long *p;
	size_t size;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SIZE_MIB\n", argv[0]);
		return 2;
	}
	size = strtoull(argv[1], NULL, 0) << 20;
	if (!size)
		return 2;
	if (setsid() < 0)
		return 2;
	wl_block_signals();
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		wl_say("FAIL mmap %zu: %s", size, strerror(errno));
		return 1;
	}
	seed = (unsigned long long)getpid() << 32 | (uintptr_t)p >> 12;
	nwords = size / sizeof(*p);
	for (i = 0; i < nwords; i++)
		p[i] = wl_pattern(seed, i);
	wl_say("READY");
	wl_wait(1);
	for (i = 0; i < nwords; i++) {
		if (p[i] != wl_pattern(seed, i)) {
			if (!bad)
				first_bad = i;
			bad++;
		}
	}
	if (bad) {
		wl_say("FAIL %llu of %llu words differ, first at page %llu", bad, nwords,
		       first_bad * sizeof(*p) / 4096);
		return 1;
	}
	wl_say("OK %zu MiB, %llu pages verified", size >> 20, nwords * sizeof(*p) / 4096);
	return 0;
}
