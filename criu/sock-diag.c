// SPDX-License-Identifier: GPL-2.0
/* SOCK_DIAG_BY_FAMILY dump requests over NETLINK_SOCK_DIAG. */

#include <errno.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/compiler.h"
#include "sock-diag.h"

#define DIAG_BUF_SIZE 32768

static int diag_collect(int sk, sock_diag_fn fn, void *arg)
{
	char *buf = malloc(DIAG_BUF_SIZE);
	int ret = -ENOMEM;

	if (!buf)
		return ret;
	for (;;) {
		struct nlmsghdr *h;
		ssize_t len;

		len = recv(sk, buf, DIAG_BUF_SIZE, 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (len == 0) {
			ret = -ENODATA;
			break;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				ret = 0;
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				ret = e->error ? e->error : -EIO;
				goto out;
			}
			if (fn) {
				ret = fn(h, arg);
				if (ret)
					goto out;
			}
		}
	}
out:
	free(buf);
	return ret;
}

int sock_diag_dump(const void *req, size_t req_len, sock_diag_fn fn, void *arg)
{
	struct sockaddr_nl nladdr = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	struct nlmsghdr *nlh;
	size_t len = NLMSG_LENGTH(req_len);
	int sk, ret;

	nlh = calloc(1, len);
	if (!nlh)
		return -ENOMEM;
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	memcpy(NLMSG_DATA(nlh), req, req_len);

	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (sk < 0) {
		ret = -errno;
		free(nlh);
		return ret;
	}
	setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(sk, nlh, len, 0, (struct sockaddr *)&nladdr, sizeof(nladdr)) < 0)
		ret = -errno;
	else
		ret = diag_collect(sk, fn, arg);
	close(sk);
	free(nlh);
	return ret;
}
