// SPDX-License-Identifier: GPL-2.0
/*
 * Private anonymous memory with holes: a mapping with pages unmapped here
 * and there, the rest filled with verifiable data.  After restore the data
 * must be intact and the holes must still be holes.
 */
#include <sys/mman.h>

#include "zdtmtst.h"

#define NPAGES 64

/* [first, last) page ranges that are unmapped */
static const int holes[][2] = { { 0, 1 }, { 10, 13 }, { 30, 31 }, { 50, 58 } };

static int in_hole(int pg)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(holes); i++)
		if (pg >= holes[i][0] && pg < holes[i][1])
			return 1;
	return 0;
}

static int is_mapped(void *addr)
{
	/* msync fails with ENOMEM on an unmapped page */
	if (!msync(addr, PAGE_SIZE, MS_ASYNC))
		return 1;
	return errno == ENOMEM ? 0 : -1;
}

int main(int argc, char **argv)
{
	uint8_t *mem;
	uint32_t crc;
	unsigned int i;
	int pg, ret = 0;

	test_init(argc, argv);
	mem = mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(holes); i++) {
		if (munmap(mem + holes[i][0] * PAGE_SIZE,
			   (holes[i][1] - holes[i][0]) * PAGE_SIZE)) {
			pr_perror("munmap");
			return 1;
		}
	}
	/* each mapped page has its own data and crc */
	for (pg = 0; pg < NPAGES; pg++) {
		if (in_hole(pg))
			continue;
		crc = ~0U;
		datagen(mem + pg * PAGE_SIZE, PAGE_SIZE, &crc);
	}

	test_daemon();
	test_waitsig();

	for (pg = 0; pg < NPAGES; pg++) {
		int m = is_mapped(mem + pg * PAGE_SIZE);

		if (m != !in_hole(pg)) {
			fail("page %d: mapped %d, expected %d", pg, m, !in_hole(pg));
			ret = 1;
			continue;
		}
		if (!m)
			continue;
		crc = ~0U;
		if (datachk(mem + pg * PAGE_SIZE, PAGE_SIZE, &crc)) {
			fail("page %d: data corrupted", pg);
			ret = 1;
		}
	}
	if (!ret)
		pass();
	return 0;
}
