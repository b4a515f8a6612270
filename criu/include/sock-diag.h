/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_SOCK_DIAG_H
#define CRIU_SOCK_DIAG_H

#include <linux/netlink.h>
#include <stddef.h>

/*
 * NETLINK_SOCK_DIAG dumps: the one place criu talks to sock_diag.
 * @req is the family's request (struct unix_diag_req ...) of @req_len
 * bytes, sent as SOCK_DIAG_BY_FAMILY with NLM_F_DUMP; @fn sees every
 * answer message until NLMSG_DONE and stops the walk with a non-zero
 * return.  Returns 0, @fn's non-zero value, or -errno (the kernel's
 * error too: -ENOENT when the family has no diag handler).
 */
typedef int (*sock_diag_fn)(struct nlmsghdr *h, void *arg);
int sock_diag_dump(const void *req, size_t req_len, sock_diag_fn fn, void *arg);

#endif
