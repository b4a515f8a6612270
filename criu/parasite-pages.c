// SPDX-License-Identifier: GPL-2.0
/* Dumping pages through the parasite: vmsplice in the task, splice in criu. */

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compel/compel.h"
#include "log.h"
#include "page-xfer.h"
#include "parasite-blob.h"
#include "parasite-pages.h"
#include "stages.h"

#undef LOG_PREFIX
#define LOG_PREFIX "parasite: "

/* Largest pipe an unprivileged task may ask for (fs.pipe-max-size default). */
#define PIPE_WANT (1U << 20)

static void pipes_init(struct parasite_pages *pp)
{
	unsigned int i;

	for (i = 0; i < PARASITE_MAX_PIPES; i++) {
		pp->rd[i] = -1;
		pp->a->rd_fd[i] = pp->a->wr_fd[i] = -1;
	}
}

/* Half of the pipes for each batch, so that one fills while the other empties. */
static void split_pipes(struct parasite_pages *pp)
{
	unsigned int g, i, first = 0;

	pp->nr_drains = pp->nr_pipes > 1 ? 2 : 1;
	for (g = 0; g < pp->nr_drains; g++) {
		struct parasite_drain *d = &pp->a->drain[g];

		d->first_pipe = first;
		d->nr_pipes = g ? pp->nr_pipes - first : pp->nr_pipes / pp->nr_drains;
		d->nr_iovs = 0;
		pp->capacity[g] = 0;
		for (i = 0; i < d->nr_pipes; i++)
			pp->capacity[g] += pp->a->size[first + i];
		first += d->nr_pipes;
	}
}

static int get_pipes(struct parasite_pages *pp)
{
	pid_t pid = compel_task_pid(pp->task);
	int ret;

	pp->a->nr_pipes = PARASITE_MAX_PIPES;
	pp->a->pipe_size = PIPE_WANT;
	if (compel_rpc_call_sync(pp->p, PARASITE_CMD_PIPES, &ret))
		return -1;
	if (ret <= 0) {
		pr_err("Task %d can't open pipes for its pages: %s\n", pid, strerror(-ret));
		return -1;
	}
	pp->nr_pipes = pp->a->nr_pipes;
	if (compel_rpc_call(pp->p, PARASITE_CMD_SEND_PIPES) ||
	    compel_recv_fds(pp->p, pp->rd, pp->nr_pipes) ||
	    compel_rpc_sync(pp->p, PARASITE_CMD_SEND_PIPES, &ret))
		return -1;
	if (ret) {
		pr_err("Task %d can't send its pipes: %s\n", pid, strerror(-ret));
		return -1;
	}
	split_pipes(pp);
	pr_debug("Task %d: %u pipes, %llu bytes per batch\n", pid, pp->nr_pipes,
		 (unsigned long long)pp->capacity[0]);
	return 0;
}

int parasite_pages_start(struct parasite_pages *pp, struct compel_task *task)
{
	memset(pp, 0, sizeof(*pp));
	pp->task = task;
	pp->p = compel_infect(task, &parasite_blob, sizeof(struct parasite_pages_args));
	if (!pp->p) {
		pr_err("Can't infect task %d\n", compel_task_pid(task));
		return -1;
	}
	pp->a = compel_parasite_args(pp->p);
	pipes_init(pp);
	if (get_pipes(pp))
		return parasite_pages_stop(pp) ? -2 : -1;
	return 0;
}

/* Moves what the task put into batch @g's pipes to the image. */
static int splice_out(struct parasite_pages *pp, struct page_xfer *x, unsigned int g)
{
	struct parasite_drain *d = &pp->a->drain[g];
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < d->nr_pipes; i++) {
		uint64_t n = d->filled[i];

		if (n > pp->a->size[d->first_pipe + i] ||
		    (n && page_xfer_splice(x, pp->rd[d->first_pipe + i], n)))
			return -1;
		total += n;
	}
	if (total != pp->queued[g]) {
		pr_err("Task %d handed out %llu bytes of %llu\n", compel_task_pid(pp->task),
		       (unsigned long long)total, (unsigned long long)pp->queued[g]);
		return -1;
	}
	d->nr_iovs = 0;
	pp->queued[g] = 0;
	pp->filled[g] = false;
	return 0;
}

/*
 * The task fills batch cur while criu empties the other one (filled by the
 * previous call): the target's CPU takes the page walk, criu's the copy.
 */
static int drain_cur(struct parasite_pages *pp, struct page_xfer *x)
{
	unsigned int g = pp->cur, other = (g + 1) % pp->nr_drains;
	int ret, err = 0;

	/* A page the task can't hand out, while the other batch is in flight. */
	if (++pp->nr_calls == 2 && fault_injected("pages-drain"))
		pp->a->drain[g].iovs[0].base = 0;
	if (compel_rpc_call(pp->p, PARASITE_CMD_DRAIN + g))
		return -1;
	if (other != g && pp->filled[other])
		err = splice_out(pp, x, other);
	if (compel_rpc_sync(pp->p, PARASITE_CMD_DRAIN + g, &ret) || err)
		return -1;
	if (ret) {
		pr_err("Task %d can't hand out its pages: %s\n", compel_task_pid(pp->task),
		       strerror(-ret));
		return -1;
	}
	pp->filled[g] = true;
	pp->cur = other;
	return other == g ? splice_out(pp, x, g) : 0;
}

int parasite_pages_flush(struct parasite_pages *pp, struct page_xfer *x)
{
	unsigned int g;

	if (pp->a->drain[pp->cur].nr_iovs && drain_cur(pp, x))
		return -1;
	for (g = 0; g < pp->nr_drains; g++)
		if (pp->filled[g] && splice_out(pp, x, g))
			return -1;
	return 0;
}

int parasite_pages_queue(struct parasite_pages *pp, struct page_xfer *x, unsigned long addr,
			 size_t len)
{
	while (len) {
		unsigned int g = pp->cur;
		struct parasite_drain *d = &pp->a->drain[g];
		size_t n;

		if (d->nr_iovs == PARASITE_MAX_IOVS || pp->queued[g] == pp->capacity[g]) {
			if (drain_cur(pp, x))
				return -1;
			continue;
		}
		n = min(len, (size_t)(pp->capacity[g] - pp->queued[g]));
		d->iovs[d->nr_iovs].base = addr;
		d->iovs[d->nr_iovs].len = n;
		d->nr_iovs++;
		pp->queued[g] += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/* The parasite is gone (crashed, hung): close its pipes with system calls. */
static int close_remote_pipes(struct compel_task *task, const int32_t *fds, unsigned int nr)
{
	unsigned int i;
	int ret = 0;
	long r;

	for (i = 0; i < nr; i++) {
		if (fds[i] < 0)
			continue;
		if (compel_syscall(task, SYS_close, &r, (unsigned long)fds[i], 0, 0, 0, 0, 0) ||
		    r) {
			pr_err("Can't close fd %d of task %d\n", fds[i], compel_task_pid(task));
			ret = -1;
		}
	}
	return ret;
}

int parasite_pages_stop(struct parasite_pages *pp)
{
	int32_t fds[2 * PARASITE_MAX_PIPES];
	bool injected = fault_injected("pages-close");
	unsigned int i;
	int ret = 0, r;

	if (!pp->p)
		return 0;
	/* pages-close: as if the parasite could not answer any more. */
	if (!injected && !compel_rpc_call_sync(pp->p, PARASITE_CMD_CLOSE_PIPES, &r) && !r) {
		ret = compel_cure(pp->p);
	} else {
		/* The argument area goes away with the cure. */
		memcpy(fds, pp->a->wr_fd, sizeof(pp->a->wr_fd));
		memcpy(fds + PARASITE_MAX_PIPES, pp->a->rd_fd, sizeof(pp->a->rd_fd));
		ret = compel_cure(pp->p);
		if (close_remote_pipes(pp->task, fds, ARRAY_SIZE(fds)) || injected)
			ret = -1;
	}
	pp->p = NULL;
	pp->a = NULL;
	for (i = 0; i < PARASITE_MAX_PIPES; i++) {
		if (pp->rd[i] >= 0)
			close(pp->rd[i]);
		pp->rd[i] = -1;
	}
	return ret ? -1 : 0;
}
