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
 * Pages leave a frozen task through the dump parasite: it vmsplices runs of
 * its memory into pipes (the pages are referenced, not copied) and criu
 * splices the pipes into the pages image, so each byte is copied once.
 */
struct parasite_pages {
	struct compel_task *task;
	struct compel_parasite *p;
	struct parasite_pages_args *a; /* the shared argument area */
	int rd[PARASITE_MAX_PIPES];    /* criu's read ends */
	unsigned int nr_pipes;
	unsigned int nr_drains; /* batches: 2 (one filled while the other empties), or 1 */
	unsigned int cur;       /* the batch being queued */
	unsigned int nr_calls;  /* drain commands sent */
	uint64_t capacity[PARASITE_NR_DRAINS]; /* bytes a batch's pipes hold */
	uint64_t queued[PARASITE_NR_DRAINS];   /* bytes of its iovs[] */
	bool filled[PARASITE_NR_DRAINS];       /* its pipes hold them, not spliced out yet */
};

/*
 * Infects @task and sets up the pipes: 0, or -1 with the task as it was (it
 * can't take a parasite, e.g. no fd left under its RLIMIT_NOFILE), or -2 if
 * it could not even be cured.
 */
int parasite_pages_start(struct parasite_pages *pp, struct compel_task *task);
/* Adds [addr, addr + len) to what goes next into @x, draining when full. */
int parasite_pages_queue(struct parasite_pages *pp, struct page_xfer *x, unsigned long addr,
			 size_t len);
/* Moves everything queued into @x. */
int parasite_pages_flush(struct parasite_pages *pp, struct page_xfer *x);
/* Closes the pipes and cures the task (still frozen); -1 if it could not. */
int parasite_pages_stop(struct parasite_pages *pp);

#endif
