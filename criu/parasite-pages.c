// SPDX-License-Identifier: GPL-2.0
/*
 * Dumping pages through the parasite: the task writes runs of its memory
 * into the pages image itself, or copies them into a ring of shared slots
 * that criu writes into the image (criu/include/parasite.h).
 */

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "compel/compel.h"
#include "futex.h"
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

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

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

static uint32_t ring_load(const uint32_t *w)
{
	return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}

static void ring_store(uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_SEQ_CST);
}

/*
 * How long each side spins for the other before it sleeps: longer than criu
 * takes to write a few slots, or the task to copy one, because waking a CPU
 * that went idle can take milliseconds on a VM.  The task only spins while
 * criu has not stalled (a full ring waits for criu), criu only while the
 * task is slower than it, which is seldom.
 */
#define RING_TASK_SPIN_US 20000
#define RING_SPIN_NS 2000000
#define RING_WRITE_BATCHES 2

static int open_ring(struct parasite_pages *pp)
{
	struct parasite_ring *r = &pp->a->ring;

	memset(r, 0, sizeof(*r));
	r->task_spin_us = RING_TASK_SPIN_US;
	r->task_cpu = UINT32_MAX;
	r->criu_cpu = (uint32_t)sched_getcpu();
	if (compel_rpc_call(pp->p, PARASITE_CMD_COPY_RING)) {
		pr_err("Task %d can't start copying its pages\n", compel_task_pid(pp->task));
		return -1;
	}
	pp->ring_running = true;
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
	if (pp->writes ? give_image_fd(pp, x) : open_ring(pp)) {
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
	pp->bytes[0] = 0;
	return 0;
}

/* The task sleeps until queued reaches its mark; @now wakes it regardless. */
static void wake_task(struct parasite_pages *pp, bool now)
{
	struct parasite_ring *r = &pp->a->ring;

	if (ring_load(&r->task_sleeping) &&
	    (now || (int32_t)(ring_load(&r->queued) - ring_load(&r->task_wake_at)) >= 0))
		futex_wake(&r->queued, 1);
}

/* Hands the batch listed in slot pp->queued % PARASITE_NR_SLOTS to the task. */
static void publish(struct parasite_pages *pp)
{
	/* A run the task can't read, with batches before it still being written. */
	if (pp->queued == 2 && fault_injected("pages-copy"))
		pp->a->copy[pp->queued % PARASITE_NR_SLOTS].iovs[0].base = 0;
	ring_store(&pp->a->ring.criu_cpu, (uint32_t)sched_getcpu());
	ring_store(&pp->a->ring.queued, ++pp->queued);
	wake_task(pp, false);
}

/* Waits for the task to copy batch @k. */
static int wait_copied(struct parasite_pages *pp, uint32_t k)
{
	struct parasite_ring *r = &pp->a->ring;
	uint64_t t = mono_ns();
	uint32_t c;

	wake_task(pp, true);
	while ((int32_t)((c = ring_load(&r->copied)) - k) <= 0 && !ring_load((uint32_t *)&r->ret)) {
		if (mono_ns() - t < RING_SPIN_NS &&
		    (uint32_t)sched_getcpu() != ring_load(&r->task_cpu))
			continue;
		ring_store(&r->criu_sleeping, 1);
		if (ring_load(&r->copied) == c && compel_rpc_wait_word(pp->p, &r->copied, c)) {
			ring_store(&r->criu_sleeping, 0);
			pr_err("Task %d did not copy its pages out\n", compel_task_pid(pp->task));
			return -1;
		}
		ring_store(&r->criu_sleeping, 0);
	}
	pp->ns_wait += mono_ns() - t;
	if ((int32_t)(c - k) <= 0 || r->ret) {
		pr_err("Task %d can't copy its pages out: %s\n", compel_task_pid(pp->task),
		       strerror(-(int32_t)ring_load((uint32_t *)&r->ret)));
		return -1;
	}
	return 0;
}

/*
 * Writes the oldest batch not written yet into the image, with the next one
 * if it is copied already and lies right after it: 1 MiB writes, and slots
 * come back to the task soon enough that it keeps copying.
 */
static int write_batch(struct parasite_pages *pp, struct page_xfer *x)
{
	unsigned int s = pp->written % PARASITE_NR_SLOTS, n = 0, i;
	uint32_t copied;
	uint64_t len = 0, t;

	if (wait_copied(pp, pp->written))
		return -1;
	copied = ring_load(&pp->a->ring.copied);
	do {
		len += pp->bytes[s + n++];
	} while (pp->bytes[s + n - 1] == PARASITE_SLOT_SIZE && n < RING_WRITE_BATCHES &&
		 s + n < PARASITE_NR_SLOTS && pp->written + n != copied);
	t = mono_ns();
	if (page_xfer_data(x, pp->slots + (size_t)s * PARASITE_SLOT_SIZE, len))
		return -1;
	pp->ns_write += mono_ns() - t;
	pp->total += len;
	for (i = s; i < s + n; i++) {
		pp->bytes[i] = 0;
		pp->a->copy[i].nr_iovs = 0;
	}
	pp->written += n;
	return 0;
}

/* Runs of the slot being listed; for the writing way, the batch being listed. */
static struct parasite_copy *listing(struct parasite_pages *pp)
{
	return &pp->a->copy[pp->writes ? 0 : pp->queued % PARASITE_NR_SLOTS];
}

static uint64_t *listed_bytes(struct parasite_pages *pp)
{
	return &pp->bytes[pp->writes ? 0 : pp->queued % PARASITE_NR_SLOTS];
}

int parasite_pages_flush(struct parasite_pages *pp, struct page_xfer *x)
{
	if (pp->writes)
		return pp->a->copy[0].nr_iovs ? write_cur(pp, x) : 0;
	if (listing(pp)->nr_iovs)
		publish(pp);
	while (pp->written != pp->queued)
		if (write_batch(pp, x))
			return -1;
	return 0;
}

int parasite_pages_queue(struct parasite_pages *pp, struct page_xfer *x, unsigned long addr,
			 size_t len)
{
	size_t batch = pp->writes ? PARASITE_WRITE_BATCH : PARASITE_SLOT_SIZE;

	while (len) {
		struct parasite_copy *c = listing(pp);
		uint64_t *listed = listed_bytes(pp);
		struct parasite_iov *iov;
		size_t n;

		/* The slot still holds a batch of a ring's length ago: write it out first. */
		if (!pp->writes && pp->queued - pp->written == PARASITE_NR_SLOTS) {
			if (write_batch(pp, x))
				return -1;
			continue;
		}
		if (c->nr_iovs == PARASITE_MAX_IOVS || *listed == batch) {
			if (stages_interrupted())
				return -1;
			if (!pp->writes)
				publish(pp);
			else if (write_cur(pp, x))
				return -1;
			continue;
		}
		n = min(len, batch - *listed);
		iov = &c->iovs[c->nr_iovs++];
		iov->base = addr;
		iov->len = n;
		*listed += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/* Ends the task's copy command, once it has copied what is queued. */
static int close_ring(struct parasite_pages *pp)
{
	int ret;

	if (!pp->ring_running)
		return 0;
	pp->ring_running = false;
	ring_store(&pp->a->ring.closed, 1);
	wake_task(pp, true);
	if (compel_rpc_sync(pp->p, PARASITE_CMD_COPY_RING, &ret))
		return -1;
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
	if (close_ring(pp))
		err = -1;
	if (!pp->writes)
		pr_info("Task %d: %lu MiB of pages written out in %.3f s, %.3f s waited for its copy\n",
			compel_task_pid(pp->task), (unsigned long)(pp->total >> 20),
			pp->ns_write / 1e9, pp->ns_wait / 1e9);
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
