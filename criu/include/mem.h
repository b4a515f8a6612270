/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_MEM_H
#define CRIU_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pagemap-scan.h"
#include "vma.h"

/* A run of consecutive pages to write. */
struct page_run {
	unsigned long start;
	unsigned long nr_pages;
	bool readable; /* the task itself can read them (its parasite can copy them) */
};

/* Pages of one task chosen for the image, in address order. */
struct page_set {
	struct page_run *runs;
	size_t nr, cap;
	unsigned long nr_pages;
	unsigned long nr_scanned;
	unsigned long nr_readable; /* pages of readable runs */
	unsigned long barrier; /* a run never grows across this address (a VMA start) */
	bool readable;         /* what page_set_add() marks new runs */
};

void page_set_init(struct page_set *ps);
void page_set_free(struct page_set *ps);
/* Appends [start, start + nr pages), merging with the last run when adjacent. */
int page_set_add(struct page_set *ps, unsigned long start, unsigned long nr_pages);

enum pagemap_walk {
	PAGEMAP_WALK_AUTO,    /* PAGEMAP_SCAN when the kernel has it */
	PAGEMAP_WALK_SCAN,    /* PAGEMAP_SCAN ioctl (Linux 6.7) */
	PAGEMAP_WALK_CLASSIC, /* 64-bit entries of /proc/PID/pagemap */
};

/*
 * Adds to @ps the pages of the private mapping @vma that hold data: present
 * or swapped, not the shared zero page, and for private file mappings only
 * the pages the task has written (copied on write); untouched pages read
 * back from the file or as zero at restore.
 */
int collect_vma_pages(int pagemap_fd, const struct vma_area *vma, struct page_set *ps,
		      enum pagemap_walk how);

/*
 * Present and swapped pages of a task's whole address space (but the zero
 * page), scanned before its mappings are known: they are read meanwhile
 * (vma-ahead.h).  Used for anonymous mappings only.
 */
struct page_scan {
	struct page_region *regions; /* in address order */
	size_t nr, cap;
	unsigned long end; /* what was scanned: [0, end) */
	bool done;         /* false: no PAGEMAP_SCAN here, nothing scanned */
};

/*
 * Scans task @pid (stopped) into @s; without PAGEMAP_SCAN, or if the scan
 * fails, leaves @s not done.  -1 only if /proc/PID/pagemap can't be opened.
 */
int scan_task_pages(pid_t pid, struct page_scan *s);
void page_scan_free(struct page_scan *s);

/*
 * All private mappings of @vmas: anonymous ones taken from @pre when it is
 * done (and @how is not PAGEMAP_WALK_CLASSIC), the others looked up one by one.
 */
int collect_task_pages(pid_t pid, const struct vm_area_list *vmas, struct page_set *ps,
		       enum pagemap_walk how, const struct page_scan *pre);

struct page_xfer;
struct parasite_pages;
/*
 * Copies the pages of @ps out of task @pid (stopped) into @xfer: readable
 * runs through @pp when there is one, the others (and all without @pp) by
 * reading /proc/PID/mem.
 */
int dump_task_pages(pid_t pid, const struct page_set *ps, struct page_xfer *xfer,
		    struct parasite_pages *pp);

#endif
