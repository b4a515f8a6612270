// SPDX-License-Identifier: GPL-2.0
/*
 * dumpfail_big.h with a hugetlb mapping (MAP_NORESERVE: no huge page need
 * be reserved on the host, and none is touched).  A mapping of a file that
 * is not plain makes dump read smaps before it copies anything, and refuse
 * the mapping then; the maps check of dumpfail_big.h covers the rest.
 */
#include "dumpfail_big.h"

#define HUGE_LEN (2UL << 20)

static int refused_setup(uint64_t seed)
{
	void *p = mmap(NULL, HUGE_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		test_skip("no hugetlb mapping here: %m");
	return 0;
}

static bool refused_intact(uint64_t seed)
{
	return true;
}
