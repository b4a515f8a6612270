// SPDX-License-Identifier: GPL-2.0
/*
 * Protections: two read-write areas around a PROT_NONE guard, and one
 * mapping split by mprotect into read-write, read-only, no-access and
 * read-exec parts.  After restore /proc/self/maps must show the same areas
 * and protections, the data must be intact, and the protections must be
 * enforced (reading a PROT_NONE page and writing a read-only one fault);
 * the data of the PROT_NONE pages survives too.
 */
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

#include "zdtmtst.h"

#define NPAGES 16

static sigjmp_buf probe_env;

static void segv(int sig)
{
	siglongjmp(probe_env, 1);
}

/* Returns 1 if the access faults, 0 if it works. */
static int faults(volatile uint8_t *p, int write)
{
	struct sigaction sa = { .sa_handler = segv }, old;
	int ret;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(probe_env, 1)) {
		ret = 1;
	} else {
		if (write)
			*p = *p;
		else
			(void)*p;
		ret = 0;
	}
	sigaction(SIGSEGV, &old, NULL);
	return ret;
}

/* "start-end perms" of every line of /proc/self/maps inside [lo, hi), clipped to it */
static int maps_of(void *lo, void *hi, char *out, size_t size)
{
	static char buf[1 << 20];
	unsigned long start, end;
	char perms[8], *line, *save;
	size_t n = 0;

	if (read_file("/proc/self/maps", buf, sizeof(buf)) < 0)
		return -1;
	out[0] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3)
			return -1;
		if (start < (unsigned long)lo || start >= (unsigned long)hi)
			continue;
		/*
		 * A neighbouring mapping of the same kind may merge with ours
		 * after restore, as the kernel merges them on its own: only
		 * our range is compared.
		 */
		if (end > (unsigned long)hi)
			end = (unsigned long)hi;
		n += snprintf(out + n, size - n, "%lx-%lx %s\n", start, end, perms);
		if (n >= size)
			return -1;
	}
	return 0;
}

struct part {
	int first, npages, prot;
};

static const struct part parts[] = {
	{ 0, 3, PROT_READ | PROT_WRITE },
	{ 3, 2, PROT_READ },
	{ 5, 1, PROT_NONE },
	{ 6, 3, PROT_READ | PROT_WRITE },
	{ 9, 2, PROT_READ | PROT_EXEC },
	{ 11, 1, PROT_NONE },
	{ 12, 4, PROT_READ | PROT_WRITE },
};

int main(int argc, char **argv)
{
	static char maps_before[4096], maps_after[4096];
	uint8_t *area, *a1, *guard, *a2, *lo, *hi;
	unsigned int i;
	uint32_t crc;
	int pg, ret = 0;

	test_init(argc, argv);

	/* rw | none | rw, made of one reservation so that nothing comes between */
	lo = mmap(NULL, 10 * PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	area = mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (lo == MAP_FAILED || area == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	a1 = lo;
	guard = lo + 4 * PAGE_SIZE;
	a2 = lo + 6 * PAGE_SIZE;
	hi = lo + 10 * PAGE_SIZE;
	if (mmap(a1, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED ||
	    mmap(a2, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED) {
		pr_perror("mmap fixed");
		return 1;
	}
	crc = ~0U;
	datagen(a1, 4 * PAGE_SIZE, &crc);
	crc = ~0U;
	datagen(a2, 4 * PAGE_SIZE, &crc);

	for (pg = 0; pg < NPAGES; pg++) {
		crc = ~0U;
		datagen(area + pg * PAGE_SIZE, PAGE_SIZE, &crc);
	}
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		if (mprotect(area + parts[i].first * PAGE_SIZE, parts[i].npages * PAGE_SIZE,
			     parts[i].prot)) {
			pr_perror("mprotect");
			return 1;
		}
	}
	if (maps_of(lo, hi, maps_before, 2048) ||
	    maps_of(area, area + NPAGES * PAGE_SIZE, maps_before + strlen(maps_before), 2048)) {
		pr_err("can't read maps");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (maps_of(lo, hi, maps_after, 2048) ||
	    maps_of(area, area + NPAGES * PAGE_SIZE, maps_after + strlen(maps_after), 2048)) {
		fail("can't read maps");
		return 1;
	}
	if (strcmp(maps_before, maps_after)) {
		fail("maps differ");
		test_msg("before:\n%safter:\n%s", maps_before, maps_after);
		ret = 1;
	}
	crc = ~0U;
	if (datachk(a1, 4 * PAGE_SIZE, &crc)) {
		fail("data before the guard corrupted");
		ret = 1;
	}
	crc = ~0U;
	if (datachk(a2, 4 * PAGE_SIZE, &crc)) {
		fail("data after the guard corrupted");
		ret = 1;
	}
	if (!faults(guard, 0) || !faults(guard + PAGE_SIZE, 0)) {
		fail("the guard pages are readable");
		ret = 1;
	}
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		const struct part *p = &parts[i];
		uint8_t *addr = area + p->first * PAGE_SIZE;

		if (faults(addr, 0) != !(p->prot & PROT_READ)) {
			fail("part %u: read access is wrong", i);
			ret = 1;
		}
		if (faults(addr, 1) != !(p->prot & PROT_WRITE)) {
			fail("part %u: write access is wrong", i);
			ret = 1;
		}
		/* pages without access must have kept their data too */
		if (!(p->prot & PROT_READ) && mprotect(addr, p->npages * PAGE_SIZE, PROT_READ)) {
			fail("mprotect");
			ret = 1;
			continue;
		}
		for (pg = p->first; pg < p->first + p->npages; pg++) {
			crc = ~0U;
			if (datachk(area + pg * PAGE_SIZE, PAGE_SIZE, &crc)) {
				fail("page %d of part %u corrupted", pg, i);
				ret = 1;
			}
		}
	}
	if (!ret)
		pass();
	return 0;
}
