/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A task big enough (128 MiB resident) that dump copies its pages out while
 * smaps is still being read (criu/dump-mm.c), with one mapping that dump
 * refuses: the dump must fail and leave the task as it was.  Afterwards
 * every word of the anonymous memory is checked, /proc/self/maps must be
 * unchanged, and the including test checks its own mapping
 * (refused_setup(), refused_intact()).
 */
#include <string.h>
#include <sys/mman.h>

#include "zdtmtst.h"

#define ANON_MB 128

static char maps_before[1 << 16], maps_after[1 << 16];

static inline uint64_t word(uint64_t seed, size_t i)
{
	return seed ^ (i * 0x9e3779b97f4a7c15ULL);
}

static size_t bad_words(const uint64_t *p, size_t n, uint64_t seed)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += p[i] != word(seed, i);
	return bad;
}

static int refused_setup(uint64_t seed);
static bool refused_intact(uint64_t seed);

int main(int argc, char **argv)
{
	size_t anon_words = ((size_t)ANON_MB << 20) / sizeof(uint64_t), i, bad;
	uint64_t seed, *anon;
	bool ok = true;

	test_init(argc, argv);
	seed = ((uint64_t)lrand48() << 32) ^ lrand48();
	anon = mmap(NULL, (size_t)ANON_MB << 20, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED) {
		pr_perror("mmap %d MiB", ANON_MB);
		return 1;
	}
	for (i = 0; i < anon_words; i++)
		anon[i] = word(seed, i);
	if (refused_setup(seed))
		return 1;
	if (read_file("/proc/self/maps", maps_before, sizeof(maps_before)) < 0) {
		pr_err("can't read /proc/self/maps");
		return 1;
	}

	test_daemon();
	test_waitsig();

	bad = bad_words(anon, anon_words, seed);
	if (bad) {
		fail("%zu of %zu words of the anonymous memory changed", bad, anon_words);
		ok = false;
	}
	if (!refused_intact(seed))
		ok = false;
	if (read_file("/proc/self/maps", maps_after, sizeof(maps_after)) < 0) {
		fail("can't read /proc/self/maps again");
		ok = false;
	} else if (strcmp(maps_before, maps_after)) {
		fail("the mappings changed:\n%s---\n%s", maps_before, maps_after);
		ok = false;
	}
	if (ok)
		pass();
	return 0;
}
