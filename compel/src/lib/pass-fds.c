// SPDX-License-Identifier: GPL-2.0
/* Passing fds over the control socket: to the parasite and back (std plugin's fds.c). */

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

/* The batch shape std_recv_fds() expects: a 32-bit count and that many fds. */
static int send_batch(struct compel_parasite *p, const int *fds, unsigned int nr)
{
	char cbuf[CMSG_SPACE(sizeof(int) * COMPEL_MAX_FDS_PER_MSG)];
	uint32_t count = nr;
	struct iovec iov = { .iov_base = &count, .iov_len = sizeof(count) };
	struct msghdr h = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * nr) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&h);

	memset(cbuf, 0, sizeof(cbuf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * nr);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * nr);
	if (sendmsg(p->ctl, &h, MSG_NOSIGNAL) != sizeof(count)) {
		pr_perror("can't send %u fds to %d", nr, p->task->pid);
		p->broken = true;
		return -1;
	}
	return 0;
}

int compel_send_fds(struct compel_parasite *p, const int *fds, unsigned int nr)
{
	unsigned int n;

	if (p->broken)
		return -1;
	while (nr) {
		n = min(nr, (unsigned int)COMPEL_MAX_FDS_PER_MSG);
		if (send_batch(p, fds, n))
			return -1;
		fds += n;
		nr -= n;
	}
	return 0;
}
