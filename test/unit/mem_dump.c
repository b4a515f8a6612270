// SPDX-License-Identifier: GPL-2.0
/*
 * Page selection and the page images, on a real child: its mappings are
 * classified (read in turn, by the vma-ahead thread, and from maps completed
 * with smaps' VmFlags alike), exactly the
 * pages holding data are chosen (by PAGEMAP_SCAN per mapping, over the whole
 * address space, and by the classic pagemap alike), written out and read
 * back byte for byte.
 */

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/page.h"
#include "compel/compel.h"
#include "image.h"
#include "proc_parse.h"
#include "kerndat.h"
#include "mem.h"
#include "page-xfer.h"
#include "parasite-pages.h"
#include "unit.h"
#include "vma-ahead.h"

#define ANON_PAGES 64
#define FILE_PAGES 8
/*
 * Every other page written: one-page runs that fill the parasite's ring
 * slots with as many runs as they hold, around the ring several times.
 * The odd ones but the last: the area lies right after the anon one, in the
 * same mapping, and must not extend the runs there.
 */
#define SPARSE_PAGES 4096
#define SPARSE_WRITTEN (SPARSE_PAGES / 2 - 1)

static bool sparse_written(unsigned long i)
{
	return i % 2 && i < SPARSE_PAGES - 1;
}

struct layout {
	unsigned long anon, file, none, sparse, split;
	int ready;
};

static unsigned char pattern(unsigned long addr, size_t i)
{
	return (unsigned char)((addr >> 12) * 31 + i * 7 + 1);
}

static void fill_page(char *p)
{
	size_t i;

	for (i = 0; i < PAGE_SIZE; i++)
		p[i] = pattern((unsigned long)p, i);
}

static void child(struct layout *l, const char *file)
{
	static const int written[] = { 0, 1, 2, 10, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 63 };
	char *anon, *fmap, *none, *sparse, *split;
	volatile char sink;
	size_t i;
	int fd;

	/* One mapping, so that the two areas always touch. */
	anon = mmap(NULL, (ANON_PAGES + SPARSE_PAGES) * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sparse = anon + ANON_PAGES * PAGE_SIZE;
	fd = open(file, O_RDONLY);
	fmap = mmap(NULL, FILE_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	none = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	split = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	if (anon == MAP_FAILED || fmap == MAP_FAILED || none == MAP_FAILED || split == MAP_FAILED)
		_exit(1);
	/* Two mappings whose present pages are one run to a whole-space scan. */
	for (i = 0; i < 4; i++)
		fill_page(split + i * PAGE_SIZE);
	mprotect(split + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ);
	for (i = 0; i < SPARSE_PAGES; i++)
		if (sparse_written(i))
			fill_page(sparse + i * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(written); i++)
		fill_page(anon + written[i] * PAGE_SIZE);
	sink = anon[5 * PAGE_SIZE]; /* read only: maps the zero page */
	for (i = 0; i < FILE_PAGES; i++)
		sink = fmap[i * PAGE_SIZE]; /* every file page present, unmodified */
	fill_page(fmap + 3 * PAGE_SIZE);
	fill_page(none + PAGE_SIZE);
	mprotect(none, 2 * PAGE_SIZE, PROT_NONE);
	(void)sink;
	l->anon = (unsigned long)anon;
	l->file = (unsigned long)fmap;
	l->none = (unsigned long)none;
	l->sparse = (unsigned long)sparse;
	l->split = (unsigned long)split;
	__atomic_store_n(&l->ready, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pause();
}

static struct vma_area *find_vma(struct vm_area_list *l, unsigned long addr)
{
	struct vma_area *v;

	list_for_each_entry(v, &l->h, list)
		if (v->e.start == addr)
			return v;
	return NULL;
}

static bool has_run(const struct page_set *ps, unsigned long start, unsigned long nr)
{
	size_t i;

	for (i = 0; i < ps->nr; i++)
		if (ps->runs[i].start == start && ps->runs[i].nr_pages == nr)
			return true;
	return false;
}

static unsigned long pages_in(const struct page_set *ps, unsigned long lo, unsigned long hi)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < ps->nr; i++)
		if (ps->runs[i].start >= lo && ps->runs[i].start < hi)
			n += ps->runs[i].nr_pages;
	return n;
}

static void check_pages(const struct layout *l, const struct page_set *ps, const char *how)
{
	unsigned long a = l->anon;

	CHECK(has_run(ps, a, 3), "%s: pages 0-2", how);
	CHECK(has_run(ps, a + 10 * PAGE_SIZE, 1), "%s: page 10", how);
	CHECK(has_run(ps, a + 20 * PAGE_SIZE, 10), "%s: pages 20-29", how);
	CHECK(has_run(ps, a + 63 * PAGE_SIZE, 1), "%s: page 63", how);
	CHECK(pages_in(ps, a, a + ANON_PAGES * PAGE_SIZE) == 15, "%s: no zero or untouched page",
	      how);
	CHECK(pages_in(ps, l->file, l->file + FILE_PAGES * PAGE_SIZE) == 1 &&
		      has_run(ps, l->file + 3 * PAGE_SIZE, 1),
	      "%s: only the written file page", how);
	CHECK(has_run(ps, l->none + PAGE_SIZE, 1), "%s: PROT_NONE page with data", how);
	CHECK(has_run(ps, l->sparse + PAGE_SIZE, 1) && has_run(ps, l->sparse + 3 * PAGE_SIZE, 1) &&
		      pages_in(ps, l->sparse, l->sparse + SPARSE_PAGES * PAGE_SIZE) ==
			      SPARSE_WRITTEN,
	      "%s: every other page of the sparse area, one run each", how);
	CHECK(has_run(ps, l->split, 2) && has_run(ps, l->split + 2 * PAGE_SIZE, 2),
	      "%s: a run of two mappings split between them", how);
}

static bool same_runs(const struct page_set *a, const struct page_set *b)
{
	size_t i;

	if (a->nr != b->nr || a->nr_pages != b->nr_pages || a->nr_scanned != b->nr_scanned)
		return false;
	for (i = 0; i < a->nr; i++)
		if (a->runs[i].start != b->runs[i].start ||
		    a->runs[i].nr_pages != b->runs[i].nr_pages ||
		    a->runs[i].readable != b->runs[i].readable)
			return false;
	return true;
}

/* The thread reads what collect_vmas() reads, and a failure comes out as one. */
static void check_vma_ahead(pid_t pid, const struct vm_area_list *vmas)
{
	struct vm_area_list l;
	struct vma_area *a, *b;
	struct vma_ahead *va;
	bool same = true;

	va = vma_ahead_start(pid);
	CHECK(va != NULL, "vma-ahead thread started");
	CHECK(vma_ahead_take(va, pid, &l) == 0 && l.nr == vmas->nr &&
		      l.nr_priv_pages == vmas->nr_priv_pages,
	      "vma-ahead: %u mappings", l.nr);
	b = list_first_entry(&vmas->h, struct vma_area, list);
	list_for_each_entry(a, &l.h, list) {
		same &= a->e.start == b->e.start && a->e.end == b->e.end &&
			a->e.status == b->e.status && a->vm_flags == b->vm_flags;
		b = list_entry(b->list.next, struct vma_area, list);
	}
	CHECK(same, "vma-ahead: the same mappings as read in turn");
	free_vm_area_list(&l);
	vma_ahead_stop(va);

	va = vma_ahead_start(1 << 30);
	CHECK(va && vma_ahead_take(va, 1 << 30, &l) < 0 && !l.nr, "vma-ahead: a task that is gone");
	vma_ahead_stop(va);
	/* Stopped before anything was taken: the thread's list is freed. */
	vma_ahead_stop(vma_ahead_start(pid));
}

static bool same_flags(const struct vm_area_list *a, const struct vm_area_list *b)
{
	const struct vma_area *x, *y = list_first_entry(&b->h, struct vma_area, list);
	bool same = a->nr == b->nr;

	list_for_each_entry(x, &a->h, list) {
		if (!same || &y->list == &b->h)
			return false;
		same = x->e.start == y->e.start && x->vm_flags == y->vm_flags &&
		       x->e.flags == y->e.flags && x->e.madv == y->e.madv;
		y = list_entry(y->list.next, struct vma_area, list);
	}
	return same;
}

static bool no_flags(const struct vm_area_list *l)
{
	const struct vma_area *v;

	list_for_each_entry(v, &l->h, list)
		if (v->vm_flags || v->e.madv)
			return false;
	return true;
}

/*
 * The mappings from /proc/PID/maps, completed with smaps' VmFlags, are those
 * read from smaps; a mapping only smaps shows is accepted only in the skipped
 * range (criu's parasite); a mapping that differs fails.
 */
static void check_layout(pid_t pid, const struct vm_area_list *vmas)
{
	struct vm_area_list lay, full;
	struct vma_area *first;
	unsigned long s, e;
	void *huge;

	CHECK(collect_vma_layout(pid, &lay) == 0 && lay.nr == vmas->nr &&
		      lay.nr_priv_pages == vmas->nr_priv_pages && no_flags(&lay),
	      "layout: %u mappings, no VmFlags", lay.nr);
	CHECK(!vmas_unplain_files(pid, &lay), "layout: anonymous memory and regular files");
	CHECK(collect_vmas(pid, &full) == 0, "smaps again");
	CHECK(vmas_take_flags(pid, &lay, &full, 0, 0) == 0 && same_flags(&lay, vmas),
	      "layout + VmFlags = smaps");
	first = list_first_entry(&lay.h, struct vma_area, list);
	s = first->e.start;
	e = first->e.end;
	list_del(&first->list);
	free(first->path);
	free(first);
	lay.nr--;
	CHECK(vmas_take_flags(pid, &lay, &full, 0, 0) < 0, "a mapping only smaps shows fails");
	CHECK(vmas_take_flags(pid, &lay, &full, s, e) == 0,
	      "... unless it is in the skipped range");
	first = list_first_entry(&lay.h, struct vma_area, list);
	first->e.end += PAGE_SIZE;
	CHECK(vmas_take_flags(pid, &lay, &full, s, e) < 0, "a mapping that changed fails");
	free_vm_area_list(&lay);
	free_vm_area_list(&full);

	/* Without any huge page reserved, MAP_NORESERVE still maps one. */
	huge = mmap(NULL, 2 << 20, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0);
	if (huge == MAP_FAILED) {
		printf("# no hugetlb mapping here (%m): not checked\n");
		return;
	}
	CHECK(collect_vma_layout(getpid(), &lay) == 0 && vmas_unplain_files(getpid(), &lay),
	      "layout: a hugetlb mapping is not plain");
	free_vm_area_list(&lay);
	munmap(huge, 2 << 20);
	CHECK(collect_vma_layout(getpid(), &lay) == 0 && !vmas_unplain_files(getpid(), &lay),
	      "layout: without it, ours is");
	free_vm_area_list(&lay);
}

/* The pages the child filled with the pattern. */
static bool ours(const struct layout *l, unsigned long addr)
{
	return (addr >= l->anon && addr < l->anon + ANON_PAGES * PAGE_SIZE) ||
	       addr == l->file + 3 * PAGE_SIZE || addr == l->none + PAGE_SIZE ||
	       (addr >= l->split && addr < l->split + 4 * PAGE_SIZE) ||
	       (addr >= l->sparse && addr < l->sparse + SPARSE_PAGES * PAGE_SIZE &&
		sparse_written((addr - l->sparse) / PAGE_SIZE));
}

static int truncate_pages(const char *dir)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/pages-1.img", dir);
	if (stat(path, &st) || st.st_size < 100)
		return -1;
	return truncate(path, st.st_size - 100);
}

static int count_one(int fd, void *arg)
{
	(void)fd;
	++*(int *)arg;
	return 0;
}

static int count_fds(pid_t pid)
{
	char path[64];
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	return proc_dir_each(path, count_one, &n) ? -1 : n;
}

/*
 * With @parasite, readable pages leave through the dump parasite, written by
 * the task itself (@way PP_WRITE) or copied through the shared slots.
 */
static void check_roundtrip(pid_t pid, const struct layout *l, const struct page_set *ps,
			    bool parasite, enum pp_way way, bool writes)
{
	struct compel_task *task = NULL;
	struct parasite_pages pp;
	char dir[] = "/tmp/mem_dump.XXXXXX";
	struct page_xfer x;
	struct page_read pr;
	struct page_entry pe;
	unsigned long pages = 0, bad = 0, checked = 0, i;
	unsigned long buf_pages = 64;
	char *buf = malloc(buf_pages * PAGE_SIZE);
	int dfd, ret, fds = count_fds(pid);

	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(open_page_xfer(&x, dfd, pid, 1) == 0, "open xfer");
	if (parasite) {
		task = compel_freeze(pid, 0);
		CHECK(task != NULL, "freeze");
		CHECK(parasite_pages_start(&pp, task, &x, way) == 0, "parasite");
		CHECK(pp.writes == writes, "the task %s", pp.writes ? "writes" : "copies");
	}
	CHECK(dump_task_pages(pid, ps, &x, parasite ? &pp : NULL) == 0, "dump pages%s",
	      parasite ? (way == PP_WRITE ? " written by the task" : " copied by the task") : "");
	if (parasite) {
		CHECK(parasite_pages_stop(&pp) == 0, "parasite cured");
		CHECK(count_fds(pid) == fds, "the task had %d fds, now %d", fds, count_fds(pid));
		CHECK(compel_unfreeze(task) == 0, "unfreeze");
	}
	CHECK(close_page_xfer(&x) == 0, "close xfer");
	CHECK(x.nr_pages == ps->nr_pages, "%lu pages written, %lu chosen", x.nr_pages,
	      ps->nr_pages);

	CHECK(open_page_read(&pr, dfd, pid) == 0, "open read");
	while ((ret = page_read_next(&pr, &pe)) == 1) {
		CHECK(pe.flags == PE_PRESENT, "entry %lx", pe.vaddr);
		/* Runs of other mappings can be long (an ASan build's shadow). */
		if (pe.nr_pages > buf_pages) {
			free(buf);
			buf_pages = pe.nr_pages;
			buf = malloc(buf_pages * PAGE_SIZE);
			if (!buf)
				break;
		}
		if (page_read_data(&pr, &pe, buf))
			break;
		for (i = 0; i < pe.nr_pages * PAGE_SIZE; i++) {
			unsigned long addr = pe.vaddr + i / PAGE_SIZE * PAGE_SIZE;

			if (!ours(l, addr))
				continue;
			bad += (unsigned char)buf[i] != pattern(addr, i % PAGE_SIZE);
			checked++;
		}
		pages += pe.nr_pages;
	}
	CHECK(ret == 0, "clean end of pagemap");
	CHECK(checked == (21 + SPARSE_WRITTEN) * PAGE_SIZE, "%lu bytes of our pages checked",
	      checked);
	CHECK(pages == ps->nr_pages && bad == 0, "%lu pages read back, %lu bad bytes", pages, bad);
	close_page_read(&pr);

	/* A pages file cut short must be caught, not read past. */
	CHECK(truncate_pages(dir) == 0, "truncate");
	CHECK(open_page_read(&pr, dfd, pid) == 0, "reopen");
	ret = 0;
	while (page_read_next(&pr, &pe) == 1 && pe.nr_pages <= buf_pages) {
		if (page_read_data(&pr, &pe, buf)) {
			ret = -1;
			break;
		}
	}
	CHECK(ret == -1, "truncated pages image reported");
	close_page_read(&pr);

	close(dfd);
	free(buf);
	if (fork() == 0)
		execlp("rm", "rm", "-rf", dir, NULL);
	wait(NULL);
}

static int limit_fds(pid_t pid, rlim_t n)
{
	struct rlimit r;

	if (prlimit(pid, RLIMIT_NOFILE, NULL, &r))
		return -1;
	r.rlim_cur = n;
	return prlimit(pid, RLIMIT_NOFILE, &r, NULL);
}

/* -1: no parasite, 1: it writes; with the task's fds as they were after. */
static int try_start(pid_t pid, int dfd)
{
	struct compel_task *task = compel_freeze(pid, 0);
	int fds = count_fds(pid), ret = -1;
	struct parasite_pages pp;
	struct page_xfer x;

	if (!task || open_page_xfer(&x, dfd, pid, 1))
		return -2;
	if (!parasite_pages_start(&pp, task, &x, PP_WRITE)) {
		ret = pp.writes;
		CHECK(parasite_pages_stop(&pp) == 0, "parasite cured");
	}
	close_page_xfer(&x);
	CHECK(compel_unfreeze(task) == 0, "unfreeze");
	CHECK(count_fds(pid) == fds, "%d fds before, %d after", fds, count_fds(pid));
	return ret;
}

/*
 * Fewer and fewer free fds: the parasite writes the pages while the task has
 * room for its fds and the image's, then can't start at all; every try
 * leaves the task's fd table as it was.
 */
static void check_fd_limits(pid_t pid)
{
	char dir[] = "/tmp/mem_dump.XXXXXX";
	int dfd, free_fds, got, prev = 1, wrote_at = -1, fds = count_fds(pid);
	struct rlimit old;

	CHECK(mkdtemp(dir) != NULL && prlimit(pid, RLIMIT_NOFILE, NULL, &old) == 0, "set up");
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	for (free_fds = 6; free_fds >= 0; free_fds--) {
		CHECK(limit_fds(pid, fds + free_fds) == 0, "prlimit");
		got = try_start(pid, dfd);
		CHECK(got == -1 || (got == 1 && prev == 1), "with %d free fds: %d after %d",
		      free_fds, got, prev);
		if (got == 1)
			wrote_at = free_fds;
		prev = got;
	}
	CHECK(wrote_at > 0 && prev == -1, "writes down to %d free fds, %d with none", wrote_at,
	      prev);
	prlimit(pid, RLIMIT_NOFILE, &old, NULL);
	close(dfd);
	if (fork() == 0)
		execlp("rm", "rm", "-rf", dir, NULL);
	wait(NULL);
}

int main(void)
{
	char file[] = "/tmp/mem_dump_file.XXXXXX";
	struct layout *l;
	struct vm_area_list vmas;
	struct page_set scan, classic, whole;
	struct page_scan pre;
	struct vma_area *v;
	char page[PAGE_SIZE];
	pid_t pid;
	int fd, i;

	l = mmap(NULL, sizeof(*l), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fd = mkstemp(file);
	memset(page, 'f', sizeof(page));
	for (i = 0; i < FILE_PAGES; i++)
		CHECK(write(fd, page, sizeof(page)) == sizeof(page), "fill file");
	close(fd);

	pid = fork();
	if (pid == 0)
		child(l, file);
	while (!__atomic_load_n(&l->ready, __ATOMIC_SEQ_CST))
		usleep(1000);
	kill(pid, SIGSTOP);
	waitpid(pid, NULL, WUNTRACED);

	CHECK(collect_vmas(pid, &vmas) == 0, "collect vmas");
	v = find_vma(&vmas, l->anon);
	CHECK(v && vma_area_is(v, VMA_AREA_REGULAR | VMA_ANON_PRIVATE) && vma_area_is_private(v),
	      "anon classified");
	v = find_vma(&vmas, l->file);
	CHECK(v && vma_area_is(v, VMA_AREA_REGULAR | VMA_FILE_PRIVATE) && v->path &&
		      !strcmp(v->path, file), "file mapping classified");
	v = find_vma(&vmas, l->none);
	CHECK(v && v->e.prot == PROT_NONE && vma_area_is_private(v), "PROT_NONE mapping");
	v = find_vma(&vmas, (unsigned long)l);
	CHECK(v && vma_area_is(v, VMA_ANON_SHARED) && !vma_area_is_private(v), "shared anon");

	page_set_init(&scan);
	page_set_init(&classic);
	CHECK(collect_task_pages(pid, &vmas, &classic, PAGEMAP_WALK_CLASSIC, NULL) == 0, "classic");
	check_pages(l, &classic, "classic");
	if (kerndat_init() == 0 && kdat.has_pagemap_scan) {
		CHECK(collect_task_pages(pid, &vmas, &scan, PAGEMAP_WALK_SCAN, NULL) == 0, "scan");
		check_pages(l, &scan, "scan");
		CHECK(scan.nr_pages == classic.nr_pages, "same page count: %lu vs %lu",
		      scan.nr_pages, classic.nr_pages);
		CHECK(scan_task_pages(pid, &pre) == 0 && pre.done, "whole-space scan");
		page_set_init(&whole);
		CHECK(collect_task_pages(pid, &vmas, &whole, PAGEMAP_WALK_AUTO, &pre) == 0,
		      "pages from the whole-space scan");
		check_pages(l, &whole, "whole");
		CHECK(same_runs(&whole, &scan), "whole-space scan: the per-mapping scan's runs");
		page_set_free(&whole);
		page_scan_free(&pre);
	}
	check_vma_ahead(pid, &vmas);
	check_layout(pid, &vmas);
	check_roundtrip(pid, l, &classic, false, PP_COPY, false);
	CHECK(classic.nr_readable && classic.nr_readable < classic.nr_pages,
	      "%lu of %lu pages readable by the task", classic.nr_readable, classic.nr_pages);
	check_roundtrip(pid, l, &classic, true, PP_COPY, false);
	check_roundtrip(pid, l, &classic, true, PP_WRITE, true);
	check_fd_limits(pid);

	page_set_free(&scan);
	page_set_free(&classic);
	free_vm_area_list(&vmas);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(file);
	return unit_done();
}
