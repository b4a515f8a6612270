// SPDX-License-Identifier: GPL-2.0
/*
 * Dumping pages through the parasite: the task copies runs of its memory
 * into a shared slot, criu writes the slot into the image, two slots in turn.
 */

#include <errno.h>
#include <string.h>

#include "compel/compel.h"
#include "log.h"
#include "page-xfer.h"
#include "parasite-blob.h"
#include "parasite-pages.h"
#include "stages.h"

#undef LOG_PREFIX
#define LOG_PREFIX "parasite: "

int parasite_pages_start(struct parasite_pages *pp, struct compel_task *task)
{
	unsigned int i;

	memset(pp, 0, sizeof(*pp));
	pp->task = task;
	pp->p = compel_infect(task, &parasite_blob, PARASITE_ARGS_SIZE);
	if (!pp->p) {
		pr_err("Can't infect task %d\n", compel_task_pid(task));
		return -1;
	}
	pp->a = compel_parasite_args(pp->p);
	pp->slots = (char *)pp->a + PARASITE_SLOTS_OFF;
	for (i = 0; i < PARASITE_NR_SLOTS; i++)
		pp->a->copy[i].nr_iovs = 0;
	return 0;
}

/* Writes what the task copied into slot @s to the image. */
static int write_out(struct parasite_pages *pp, struct page_xfer *x, unsigned int s)
{
	if (page_xfer_data(x, pp->slots + (size_t)s * PARASITE_SLOT_SIZE, pp->queued[s]))
		return -1;
	pp->a->copy[s].nr_iovs = 0;
	pp->queued[s] = 0;
	pp->filled[s] = false;
	return 0;
}

/*
 * The task fills slot cur while criu writes out the other one (filled by
 * the previous call): the copy out of the task and the write into the image
 * run on two CPUs.
 */
static int copy_cur(struct parasite_pages *pp, struct page_xfer *x)
{
	unsigned int s = pp->cur, other = (s + 1) % PARASITE_NR_SLOTS;
	int ret, err = 0;

	/* A run the task can't read, while the other slot is being written. */
	if (++pp->nr_calls == 2 && fault_injected("pages-copy"))
		pp->a->copy[s].iovs[0].base = 0;
	if (compel_rpc_call(pp->p, PARASITE_CMD_COPY + s))
		return -1;
	if (pp->filled[other])
		err = write_out(pp, x, other);
	if (compel_rpc_sync(pp->p, PARASITE_CMD_COPY + s, &ret)) {
		pr_err("Task %d did not copy its pages out\n", compel_task_pid(pp->task));
		return -1;
	}
	if (err)
		return -1;
	if (ret) {
		pr_err("Task %d can't copy its pages out: %s\n", compel_task_pid(pp->task),
		       strerror(-ret));
		return -1;
	}
	pp->filled[s] = true;
	pp->cur = other;
	return 0;
}

int parasite_pages_flush(struct parasite_pages *pp, struct page_xfer *x)
{
	unsigned int i, s;

	if (pp->a->copy[pp->cur].nr_iovs && copy_cur(pp, x))
		return -1;
	/* Oldest first: the slot after cur was filled before cur. */
	for (i = 1; i <= PARASITE_NR_SLOTS; i++) {
		s = (pp->cur + i) % PARASITE_NR_SLOTS;
		if (pp->filled[s] && write_out(pp, x, s))
			return -1;
	}
	return 0;
}

int parasite_pages_queue(struct parasite_pages *pp, struct page_xfer *x, unsigned long addr,
			 size_t len)
{
	while (len) {
		unsigned int s = pp->cur;
		struct parasite_copy *c = &pp->a->copy[s];
		struct parasite_iov *iov;
		size_t n;

		if (c->nr_iovs == PARASITE_MAX_IOVS || pp->queued[s] == PARASITE_SLOT_SIZE) {
			if (stages_interrupted() || copy_cur(pp, x))
				return -1;
			continue;
		}
		n = min(len, (size_t)(PARASITE_SLOT_SIZE - pp->queued[s]));
		iov = &c->iovs[c->nr_iovs++];
		iov->base = addr;
		iov->len = n;
		pp->queued[s] += n;
		addr += n;
		len -= n;
	}
	return 0;
}

int parasite_pages_stop(struct parasite_pages *pp)
{
	int ret;

	if (!pp->p)
		return 0;
	ret = compel_cure(pp->p);
	pp->p = NULL;
	pp->a = NULL;
	pp->slots = NULL;
	return ret ? -1 : 0;
}
