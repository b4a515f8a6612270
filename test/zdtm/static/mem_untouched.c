// SPDX-License-Identifier: GPL-2.0
/*
 * A big private anonymous mapping of which a few pages hold data, a few
 * were only read (they map the zero page) and the rest were never touched.
 * After restore, as told by /proc/self/pagemap, the untouched pages must
 * still be absent (a restore must not populate what was never used), the
 * data pages must hold their data, and the read pages must read as zero.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "zdtmtst.h"

#define NPAGES 16384 /* 64 MiB */
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)

enum { UNTOUCHED, DATA, READ };

static int kind(long pg)
{
	if (pg % 1000 == 7)
		return DATA;
	if (pg % 1000 == 500)
		return READ;
	return UNTOUCHED;
}

static uint64_t pm[NPAGES];

static int read_pagemap(uint8_t *mem)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, pm, sizeof(pm), (unsigned long)mem / PAGE_SIZE * sizeof(uint64_t));
	close(fd);
	return n == sizeof(pm) ? 0 : -1;
}

static int check_pagemap(uint8_t *mem, int after)
{
	long pg, bad = 0;

	if (read_pagemap(mem)) {
		pr_perror("read pagemap");
		return 1;
	}
	for (pg = 0; pg < NPAGES; pg++) {
		int present = !!(pm[pg] & (PM_PRESENT | PM_SWAP));

		/*
		 * A restore may leave zero pages unmapped (they read as zero
		 * anyway), and a lazy one the data pages until they are used.
		 */
		if (after && kind(pg) != UNTOUCHED)
			continue;
		if (present != (kind(pg) != UNTOUCHED)) {
			if (!bad)
				test_msg("page %ld (kind %d): pagemap entry %#llx\n", pg, kind(pg),
					 (unsigned long long)pm[pg]);
			bad++;
		}
	}
	if (bad && after)
		fail("%ld pages are (not) present against expectations", bad);
	else if (bad)
		pr_err("%ld pages are (not) present against expectations", bad);
	return bad != 0;
}

int main(int argc, char **argv)
{
	volatile uint8_t *vmem;
	uint8_t *mem;
	uint32_t crc;
	long pg, i;
	int ret = 0;

	test_init(argc, argv);
	mem = mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	/* no huge pages: one touched byte must fault in one page only */
	if (madvise(mem, NPAGES * PAGE_SIZE, MADV_NOHUGEPAGE) && errno != EINVAL) {
		pr_perror("madvise");
		return 1;
	}
	vmem = mem;
	for (pg = 0; pg < NPAGES; pg++) {
		if (kind(pg) == DATA) {
			crc = ~0U;
			datagen(mem + pg * PAGE_SIZE, PAGE_SIZE, &crc);
		} else if (kind(pg) == READ && vmem[pg * PAGE_SIZE + 100]) {
			pr_err("a new page is not zero");
			return 1;
		}
	}
	if (check_pagemap(mem, 0))
		return 1;

	test_daemon();
	test_waitsig();

	/* pagemap first: reading the pages below would populate them */
	ret = check_pagemap(mem, 1);
	for (pg = 0; pg < NPAGES; pg++) {
		if (kind(pg) == DATA) {
			crc = ~0U;
			if (datachk(mem + pg * PAGE_SIZE, PAGE_SIZE, &crc)) {
				fail("page %ld: data corrupted", pg);
				ret = 1;
			}
		} else if (kind(pg) == READ) {
			for (i = 0; i < (long)PAGE_SIZE; i++) {
				if (vmem[pg * PAGE_SIZE + i]) {
					fail("zero page %ld: byte %ld is %#x", pg, i,
					     vmem[pg * PAGE_SIZE + i]);
					ret = 1;
					break;
				}
			}
		}
	}
	if (!ret)
		pass();
	return 0;
}
