// SPDX-License-Identifier: GPL-2.0
/*
 * madvise flags that live in the VMA: MADV_DONTFORK, MADV_DONTDUMP,
 * MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_WIPEONFORK, MADV_RANDOM and
 * MADV_SEQUENTIAL, each on its own area.  After restore the VmFlags of each
 * area in /proc/self/smaps must be what they were, and the data intact.
 * With BALLAST_MB (mem_madvise_big), that much more memory is filled and
 * checked too.
 */
#include <sys/mman.h>

#include "zdtmtst.h"

#define NPAGES 4

struct adv {
	int advice;
	const char *name, *flag;
	uint8_t *addr;
	char vmflags[256];
};

static struct adv advs[] = {
	{ MADV_DONTFORK, "MADV_DONTFORK", "dc" },
	{ MADV_DONTDUMP, "MADV_DONTDUMP", "dd" },
	{ MADV_HUGEPAGE, "MADV_HUGEPAGE", "hg" },
	{ MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE", "nh" },
	{ MADV_WIPEONFORK, "MADV_WIPEONFORK", "wf" },
	{ MADV_RANDOM, "MADV_RANDOM", "rr" },
	{ MADV_SEQUENTIAL, "MADV_SEQUENTIAL", "sr" },
};

static char smaps[1 << 20];

/* VmFlags of the area that starts at addr, in the last read of smaps */
static int vm_flags(void *addr, char *flags, size_t size)
{
	char *line, *save, *copy;
	unsigned long start, end;
	int in = 0;

	copy = strdup(smaps);
	if (!copy)
		return -1;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = start == (unsigned long)addr;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(flags, size, "%s ", line + 8);
			free(copy);
			return 0;
		}
	}
	free(copy);
	return -1;
}

static int has_flag(const char *flags, const char *flag)
{
	char word[8];

	snprintf(word, sizeof(word), " %s ", flag);
	return strstr(flags, word) != NULL;
}

int main(int argc, char **argv)
{
	char now[256];
#ifdef BALLAST_MB
	uint8_t *ballast;
#endif
	unsigned int i;
	uint32_t crc;
	int ret = 0;

	test_init(argc, argv);
	for (i = 0; i < ARRAY_SIZE(advs); i++) {
		struct adv *a = &advs[i];

		/* separate areas: a guard page between them keeps them apart */
		a->addr = mmap(NULL, (NPAGES + 1) * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a->addr == MAP_FAILED) {
			pr_perror("mmap");
			return 1;
		}
		if (mprotect(a->addr + NPAGES * PAGE_SIZE, PAGE_SIZE, PROT_NONE)) {
			pr_perror("mprotect");
			return 1;
		}
		crc = ~0U;
		datagen(a->addr, NPAGES * PAGE_SIZE, &crc);
		if (madvise(a->addr, NPAGES * PAGE_SIZE, a->advice)) {
			if (errno == EINVAL && (a->advice == MADV_HUGEPAGE ||
						a->advice == MADV_NOHUGEPAGE)) {
				test_msg("%s not supported, skipped\n", a->name);
				a->flag = NULL;
				continue;
			}
			pr_perror("madvise(%s)", a->name);
			return 1;
		}
	}
#ifdef BALLAST_MB
	ballast = mmap(NULL, (size_t)BALLAST_MB << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ballast == MAP_FAILED) {
		pr_perror("mmap %d MiB", BALLAST_MB);
		return 1;
	}
	crc = ~0U;
	datagen(ballast, (size_t)BALLAST_MB << 20, &crc);
#endif
	if (read_file("/proc/self/smaps", smaps, sizeof(smaps)) < 0) {
		pr_perror("read smaps");
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(advs); i++) {
		struct adv *a = &advs[i];

		if (vm_flags(a->addr, a->vmflags, sizeof(a->vmflags))) {
			pr_err("no VmFlags for %s", a->name);
			return 1;
		}
		if (a->flag && !has_flag(a->vmflags, a->flag)) {
			pr_err("%s: no %s in VmFlags:%s", a->name, a->flag, a->vmflags);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	if (read_file("/proc/self/smaps", smaps, sizeof(smaps)) < 0) {
		fail("read smaps");
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(advs); i++) {
		struct adv *a = &advs[i];

		if (vm_flags(a->addr, now, sizeof(now)) || strcmp(now, a->vmflags)) {
			fail("%s: VmFlags:%s, expected:%s", a->name, now, a->vmflags);
			ret = 1;
		}
		crc = ~0U;
		if (datachk(a->addr, NPAGES * PAGE_SIZE, &crc)) {
			fail("%s: data corrupted", a->name);
			ret = 1;
		}
	}
#ifdef BALLAST_MB
	crc = ~0U;
	if (datachk(ballast, (size_t)BALLAST_MB << 20, &crc)) {
		fail("the %d MiB of ballast corrupted", BALLAST_MB);
		ret = 1;
	}
#endif
	if (!ret)
		pass();
	return 0;
}
