// SPDX-License-Identifier: GPL-2.0
/*
 * The heap: the program break moved up by sbrk and the area filled with
 * data.  After restore the break and the start of the heap (from
 * /proc/self/stat) must be where they were and the data intact; the break
 * must still move.
 */
#include "zdtmtst.h"

#define HEAP_GROW (64 * 4096)

/* Field 47 of /proc/self/stat: start_brk. */
static unsigned long start_brk(void)
{
	char buf[2048], *p;
	unsigned long v = 0;
	int i;

	if (read_file("/proc/self/stat", buf, sizeof(buf)) < 0)
		return 0;
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p += 2;
	/* p is at field 3; skip to field 47 */
	for (i = 3; i < 47 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		v = strtoul(p, NULL, 10);
	return v;
}

int main(int argc, char **argv)
{
	unsigned long sbrk_before, sbrk_after;
	void *brk_before, *brk_after, *heap;
	uint32_t crc = ~0U;
	int ret = 0;

	test_init(argc, argv);

	heap = sbrk(HEAP_GROW);
	if (heap == (void *)-1) {
		pr_perror("sbrk");
		return 1;
	}
	datagen(heap, HEAP_GROW, &crc);
	sbrk_before = start_brk();

	test_daemon();
	test_waitsig();

	/* before anything may allocate */
	brk_after = sbrk(0);
	brk_before = (char *)heap + HEAP_GROW;
	if (brk_after != brk_before) {
		fail("the break is at %p, expected %p", brk_after, brk_before);
		ret = 1;
	}
	sbrk_after = start_brk();
	if (!sbrk_before || sbrk_after != sbrk_before) {
		fail("start_brk is %#lx, expected %#lx", sbrk_after, sbrk_before);
		ret = 1;
	}
	crc = ~0U;
	if (datachk(heap, HEAP_GROW, &crc)) {
		fail("heap data corrupted");
		ret = 1;
	}
	if (!ret) {
		char *more = sbrk(4096);

		if (more != brk_after) {
			fail("sbrk gave %p, expected %p", more, brk_after);
			ret = 1;
		} else {
			more[4095] = 1;
		}
	}
	if (!ret)
		pass();
	return 0;
}
