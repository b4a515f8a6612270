// SPDX-License-Identifier: GPL-2.0
/*
 * The dump parasite: runs inside a frozen task and writes runs of its memory
 * into criu's pages image, or copies them into a slot of memory shared with
 * criu, which writes the slot into the image while the parasite fills the
 * other one (criu/include/parasite.h says when which).
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
	if (cmd >= PARASITE_CMD_COPY && cmd <= PARASITE_CMD_COPY_LAST)
		return copy(args, cmd - PARASITE_CMD_COPY);
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
