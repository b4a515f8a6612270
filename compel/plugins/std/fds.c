// SPDX-License-Identifier: GPL-2.0
/* Passing fds with compel over SCM_RIGHTS, in batches of a count and that many fds. */

#include "compel/plugins/std/std.h"

#define CMSG_LEN_FDS(n) (sizeof(struct std_cmsghdr) + (n) * sizeof(int))

/* One message: a 32-bit count as payload, room for @nr fds attached. */
struct fd_batch {
	uint64_t ctl[(CMSG_LEN_FDS(COMPEL_MAX_FDS_PER_MSG) + 7) / 8];
	uint32_t count;
	struct std_iovec iov;
	struct std_msghdr h;
};

static struct std_cmsghdr *batch_init(struct fd_batch *b, unsigned int nr)
{
	memset(b, 0, sizeof(*b));
	b->count = nr;
	b->iov.base = &b->count;
	b->iov.len = sizeof(b->count);
	b->h.iov = &b->iov;
	b->h.iovlen = 1;
	b->h.control = b->ctl;
	b->h.controllen = (CMSG_LEN_FDS(nr) + 7) & ~7UL;
	return (struct std_cmsghdr *)b->ctl;
}

static int send_batch(int sock, const int *fds, unsigned int nr)
{
	struct fd_batch b;
	struct std_cmsghdr *c = batch_init(&b, nr);
	long ret;

	c->len = CMSG_LEN_FDS(nr);
	c->level = STD_SOL_SOCKET;
	c->type = STD_SCM_RIGHTS;
	memcpy(c + 1, fds, nr * sizeof(int));
	ret = sys_sendmsg(sock, &b.h, STD_MSG_NOSIGNAL);
	return ret == sizeof(b.count) ? 0 : (ret < 0 ? ret : -5);
}

int std_send_fds(const int *fds, unsigned int nr)
{
	unsigned int n;
	int ret;

	while (nr) {
		n = nr < COMPEL_MAX_FDS_PER_MSG ? nr : COMPEL_MAX_FDS_PER_MSG;
		ret = send_batch(std_hdr()->ctl_fd, fds, n);
		if (ret)
			return ret;
		fds += n;
		nr -= n;
	}
	return 0;
}

#define STD_MSG_CMSG_CLOEXEC 0x40000000
#define STD_MSG_CTRUNC 0x8
#define EMFILE_ 24
#define EPROTO_ 71

static int recv_batch(int sock, int *fds, unsigned int nr)
{
	struct fd_batch b;
	struct std_cmsghdr *c = batch_init(&b, nr);
	uint32_t got = 0, i;
	long ret;

	b.count = 0;
	ret = sys_recvmsg(sock, &b.h, STD_MSG_CMSG_CLOEXEC);
	if (ret < 0)
		return ret;
	if (b.h.controllen >= sizeof(*c) && c->level == STD_SOL_SOCKET &&
	    c->type == STD_SCM_RIGHTS)
		got = (c->len - sizeof(*c)) / sizeof(int);
	if (ret == sizeof(b.count) && b.count == nr && got == nr &&
	    !(b.h.flags & STD_MSG_CTRUNC)) {
		memcpy(fds, c + 1, nr * sizeof(int));
		return 0;
	}
	/* What did arrive is not ours to keep; a full fd table truncates the message. */
	for (i = 0; i < got && i < nr; i++)
		sys_close(((int *)(c + 1))[i]);
	return (b.h.flags & STD_MSG_CTRUNC) ? -EMFILE_ : -EPROTO_;
}

int std_recv_fds(int *fds, unsigned int nr)
{
	unsigned int n, i, done = 0;
	int ret;

	while (done < nr) {
		n = nr - done < COMPEL_MAX_FDS_PER_MSG ? nr - done : COMPEL_MAX_FDS_PER_MSG;
		ret = recv_batch(std_hdr()->ctl_fd, fds + done, n);
		if (ret) {
			for (i = 0; i < done; i++)
				sys_close(fds[i]);
			return ret;
		}
		done += n;
	}
	return 0;
}
