// SPDX-License-Identifier: GPL-2.0
/*
 * A MAP_GROWSDOWN area (as thread stacks used to be) with free space below
 * it, grown once by a fault below its start before the checkpoint.  After
 * restore it must keep its data, its start and the "gd" VmFlag, and must
 * still grow down when the page below its start is touched.
 */
#include <sys/mman.h>

#include "zdtmtst.h"

#define RESERVE (64UL << 20)
#define NPAGES 8

static int vm_flags(unsigned long addr, char *flags, size_t size)
{
	static char buf[1 << 20];
	unsigned long start, end;
	char *line, *save;
	int in = 0;

	if (read_file("/proc/self/smaps", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* field lines never start with "hex-hex" */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = start <= addr && addr < end;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(flags, size, "%s", line + 8);
			return 0;
		}
	}
	return -1;
}

static unsigned long area_start(unsigned long addr)
{
	static char buf[1 << 20];
	unsigned long start, end;
	char *line, *save;

	if (read_file("/proc/self/maps", buf, sizeof(buf)) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start <= addr && addr < end)
			return start;
	return 0;
}

int main(int argc, char **argv)
{
	char flags_before[256], flags_after[256];
	uint8_t *res, *top, *start;
	unsigned long s_before, s_after;
	uint32_t crc = ~0U;
	int ret = 0;

	test_init(argc, argv);

	/* find free space and leave it free below the area */
	res = mmap(NULL, RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		pr_perror("mmap reserve");
		return 1;
	}
	munmap(res, RESERVE);
	top = res + RESERVE - NPAGES * PAGE_SIZE;
	start = mmap(top, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED_NOREPLACE, -1, 0);
	if (start != top) {
		pr_perror("mmap MAP_GROWSDOWN");
		return 1;
	}
	/* grow it by one page */
	start[-1] = 0x5a;
	start -= PAGE_SIZE;
	s_before = area_start((unsigned long)top);
	if (s_before != (unsigned long)start) {
		pr_err("the area did not grow (starts at %lx, expected %p)", s_before, start);
		return 1;
	}
	datagen(start, (NPAGES + 1) * PAGE_SIZE, &crc);
	if (vm_flags((unsigned long)top, flags_before, sizeof(flags_before)) ||
	    !strstr(flags_before, " gd")) {
		pr_err("no gd flag: %s", flags_before);
		return 1;
	}

	test_daemon();
	test_waitsig();

	s_after = area_start((unsigned long)top);
	if (s_after != s_before) {
		fail("the area starts at %lx, expected %lx", s_after, s_before);
		ret = 1;
	}
	if (vm_flags((unsigned long)top, flags_after, sizeof(flags_after)) ||
	    strcmp(flags_before, flags_after)) {
		fail("VmFlags \"%s\", expected \"%s\"", flags_after, flags_before);
		ret = 1;
	}
	crc = ~0U;
	if (datachk(start, (NPAGES + 1) * PAGE_SIZE, &crc)) {
		fail("data corrupted");
		ret = 1;
	}
	if (!ret) {
		/* a fault below it must grow it again (or kill us: a failure too) */
		start[-1] = 0xa5;
		s_after = area_start((unsigned long)top);
		if (s_after != s_before - PAGE_SIZE) {
			fail("the area did not grow: starts at %lx", s_after);
			ret = 1;
		}
	}
	if (!ret)
		pass();
	return 0;
}
