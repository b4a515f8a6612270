// SPDX-License-Identifier: GPL-2.0
/*
 * Dumping pages through the parasite: the task writes runs of its memory
 * into the pages image itself, or copies them into a shared slot that criu
 * writes into the image, two slots in turn.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "compel/compel.h"
#include "image.h"
#include "log.h"
#include "page-xfer.h"
#include "parasite-blob.h"
#include "parasite-pages.h"
#include "proc_parse.h"
#include "stages.h"

#undef LOG_PREFIX
#define LOG_PREFIX "parasite: "

/*
 * Bytes per write command: big enough that the round trips cost nothing
 * next to the copy, small enough that an interrupted dump stops soon.
 */
#define PARASITE_WRITE_BATCH (64UL << 20)

/* Hands the task our image fd; -1 if it can't take it. */
static int give_image_fd(struct parasite_pages *pp, struct page_xfer *x)
{
	int fd = img_raw_fd(x->pi), ret;
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		pr_perror("Can't stat %s", img_path(x->pi));
		return -1;
	}
	pp->img_dev = st.st_dev;
	pp->img_ino = st.st_ino;
	pp->fd_unknown = true;
	if (compel_rpc_call(pp->p, PARASITE_CMD_TAKE_FD) || compel_send_fds(pp->p, &fd, 1) ||
	    compel_rpc_sync(pp->p, PARASITE_CMD_TAKE_FD, &ret)) {
		pr_err("Task %d did not take the image fd\n", compel_task_pid(pp->task));
		return -1;
	}
	pp->fd_unknown = false;
	if (ret < 0) {
		pr_err("Task %d can't take the image fd: %s\n", compel_task_pid(pp->task),
		       strerror(-ret));
		return -1;
	}
	pp->remote_fd = ret;
	return 0;
}

int parasite_pages_start(struct parasite_pages *pp, struct compel_task *task, struct page_xfer *x,
			 enum pp_way way)
{
	memset(pp, 0, sizeof(*pp));
	pp->task = task;
	pp->remote_fd = -1;
	/* The slots are only faulted in (and charged to the task) if copying. */
	pp->p = compel_infect(task, &parasite_blob, PARASITE_ARGS_SIZE);
	if (!pp->p) {
		pr_err("Can't infect task %d\n", compel_task_pid(task));
		return -1;
	}
	pp->a = compel_parasite_args(pp->p);
	pp->slots = (char *)pp->a + PARASITE_SLOTS_OFF;
	pp->writes = way == PP_WRITE;
	if (pp->writes && give_image_fd(pp, x)) {
		parasite_pages_stop(pp);
		return -1;
	}
	pr_debug("Task %d %s its pages\n", compel_task_pid(task),
		 pp->writes ? "writes" : "copies out");
	return 0;
}

/* What was queued, written into the image by the task itself. */
static int write_cur(struct parasite_pages *pp, struct page_xfer *x)
{
	struct parasite_copy *c = &pp->a->copy[0];
	int ret;

	/* criu's own buffered bytes go first; criu's offset is re-read after. */
	if (img_raw_fd(x->pi) < 0)
		return -1;
	if (++pp->nr_calls == 2 && fault_injected("pages-copy"))
		c->iovs[0].base = 0;
	pp->a->out_fd = pp->remote_fd;
	if (compel_rpc_call_sync(pp->p, PARASITE_CMD_WRITE, &ret)) {
		pr_err("Task %d did not write its pages out\n", compel_task_pid(pp->task));
		return -1;
	}
	if (ret) {
		pr_err("Task %d can't write its pages into %s: %s\n", compel_task_pid(pp->task),
		       img_path(x->pi), strerror(-ret));
		return -1;
	}
	c->nr_iovs = 0;
	pp->queued[0] = 0;
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

static int move_cur(struct parasite_pages *pp, struct page_xfer *x)
{
	return pp->writes ? write_cur(pp, x) : copy_cur(pp, x);
}

int parasite_pages_flush(struct parasite_pages *pp, struct page_xfer *x)
{
	unsigned int i, s;

	if (pp->a->copy[pp->cur].nr_iovs && move_cur(pp, x))
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
	size_t batch = pp->writes ? PARASITE_WRITE_BATCH : PARASITE_SLOT_SIZE;

	while (len) {
		unsigned int s = pp->cur;
		struct parasite_copy *c = &pp->a->copy[s];
		struct parasite_iov *iov;
		size_t n;

		if (c->nr_iovs == PARASITE_MAX_IOVS || pp->queued[s] == batch) {
			if (stages_interrupted() || move_cur(pp, x))
				return -1;
			continue;
		}
		n = min(len, batch - pp->queued[s]);
		iov = &c->iovs[c->nr_iovs++];
		iov->base = addr;
		iov->len = n;
		pp->queued[s] += n;
		addr += n;
		len -= n;
	}
	return 0;
}

static int close_if_image(int fd, void *arg)
{
	struct parasite_pages *pp = arg;
	pid_t pid = compel_task_pid(pp->task);
	char path[64];
	struct stat st;
	long ret;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	if (stat(path, &st) || st.st_dev != pp->img_dev || st.st_ino != pp->img_ino)
		return 0;
	if (compel_syscall(pp->task, SYS_close, &ret, fd, 0, 0, 0, 0, 0) || ret)
		pr_warn("Task %d keeps fd %d on the pages image\n", pid, fd);
	return 0;
}

/* After a broken hand-over: whatever fd of the task is our image file goes. */
static void close_lost_fd(struct parasite_pages *pp)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%d/fd", compel_task_pid(pp->task));
	proc_dir_each(dir, close_if_image, pp);
}

int parasite_pages_stop(struct parasite_pages *pp)
{
	long ret = 0;
	int err = 0;

	if (!pp->p)
		return 0;
	if (compel_cure(pp->p))
		err = -1;
	pp->p = NULL;
	pp->a = NULL;
	pp->slots = NULL;
	/* Closed from outside: this works whatever became of the parasite. */
	if (pp->remote_fd >= 0 &&
	    (compel_syscall(pp->task, SYS_close, &ret, pp->remote_fd, 0, 0, 0, 0, 0) || ret)) {
		pr_err("Can't close fd %d of task %d\n", pp->remote_fd, compel_task_pid(pp->task));
		err = -1;
	}
	pp->remote_fd = -1;
	if (pp->fd_unknown)
		close_lost_fd(pp);
	pp->fd_unknown = false;
	return err;
}
