// SPDX-License-Identifier: GPL-2.0
/*
 * The dump parasite: runs inside a frozen task and writes runs of its memory
 * into criu's pages image, or copies them into a ring of slots of memory
 * shared with criu, which writes each slot into the image while the
 * parasite fills the next ones (criu/include/parasite.h says when which).
 */

#include "compel/plugins/std/std.h"
#include "parasite.h"

#define EINVAL_ 22
#define ENOSPC_ 28

static void copy_bytes(void *dst, const void *src, uint64_t len)
{
#if defined(__x86_64__)
	/* The fast string copy every x86_64 since Ivy Bridge has (ERMS). */
	asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(len) : : "memory");
#else
	memcpy(dst, src, len);
#endif
}

static int copy(struct parasite_pages_args *a, unsigned int n)
{
	struct parasite_copy *c = &a->copy[n];
	char *slot = (char *)a + PARASITE_SLOTS_OFF + (uint64_t)n * PARASITE_SLOT_SIZE;
	uint64_t done = 0;
	uint32_t i;

	if (c->nr_iovs > PARASITE_MAX_IOVS)
		return -EINVAL_;
	for (i = 0; i < c->nr_iovs; i++) {
		const struct parasite_iov *iov = &c->iovs[i];

		if (iov->len > PARASITE_SLOT_SIZE - done)
			return -EINVAL_;
		copy_bytes(slot + done, (const void *)(unsigned long)iov->base, iov->len);
		done += iov->len;
	}
	return 0;
}

static void cpu_relax(void)
{
#if defined(__x86_64__)
	asm volatile("pause" ::: "memory");
#elif defined(__aarch64__)
	asm volatile("yield" ::: "memory");
#endif
}

static uint32_t ring_load(const uint32_t *w)
{
	return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}

static void ring_store(uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_SEQ_CST);
}

static int64_t now_us(void)
{
	struct std_timespec ts;

	if (sys_clock_gettime(STD_CLOCK_MONOTONIC, &ts))
		return 0;
	return ts.sec * 1000000 + ts.nsec / 1000;
}

/* Batch k is queued (1), the ring was closed before it (0), or neither yet (-1). */
static int ring_state(struct parasite_ring *r, uint32_t k)
{
	if (ring_load(&r->queued) != k)
		return 1;
	if (ring_load(&r->closed))
		return ring_load(&r->queued) != k;
	return -1;
}

/*
 * Spins up to @us for batch k, looking at the clock once in a while, and
 * not at all on criu's CPU: there it would only keep criu from running.
 */
static int spin_for(struct parasite_ring *r, uint32_t k, uint32_t us)
{
	int64_t end = now_us() + us;
	uint32_t cpu;
	int i, st;

	for (;;) {
		for (i = 0; i < 256; i++) {
			st = ring_state(r, k);
			if (st >= 0)
				return st;
			cpu_relax();
		}
		if (sys_getcpu(&cpu))
			return -1;
		ring_store(&r->task_cpu, cpu);
		if (cpu == ring_load(&r->criu_cpu) || now_us() >= end)
			return -1;
	}
}

/* 1 once batch k is queued, 0 if the ring was closed before it, or -errno. */
static long wait_queued(struct parasite_ring *r, uint32_t k)
{
	long ret = 0;
	int st;

	for (;;) {
		st = spin_for(r, k, r->task_spin_us);
		if (st >= 0)
			return st;
		/* Woken once half the ring can be filled: one wake-up per half ring. */
		ring_store(&r->task_wake_at, k + PARASITE_NR_SLOTS / 2);
		ring_store(&r->task_sleeping, 1);
		if (ring_load(&r->queued) == k && !ring_load(&r->closed))
			ret = std_wait_word(&r->queued, k);
		ring_store(&r->task_sleeping, 0);
		if (ret)
			return ret;
	}
}

/* PARASITE_CMD_COPY_RING: copies batch after batch until criu closes the ring. */
static int copy_ring(struct parasite_pages_args *a)
{
	struct parasite_ring *r = &a->ring;
	uint32_t k;
	long ret;

	for (k = ring_load(&r->copied);; k++) {
		ret = wait_queued(r, k);
		if (ret <= 0)
			return ret;
		ret = copy(a, k % PARASITE_NR_SLOTS);
		if (ret)
			ring_store((uint32_t *)&r->ret, (uint32_t)ret);
		ring_store(&r->copied, k + 1);
		if (ring_load(&r->criu_sleeping))
			std_wake_word(&r->copied);
		if (ret)
			return ret;
	}
}

static int take_fd(struct parasite_pages_args *a)
{
	int fd, ret = std_recv_fds(&fd, 1);

	if (ret)
		return ret;
	a->out_fd = fd;
	return fd;
}

/* Writes iovs[] in order; a short write (a full tmpfs, say) goes on where it stopped. */
static int write_runs(struct parasite_pages_args *a)
{
	struct parasite_copy *c = &a->copy[0];
	struct parasite_iov *iov = c->iovs, *end = c->iovs + c->nr_iovs;
	long n;

	if (c->nr_iovs > PARASITE_MAX_IOVS)
		return -EINVAL_;
	while (iov < end) {
		n = sys_writev(a->out_fd, (const struct std_iovec *)iov, end - iov);
		if (n < 0)
			return n;
		if (n == 0)
			return -ENOSPC_;
		while (iov < end && (uint64_t)n >= iov->len)
			n -= (iov++)->len;
		if (iov < end) {
			iov->base += n;
			iov->len -= n;
		}
	}
	return 0;
}

int parasite_daemon_cmd(unsigned int cmd, void *args)
{
	if (cmd == PARASITE_CMD_COPY_RING)
		return copy_ring(args);
	if (cmd == PARASITE_CMD_TAKE_FD)
		return take_fd(args);
	if (cmd == PARASITE_CMD_WRITE)
		return write_runs(args);
	return -EINVAL_;
}

int parasite_trap_cmd(unsigned int cmd, void *args)
{
	(void)cmd;
	(void)args;
	return -EINVAL_;
}
