// SPDX-License-Identifier: GPL-2.0
/*
 * The dump parasite: runs inside a frozen task and copies runs of its memory
 * into a slot of memory shared with criu, which writes the slot into the
 * image while the parasite fills the other one.
 */

#include "compel/plugins/std/std.h"
#include "parasite.h"

#define EINVAL_ 22

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

int parasite_daemon_cmd(unsigned int cmd, void *args)
{
	if (cmd >= PARASITE_CMD_COPY && cmd <= PARASITE_CMD_COPY_LAST)
		return copy(args, cmd - PARASITE_CMD_COPY);
	return -EINVAL_;
}

int parasite_trap_cmd(unsigned int cmd, void *args)
{
	(void)cmd;
	(void)args;
	return -EINVAL_;
}
