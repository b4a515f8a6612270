/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_PARASITE_PAGES_H
#define CRIU_PARASITE_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "parasite.h"

struct compel_task;
struct compel_parasite;
struct page_xfer;

/*
 * How the dump parasite moves pages (criu/include/parasite.h): PP_WRITE,
 * the task write()s them into the pages image itself; PP_COPY, it copies
 * them into a ring of shared slots that criu writes out.
 */
enum pp_way { PP_WRITE, PP_COPY };

struct parasite_pages {
	struct compel_task *task;
	struct compel_parasite *p;
	struct parasite_pages_args *a; /* the shared argument area */
	char *slots;                   /* criu's view of the slots */
	bool writes;                   /* PP_WRITE */
	int remote_fd;                 /* the image fd in the task, or -1 */
	bool fd_unknown;               /* the fd may be in the task under an unknown number */
	dev_t img_dev;                 /* the image file, to find that fd */
	ino_t img_ino;
	bool ring_running;             /* PARASITE_CMD_COPY_RING was sent */
	uint32_t queued;               /* batches handed to the task (ring.queued) */
	uint32_t written;              /* batches written into the image */
	unsigned int nr_calls;         /* write commands sent */
	uint64_t bytes[PARASITE_NR_SLOTS]; /* listed in each slot's iovs[] */
	uint64_t total;                /* written out of the slots */
	uint64_t ns_write, ns_wait;    /* criu writing them; criu waiting for the task */
};

/*
 * Infects @task to move its pages into @x: 0, or -1 with the task as it was
 * (it can't take a parasite or the image fd, e.g. no fd left under its
 * RLIMIT_NOFILE).
 */
int parasite_pages_start(struct parasite_pages *pp, struct compel_task *task, struct page_xfer *x,
			 enum pp_way way);
/* Adds [addr, addr + len) to what goes next into @x, moving it when a batch is full. */
int parasite_pages_queue(struct parasite_pages *pp, struct page_xfer *x, unsigned long addr,
			 size_t len);
/* Moves everything queued into @x. */
int parasite_pages_flush(struct parasite_pages *pp, struct page_xfer *x);
/* Cures the task (still frozen) and closes its copy of the image fd; -1 if it could not. */
int parasite_pages_stop(struct parasite_pages *pp);

#endif
