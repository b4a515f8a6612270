/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PRIV_PARASITE_H
#define COMPEL_PRIV_PARASITE_H

#include <stdbool.h>
#include <stddef.h>

#include "compel/infect.h"
#include "compel-priv/task.h"

/* Each of the two parasite stacks: the daemon's and the per-thread one. */
#define PARASITE_STACK_SIZE (64 * 1024)

/*
 * The shared area, in order: blob image, one page of header (plus scratch
 * for remote calls that return data), argument area, daemon stack, thread
 * stack.  Offsets are the same in both mappings.
 */
struct compel_parasite {
	struct compel_task *task;
	const struct compel_blob *blob;
	void *local; /* compel's mapping of the memfd */
	unsigned long remote; /* the target's mapping of it, 0 if none */
	size_t size;
	size_t hdr_off;
	size_t args_off;
	size_t args_size;
	size_t daemon_stack_top;
	size_t thread_stack_top;
	int ctl; /* compel's end of the control socket */
	int log; /* read end of the log pipe */
	int remote_ctl; /* the parasite's fds in the target, -1 if none */
	int remote_log;
	bool daemon_running; /* the leader runs the parasite's daemon */
	bool leader_stopped; /* ... and we already saw it stop (crash) */
	int leader_sig; /* the signal it stopped with */
	bool broken; /* crashed or hung: only curing is left */
	int timeout_ms;
};

/* Where the header page keeps scratch data for remote calls. */
#define HDR_SCRATCH_OFF 2048

static inline struct compel_parasite_hdr *parasite_hdr(struct compel_parasite *p)
{
	return (struct compel_parasite_hdr *)((char *)p->local + p->hdr_off);
}

/* Copy the blob into the shared area and relocate it for its remote address. */
int blob_load(struct compel_parasite *p);

/* Drop compel's side of @p without touching the task (it is gone). */
void parasite_forget(struct compel_parasite *p);

/* Undo whatever part of an infection is in place; the task stays frozen. */
int parasite_destroy(struct compel_parasite *p);

/* Close fd *@fd in the target (if >= 0) and set it to -1. */
int parasite_remote_close(struct compel_parasite *p, int *fd);

/* Print the parasite's log lines that are waiting in the pipe. */
void parasite_drain_log(struct compel_parasite *p);

/*
 * Wait until the control socket is readable while watching the leader: a
 * stop of the leader means the parasite crashed.  0 or -1 (p->broken set).
 */
int parasite_wait_ctl(struct compel_parasite *p);

#endif
