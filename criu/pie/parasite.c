// SPDX-License-Identifier: GPL-2.0
/*
 * The dump parasite: runs inside a frozen task and hands its memory pages to
 * criu through pipes with vmsplice, so that each byte is copied once, from
 * the task's page straight into the image file by criu's splice.
 */

#include "compel/plugins/std/std.h"
#include "parasite.h"

#define O_CLOEXEC_ 02000000
#define F_SETPIPE_SZ_ 1031
#define F_GETPIPE_SZ_ 1032
#define SPLICE_F_NONBLOCK_ 0x02
#define EAGAIN_ 11
#define ENOSPC_ 28
#define EINVAL_ 22

_Static_assert(sizeof(struct parasite_iov) == sizeof(struct std_iovec), "iovec layout");

static void close_pipes(struct parasite_pages_args *a)
{
	uint32_t i;

	for (i = 0; i < a->nr_pipes; i++) {
		if (a->wr_fd[i] >= 0)
			sys_close(a->wr_fd[i]);
		if (a->rd_fd[i] >= 0)
			sys_close(a->rd_fd[i]);
		a->wr_fd[i] = a->rd_fd[i] = -1;
	}
}

/*
 * As many pipes as the task may open, at least one.  A pipe that can't grow
 * (the owner's pipe-user-pages limit) keeps its default size.
 */
static int make_pipes(struct parasite_pages_args *a)
{
	uint32_t want = a->nr_pipes, n;
	int fds[2];
	long r;

	if (!want || want > PARASITE_MAX_PIPES)
		return -EINVAL_;
	for (n = 0; n < want; n++) {
		r = sys_pipe2(fds, O_CLOEXEC_);
		if (r < 0)
			break;
		a->rd_fd[n] = fds[0];
		a->wr_fd[n] = fds[1];
		sys_fcntl(fds[1], F_SETPIPE_SZ_, a->pipe_size);
		r = sys_fcntl(fds[1], F_GETPIPE_SZ_, 0);
		if (r <= 0) {
			sys_close(fds[0]);
			sys_close(fds[1]);
			break;
		}
		a->size[n] = (uint32_t)r;
	}
	a->nr_pipes = n;
	if (!n)
		return r < 0 ? (int)r : -EINVAL_;
	return (int)n;
}

static int send_pipes(struct parasite_pages_args *a)
{
	uint32_t i;
	int ret;

	ret = std_send_fds(a->rd_fd, a->nr_pipes);
	for (i = 0; i < a->nr_pipes; i++) {
		sys_close(a->rd_fd[i]);
		a->rd_fd[i] = -1;
	}
	return ret;
}

static void iov_advance(struct parasite_iov **iov, uint32_t *left, uint64_t bytes)
{
	while (bytes && *left) {
		uint64_t step = bytes < (*iov)->len ? bytes : (*iov)->len;

		(*iov)->base += step;
		(*iov)->len -= step;
		bytes -= step;
		if (!(*iov)->len) {
			(*iov)++;
			(*left)--;
		}
	}
}

/*
 * Non-blocking: a full pipe answers EAGAIN (or a short count) and the next
 * one is taken.  criu emptied the batch's pipes before the command and never
 * asks for more than they hold, so running out of pipes is a bug on its side.
 */
static int drain(struct parasite_pages_args *a, struct parasite_drain *d)
{
	struct parasite_iov *iov = d->iovs;
	uint32_t left = d->nr_iovs, p = 0, i;
	long r;

	if (left > PARASITE_MAX_IOVS || d->nr_pipes > PARASITE_MAX_PIPES ||
	    d->first_pipe > a->nr_pipes || d->nr_pipes > a->nr_pipes - d->first_pipe)
		return -EINVAL_;
	for (i = 0; i < d->nr_pipes; i++)
		d->filled[i] = 0;
	while (left) {
		if (p == d->nr_pipes)
			return -ENOSPC_;
		r = sys_vmsplice(a->wr_fd[d->first_pipe + p], (struct std_iovec *)iov, left,
				 SPLICE_F_NONBLOCK_);
		if (r == -EAGAIN_ || r == 0) {
			p++;
			continue;
		}
		if (r < 0) {
			std_pr_err("vmsplice of %lx+%lx failed: %d", (unsigned long)iov->base,
				   (unsigned long)iov->len, (int)r);
			return (int)r;
		}
		d->filled[p] += (uint64_t)r;
		iov_advance(&iov, &left, (uint64_t)r);
	}
	return 0;
}

int parasite_daemon_cmd(unsigned int cmd, void *args)
{
	struct parasite_pages_args *a = args;

	switch (cmd) {
	case PARASITE_CMD_PIPES:
		return make_pipes(a);
	case PARASITE_CMD_SEND_PIPES:
		return send_pipes(a);
	case PARASITE_CMD_CLOSE_PIPES:
		close_pipes(a);
		return 0;
	case PARASITE_CMD_DRAIN ... PARASITE_CMD_DRAIN_LAST:
		return drain(a, &a->drain[cmd - PARASITE_CMD_DRAIN]);
	}
	return -EINVAL_;
}

int parasite_trap_cmd(unsigned int cmd, void *args)
{
	(void)cmd;
	(void)args;
	return -EINVAL_;
}
