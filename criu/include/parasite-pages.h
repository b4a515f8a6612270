/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_PARASITE_PAGES_H
#define CRIU_PARASITE_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parasite.h"

struct compel_task;
struct compel_parasite;
struct page_xfer;

/*
 * Pages leave a frozen task through the dump parasite: it copies runs of
 * its memory into one of two slots of shared memory while criu writes the
 * other slot into the pages image, so the copy out of the task and the
 * write into the image run on two CPUs at once.
 */
struct parasite_pages {
	struct compel_task *task;
	struct compel_parasite *p;
	struct parasite_pages_args *a; /* the shared argument area */
	char *slots;                   /* criu's view of the slots */
	unsigned int cur;              /* the slot being queued */
	unsigned int nr_calls;         /* copy commands sent */
	uint64_t queued[PARASITE_NR_SLOTS]; /* bytes of its iovs[] */
	bool filled[PARASITE_NR_SLOTS];     /* copied, not written out yet */
};

/*
 * Infects @task: 0, or -1 with the task as it was (it can't take a parasite,
 * e.g. no fd left under its RLIMIT_NOFILE for the control socket).
 */
int parasite_pages_start(struct parasite_pages *pp, struct compel_task *task);
/* Adds [addr, addr + len) to what goes next into @x, copying when a slot is full. */
int parasite_pages_queue(struct parasite_pages *pp, struct page_xfer *x, unsigned long addr,
			 size_t len);
/* Moves everything queued into @x. */
int parasite_pages_flush(struct parasite_pages *pp, struct page_xfer *x);
/* Cures the task (still frozen); -1 if it could not. */
int parasite_pages_stop(struct parasite_pages *pp);

#endif
