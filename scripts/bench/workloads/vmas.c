// SPDX-License-Identifier: GPL-2.0
/*
 * A program with 10,000 small VMAs: one region of 10,000 pages whose pages
 * alternate between read-write and read-only, so that no two neighbours
 * merge.  After restore every page's pattern, and the number of mappings
 * inside the region (from /proc/self/maps), are checked.
 *
 * usage: vmas [NVMAS]   (default 10000)
 */
#include <sys/mman.h>

#include "bench-wl.h"

static long count_maps(unsigned long start, unsigned long end)
{
	unsigned long a, b;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &a, &b) == 2 && a >= start && b <= end)
			n++;
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	long nvmas = argc > 1 ? atol(argv[1]) : 10000, i, j, bad = 0, nmaps;
	const long words = 4096 / sizeof(unsigned long long);
	unsigned long long *p, seed;
	size_t size;

	if (nvmas < 1 || nvmas > 60000)
		return 2;
	if (setsid() < 0)
		return 2;
	wl_block_signals();
	size = nvmas * 4096UL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		wl_say("FAIL mmap: %s", strerror(errno));
		return 1;
	}
	seed = (unsigned long long)getpid() << 40 | 0x5a5a;
	for (i = 0; i < nvmas * words; i++)
		p[i] = wl_pattern(seed, i);
	for (i = 1; i < nvmas; i += 2)
		if (mprotect((char *)p + i * 4096, 4096, PROT_READ)) {
			wl_say("FAIL mprotect: %s", strerror(errno));
			return 1;
		}
	nmaps = count_maps((unsigned long)p, (unsigned long)p + size);
	if (nmaps != nvmas) {
		wl_say("FAIL %ld mappings before dump, want %ld", nmaps, nvmas);
		return 1;
	}
	wl_say("READY");
	wl_wait(1);
	nmaps = count_maps((unsigned long)p, (unsigned long)p + size);
	for (i = 0; i < nvmas; i++)
		for (j = 0; j < words; j++)
			if (p[i * words + j] != wl_pattern(seed, i * words + j)) {
				bad++;
				break;
			}
	if (nmaps != nvmas || bad) {
		wl_say("FAIL %ld mappings (want %ld), %ld pages differ", nmaps, nvmas, bad);
		return 1;
	}
	wl_say("OK %ld VMAs verified", nmaps);
	return 0;
}
