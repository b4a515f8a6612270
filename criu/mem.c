// SPDX-License-Identifier: GPL-2.0
/* Choosing which pages of a task to dump, and copying them out of it. */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/page.h"
#include "kerndat.h"
#include "log.h"
#include "mem.h"
#include "page-xfer.h"
#include "pagemap-scan.h"
#include "parasite-pages.h"
#include "stages.h"

#undef LOG_PREFIX
#define LOG_PREFIX "mem: "

/* Bits of a classic /proc/PID/pagemap entry. */
#define PME_PRESENT (1ULL << 63)
#define PME_SWAP (1ULL << 62)
#define PME_FILE (1ULL << 61)
#define PME_PFN_MASK ((1ULL << 55) - 1)

#define PAGEMAP_BATCH 4096 /* entries read at once: 16 MiB of address space */

void page_set_init(struct page_set *ps)
{
	memset(ps, 0, sizeof(*ps));
}

void page_set_free(struct page_set *ps)
{
	free(ps->runs);
	page_set_init(ps);
}

int page_set_add(struct page_set *ps, unsigned long start, unsigned long nr_pages)
{
	struct page_run *last = ps->nr ? &ps->runs[ps->nr - 1] : NULL;

	if (!nr_pages)
		return 0;
	if (last && last->start + last->nr_pages * PAGE_SIZE == start && start != ps->barrier &&
	    last->readable == ps->readable) {
		last->nr_pages += nr_pages;
	} else {
		if (ps->nr == ps->cap) {
			size_t cap = ps->cap ? ps->cap * 2 : 64;
			struct page_run *r = realloc(ps->runs, cap * sizeof(*r));

			if (!r) {
				pr_err("Out of memory for %zu page runs\n", cap);
				return -1;
			}
			ps->runs = r;
			ps->cap = cap;
		}
		ps->runs[ps->nr].start = start;
		ps->runs[ps->nr].nr_pages = nr_pages;
		ps->runs[ps->nr].readable = ps->readable;
		ps->nr++;
	}
	ps->nr_pages += nr_pages;
	if (ps->readable)
		ps->nr_readable += nr_pages;
	return 0;
}

/*
 * The PFN of the shared zero page, to recognise never-written pages that were
 * only read.  0 when unknown (PFNs hidden): then no page is skipped as zero.
 */
static uint64_t zero_page_pfn(void)
{
	static uint64_t pfn = UINT64_MAX;
	volatile char *p;
	uint64_t ent;
	int fd;

	if (pfn != UINT64_MAX)
		return pfn;
	pfn = 0;
	p = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	(void)p[0]; /* a read fault maps the zero page */
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (pread(fd, &ent, sizeof(ent), (uintptr_t)p / PAGE_SIZE * sizeof(ent)) ==
			    sizeof(ent) && (ent & PME_PRESENT))
			pfn = ent & PME_PFN_MASK;
		close(fd);
	}
	munmap((void *)p, PAGE_SIZE);
	return pfn;
}

static bool classic_page_wanted(uint64_t ent, bool file_private, uint64_t zero_pfn)
{
	if (ent & PME_SWAP)
		return true;
	if (!(ent & PME_PRESENT))
		return false;
	if (zero_pfn && (ent & PME_PFN_MASK) == zero_pfn)
		return false;
	/* In a private file mapping, a file page is one the task never wrote. */
	return !(file_private && (ent & PME_FILE));
}

static int collect_classic(int fd, const struct vma_area *vma, struct page_set *ps)
{
	bool file_private = vma->e.status & VMA_FILE_PRIVATE;
	uint64_t zero_pfn = zero_page_pfn();
	unsigned long addr = vma->e.start, run_start = 0, run_len = 0;
	uint64_t *ents = malloc(PAGEMAP_BATCH * sizeof(*ents));

	if (!ents)
		return -1;
	while (addr < vma->e.end) {
		size_t n = min((vma->e.end - addr) / PAGE_SIZE, (unsigned long)PAGEMAP_BATCH), i;
		ssize_t got = pread(fd, ents, n * sizeof(*ents), addr / PAGE_SIZE * sizeof(*ents));

		if (got != (ssize_t)(n * sizeof(*ents))) {
			pr_perror("Can't read pagemap entries at %lx", addr);
			free(ents);
			return -1;
		}
		for (i = 0; i < n; i++, addr += PAGE_SIZE) {
			if (classic_page_wanted(ents[i], file_private, zero_pfn)) {
				if (!run_len)
					run_start = addr;
				run_len++;
				continue;
			}
			if (run_len && page_set_add(ps, run_start, run_len)) {
				free(ents);
				return -1;
			}
			run_len = 0;
		}
	}
	free(ents);
	return page_set_add(ps, run_start, run_len);
}

typedef int (*region_fn)(const struct page_region *r, void *arg);

/*
 * Present or swapped pages of [start, end), but never the shared zero page
 * nor pages in @excl; @report marks the regions with what else they are.
 */
static int scan_range(int fd, unsigned long start, unsigned long end, uint64_t excl,
		      uint64_t report, region_fn fn, void *arg)
{
	struct page_region vec[256];
	struct pm_scan_arg sa;
	long n, i;

	excl |= PAGE_IS_PFNZERO;
	while (start < end) {
		pm_scan_arg_init(&sa, start, end, vec, ARRAY_SIZE(vec));
		sa.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED;
		sa.category_mask = excl;
		sa.category_inverted = excl;
		sa.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | report;
		n = pagemap_scan(fd, &sa);
		if (n < 0) {
			pr_perror("PAGEMAP_SCAN failed at %lx", start);
			return -1;
		}
		for (i = 0; i < n; i++)
			if (fn(&vec[i], arg))
				return -1;
		if (sa.walk_end <= start) {
			pr_err("PAGEMAP_SCAN made no progress at %lx\n", start);
			return -1;
		}
		start = sa.walk_end;
	}
	return 0;
}

static int add_region(const struct page_region *r, void *arg)
{
	return page_set_add(arg, r->start, (r->end - r->start) / PAGE_SIZE);
}

static int collect_scan(int fd, const struct vma_area *vma, struct page_set *ps)
{
	/* Unwritten pages of a private file mapping are file pages. */
	uint64_t excl = vma->e.status & VMA_FILE_PRIVATE ? PAGE_IS_FILE : 0;

	return scan_range(fd, vma->e.start, vma->e.end, excl, 0, add_region, ps);
}

/* The pages of @vma among the regions of a whole-space scan, from *cur on. */
static int collect_scanned(const struct page_scan *s, size_t *cur, const struct vma_area *vma,
			   struct page_set *ps)
{
	size_t i;

	while (*cur < s->nr && s->regions[*cur].end <= vma->e.start)
		(*cur)++;
	/* A region may reach into the next mapping: *cur stays on it. */
	for (i = *cur; i < s->nr && s->regions[i].start < vma->e.end; i++) {
		unsigned long start = max((unsigned long)s->regions[i].start, vma->e.start);
		unsigned long end = min((unsigned long)s->regions[i].end, vma->e.end);

		if (page_set_add(ps, start, (end - start) / PAGE_SIZE))
			return -1;
	}
	return 0;
}

/* Readies @ps for @vma: 1 if its pages are to be looked up, 0 if not, -1 on error. */
static int vma_pages_begin(const struct vma_area *vma, struct page_set *ps)
{
	/*
	 * The vDSO's pages go to the image too: if the kernel at restore has
	 * another vDSO, the old one is rebuilt from them as a proxy.
	 */
	ps->readable = vma->e.prot & PROT_READ;
	if (vma_area_is(vma, VMA_AREA_VDSO)) {
		ps->barrier = vma->e.start;
		return page_set_add(ps, vma->e.start, vma_area_len(vma) / PAGE_SIZE) ? -1 : 0;
	}
	if (!vma_area_is_private(vma))
		return 0;
	ps->nr_scanned += vma_area_len(vma) / PAGE_SIZE;
	/* Restore fills one mapping at a time: keep runs inside mappings. */
	ps->barrier = vma->e.start;
	return 1;
}

int collect_vma_pages(int pagemap_fd, const struct vma_area *vma, struct page_set *ps,
		      enum pagemap_walk how)
{
	int ret = vma_pages_begin(vma, ps);

	if (ret <= 0)
		return ret;
	if (how == PAGEMAP_WALK_AUTO)
		how = kdat.has_pagemap_scan ? PAGEMAP_WALK_SCAN : PAGEMAP_WALK_CLASSIC;
	if (how == PAGEMAP_WALK_SCAN)
		return collect_scan(pagemap_fd, vma, ps);
	return collect_classic(pagemap_fd, vma, ps);
}

static int open_proc_file(pid_t pid, const char *name, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		pr_perror("Can't open %s", path);
	return fd;
}

void page_scan_free(struct page_scan *s)
{
	free(s->regions);
	memset(s, 0, sizeof(*s));
}

static int keep_region(const struct page_region *r, void *arg)
{
	struct page_scan *s = arg;

	if (s->nr == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct page_region *n = realloc(s->regions, cap * sizeof(*n));

		if (!n) {
			pr_err("Out of memory for %zu scanned regions\n", cap);
			return -1;
		}
		s->regions = n;
		s->cap = cap;
	}
	s->regions[s->nr++] = *r;
	return 0;
}

/*
 * Where user space ends for PAGEMAP_SCAN, which checks the range against
 * criu's own limit: 47, 48, 52 or 56 bits of address on the machines Linux
 * runs on.  0 when none is taken.
 */
static unsigned long user_space_end(int fd)
{
	static const unsigned int bits[] = { 56, 52, 48, 47 };
	static unsigned long end;
	static bool probed;
	struct page_region r;
	struct pm_scan_arg sa;
	size_t i;

	if (probed)
		return end;
	probed = true;
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		unsigned long e = (1UL << bits[i]) - PAGE_SIZE;

		pm_scan_arg_init(&sa, e - PAGE_SIZE, e, &r, 1);
		sa.category_anyof_mask = PAGE_IS_PRESENT;
		sa.return_mask = PAGE_IS_PRESENT;
		if (pagemap_scan(fd, &sa) >= 0) {
			end = e;
			break;
		}
	}
	return end;
}

int scan_task_pages(pid_t pid, struct page_scan *s)
{
	int fd, ret;

	memset(s, 0, sizeof(*s));
	if (!kdat.has_pagemap_scan)
		return 0;
	fd = open_proc_file(pid, "pagemap", O_RDONLY);
	if (fd < 0)
		return -1;
	s->end = user_space_end(fd);
	ret = s->end ? scan_range(fd, 0, s->end, 0, 0, keep_region, s) : 0;
	close(fd);
	/* Not fatal: each mapping is then scanned on its own, which says what fails. */
	if (ret) {
		pr_warn("Task %d: no whole-space scan, mapping by mapping then\n", pid);
		page_scan_free(s);
		return 0;
	}
	s->done = s->end != 0;
	return 0;
}

int collect_task_pages(pid_t pid, const struct vm_area_list *vmas, struct page_set *ps,
		       enum pagemap_walk how, const struct page_scan *pre)
{
	struct vma_area *v;
	size_t cur = 0;
	int fd, ret = 0;

	if (how == PAGEMAP_WALK_CLASSIC)
		pre = NULL;
	fd = open_proc_file(pid, "pagemap", O_RDONLY);
	if (fd < 0)
		return -1;
	list_for_each_entry(v, &vmas->h, list) {
		/*
		 * Telling file pages apart costs the scan a look at each page
		 * (11 ms instead of 3.5 per GiB of anonymous memory): private
		 * file mappings, mostly small, are scanned on their own.
		 */
		if (pre && pre->done && v->e.end <= pre->end && !(v->e.status & VMA_FILE_PRIVATE)) {
			ret = vma_pages_begin(v, ps);
			if (ret > 0)
				ret = collect_scanned(pre, &cur, v, ps);
		} else {
			ret = collect_vma_pages(fd, v, ps, how);
		}
		if (ret) {
			pr_err("Can't scan the pages of %d's mapping %lx-%lx\n", pid,
			       (unsigned long)v->e.start, (unsigned long)v->e.end);
			break;
		}
	}
	close(fd);
	pr_info("Task %d: %lu pages of %lu scanned go to the image\n", pid, ps->nr_pages,
		ps->nr_scanned);
	return ret;
}

#define COPY_CHUNK (1UL << 20)

struct mem_reader {
	pid_t pid;
	int fd;
	char *buf;
};

static void mem_reader_close(struct mem_reader *r)
{
	if (r->buf)
		munmap(r->buf, COPY_CHUNK);
	if (r->fd >= 0)
		close(r->fd);
}

/*
 * /proc/PID/mem reads with FOLL_FORCE, so pages of PROT_NONE or write-only
 * mappings come out too, which the task itself could not read.  Two
 * copies per byte: the way for what is small or unreadable.
 */
static int copy_by_read(struct mem_reader *r, unsigned long addr, unsigned long left,
			struct page_xfer *xfer)
{
	if (r->fd < 0) {
		r->fd = open_proc_file(r->pid, "mem", O_RDONLY);
		if (r->fd < 0)
			return -1;
		r->buf = mmap(NULL, COPY_CHUNK, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r->buf == MAP_FAILED) {
			r->buf = NULL;
			pr_perror("Can't allocate a copy buffer");
			return -1;
		}
	}
	while (left) {
		size_t len = min(left, COPY_CHUNK);
		ssize_t got;

		if (stages_interrupted())
			return -1;
		got = pread(r->fd, r->buf, len, (off_t)addr);

		if (got != (ssize_t)len) {
			if (got < 0)
				pr_perror("Can't read %zu bytes at %lx of task %d", len, addr,
					  r->pid);
			else
				pr_err("Short read of %zu bytes at %lx of task %d: %zd\n", len,
				       addr, r->pid, got);
			return -1;
		}
		if (page_xfer_data(xfer, r->buf, len))
			return -1;
		addr += len;
		left -= len;
	}
	return 0;
}

int dump_task_pages(pid_t pid, const struct page_set *ps, struct page_xfer *xfer,
		    struct parasite_pages *pp)
{
	struct mem_reader r = { .pid = pid, .fd = -1 };
	size_t i;
	int ret = -1;

	for (i = 0; i < ps->nr; i++) {
		const struct page_run *run = &ps->runs[i];
		unsigned long len = run->nr_pages * PAGE_SIZE;

		if (page_xfer_add(xfer, run->start, run->nr_pages, PE_PRESENT))
			goto out;
		if (pp && run->readable) {
			if (parasite_pages_queue(pp, xfer, run->start, len))
				goto out;
			continue;
		}
		/* The image takes the bytes in entry order. */
		if ((pp && parasite_pages_flush(pp, xfer)) || copy_by_read(&r, run->start, len, xfer))
			goto out;
	}
	if (pp && parasite_pages_flush(pp, xfer))
		goto out;
	ret = 0;
out:
	mem_reader_close(&r);
	return ret;
}
