/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_PARASITE_H
#define CRIU_PARASITE_H

/*
 * What criu and its dump parasite (criu/pie/parasite.c) agree on.  Both
 * sides include this header, so it stays freestanding: fixed size types only.
 */
#include <stdint.h>

#include "compel/rpc.h"

/*
 * Pages leave the task one of two ways.
 *
 * Writing: PARASITE_CMD_TAKE_FD takes criu's pages image fd (compel_send_fds)
 * and answers its number in the task; PARASITE_CMD_WRITE writes the runs of
 * copy[0].iovs[] to it in order.  One copy per byte, done by the task's own
 * write(2), so the tmpfs/page cache pages are charged to the task's memory
 * cgroup; only on request (CRIU_PAGES_VIA=parasite-write, criu/dump-mm.c).
 *
 * Copying (the default): the argument area (shared memory, mapped in the
 * task and in criu) holds struct parasite_pages_args and, from
 * PARASITE_SLOTS_OFF on, two slots of PARASITE_SLOT_SIZE bytes.  PARASITE_CMD_COPY + N copies the runs of
 * copy[N].iovs[] one after the other into slot N: the task's CPU copies
 * its memory out while criu writes the other slot into the image.  The slots
 * are only touched (and charged to the task) in this mode.
 */
enum {
	PARASITE_CMD_COPY = COMPEL_CMD_USER,
	PARASITE_CMD_COPY_LAST = PARASITE_CMD_COPY + 1,
	PARASITE_CMD_TAKE_FD,
	PARASITE_CMD_WRITE,
};

#define PARASITE_NR_SLOTS 2
#define PARASITE_SLOT_SIZE (2U << 20)
#define PARASITE_MAX_IOVS 1024

struct parasite_iov {
	uint64_t base;
	uint64_t len;
};

struct parasite_copy {
	uint32_t nr_iovs;
	uint32_t pad;
	struct parasite_iov iovs[PARASITE_MAX_IOVS];
};

struct parasite_pages_args {
	int32_t out_fd; /* PARASITE_CMD_WRITE writes here */
	uint32_t pad;
	struct parasite_copy copy[PARASITE_NR_SLOTS];
};

/* Page aligned, after the control part. */
#define PARASITE_SLOTS_OFF ((sizeof(struct parasite_pages_args) + 4095) & ~4095UL)
#define PARASITE_ARGS_SIZE (PARASITE_SLOTS_OFF + PARASITE_NR_SLOTS * (uint64_t)PARASITE_SLOT_SIZE)

#endif
