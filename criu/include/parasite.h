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
 * PARASITE_SLOTS_OFF on, a ring of PARASITE_NR_SLOTS slots of
 * PARASITE_SLOT_SIZE bytes.  PARASITE_CMD_COPY_RING runs until criu closes
 * the ring: criu lists the runs of batch k in copy[k % PARASITE_NR_SLOTS]
 * and counts it in ring.queued; the task copies them one after the other
 * into slot k % PARASITE_NR_SLOTS and counts it in ring.copied; criu writes
 * the slot into the image and queues the next batch into it.  The task's CPU
 * copies its memory out while criu writes, and neither side makes a system
 * call per batch: each spins a while, then sleeps on the other's counter (a
 * futex) saying in *_sleeping when it wants to be woken.  Neither spins
 * while both are on the same CPU (task_cpu, criu_cpu): the one that sleeps
 * lets the other run, and is woken onto an idle CPU.  The slots are
 * only touched (and charged to the task) in this mode.
 */
enum {
	PARASITE_CMD_COPY_RING = COMPEL_CMD_USER,
	PARASITE_CMD_TAKE_FD,
	PARASITE_CMD_WRITE,
};

#define PARASITE_NR_SLOTS 8
#define PARASITE_SLOT_SIZE (512U << 10)
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

/* Every counter only grows; batch k uses slot k % PARASITE_NR_SLOTS. */
struct parasite_ring {
	uint32_t queued;        /* criu: batches listed so far */
	uint32_t closed;        /* criu: no batch comes after queued */
	uint32_t task_sleeping; /* task: asleep on queued; wake it once queued >= task_wake_at */
	uint32_t task_wake_at;
	uint32_t copied;        /* task: batches copied into their slots */
	uint32_t criu_sleeping; /* criu: asleep on copied */
	int32_t ret;            /* task: why it stopped early (set before copied moves on) */
	uint32_t task_spin_us;  /* criu: how long the task may spin before sleeping */
	uint32_t task_cpu;      /* task: the CPU it last spun on */
	uint32_t criu_cpu;      /* criu: the CPU it last published from */
};

struct parasite_pages_args {
	int32_t out_fd; /* PARASITE_CMD_WRITE writes here */
	uint32_t pad;
	struct parasite_ring ring;
	struct parasite_copy copy[PARASITE_NR_SLOTS];
};

/* Page aligned, after the control part. */
#define PARASITE_SLOTS_OFF ((sizeof(struct parasite_pages_args) + 4095) & ~4095UL)
#define PARASITE_ARGS_SIZE (PARASITE_SLOTS_OFF + PARASITE_NR_SLOTS * (uint64_t)PARASITE_SLOT_SIZE)

#endif
