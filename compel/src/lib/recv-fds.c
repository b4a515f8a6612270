// SPDX-License-Identifier: GPL-2.0
/* Receiving the fds a parasite sends with std_send_fds(). */

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compel-priv/log.h"
#include "compel-priv/parasite.h"

static void close_fds(int *fds, unsigned int nr)
{
	while (nr--)
		close(fds[nr]);
}

/* One batch: a 32-bit count as payload and that many fds attached. */
static int recv_batch(struct compel_parasite *p, int *fds, unsigned int room)
{
	char cbuf[CMSG_SPACE(sizeof(int) * COMPEL_MAX_FDS_PER_MSG)];
	uint32_t count = 0;
	struct iovec iov = { .iov_base = &count, .iov_len = sizeof(count) };
	struct msghdr h = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	unsigned int got;
	ssize_t n;

	if (parasite_wait_ctl(p))
		return -1;
	n = recvmsg(p->ctl, &h, MSG_CMSG_CLOEXEC);
	c = CMSG_FIRSTHDR(&h);
	if (n != sizeof(count) || !c || c->cmsg_type != SCM_RIGHTS || (h.msg_flags & MSG_CTRUNC)) {
		pr_err("bad fd message from %d\n", p->task->pid);
		p->broken = true;
		return -1;
	}
	got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	memcpy(fds, CMSG_DATA(c), got * sizeof(int));
	if (got != count || got > room) {
		pr_err("%d sent %u fds, announced %u, expected at most %u\n", p->task->pid, got,
		       count, room);
		close_fds(fds, got);
		p->broken = true;
		return -1;
	}
	return got;
}

int compel_recv_fds(struct compel_parasite *p, int *fds, unsigned int nr)
{
	unsigned int done = 0;
	int n;

	if (p->broken)
		return -1;
	while (done < nr) {
		n = recv_batch(p, fds + done, min(nr - done, (unsigned int)COMPEL_MAX_FDS_PER_MSG));
		if (n < 0) {
			close_fds(fds, done);
			return -1;
		}
		done += n;
	}
	return 0;
}
