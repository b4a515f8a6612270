// SPDX-License-Identifier: GPL-2.0
/* Passing fds to compel with SCM_RIGHTS, in batches the receiver expects. */

#include "compel/plugins/std/std.h"

#define CMSG_LEN_FDS(n) (sizeof(struct std_cmsghdr) + (n) * sizeof(int))

static int send_batch(int sock, const int *fds, unsigned int nr)
{
	uint64_t ctl[(CMSG_LEN_FDS(COMPEL_MAX_FDS_PER_MSG) + 7) / 8];
	struct std_cmsghdr *c = (struct std_cmsghdr *)ctl;
	uint32_t count = nr;
	struct std_iovec iov = { .base = &count, .len = sizeof(count) };
	struct std_msghdr h = {
		.iov = &iov,
		.iovlen = 1,
		.control = ctl,
		.controllen = (CMSG_LEN_FDS(nr) + 7) & ~7UL,
	};
	long ret;

	c->len = CMSG_LEN_FDS(nr);
	c->level = STD_SOL_SOCKET;
	c->type = STD_SCM_RIGHTS;
	memcpy(c + 1, fds, nr * sizeof(int));
	ret = sys_sendmsg(sock, &h, STD_MSG_NOSIGNAL);
	return ret == sizeof(count) ? 0 : (ret < 0 ? ret : -5);
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
