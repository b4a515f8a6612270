// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options on a unix datagram pair: non-default SO_RCVBUF and
 * SO_SNDBUF, SO_PASSCRED, SO_RCVTIMEO, SO_SNDTIMEO and SO_PRIORITY (the
 * test is unprivileged: SO_MARK is left out).  After restore getsockopt() must return the
 * same values, and the options must act: a message from the peer carries
 * SCM_CREDENTIALS with the sender's pid and ids, and recv() on an empty
 * queue gives up with EAGAIN after about SO_RCVTIMEO instead of blocking.
 */
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include "zdtmtst.h"

#define RCVTIMEO_MS 700

struct opt {
	int level, name;
	const char *str;
	socklen_t len;
	char before[32];
};

static struct opt opts[] = {
	{ SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", sizeof(int) },
	{ SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF", sizeof(int) },
	{ SOL_SOCKET, SO_PASSCRED, "SO_PASSCRED", sizeof(int) },
	{ SOL_SOCKET, SO_RCVTIMEO, "SO_RCVTIMEO", sizeof(struct timeval) },
	{ SOL_SOCKET, SO_SNDTIMEO, "SO_SNDTIMEO", sizeof(struct timeval) },
	{ SOL_SOCKET, SO_PRIORITY, "SO_PRIORITY", sizeof(int) },
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct timeval rto = { .tv_sec = 0, .tv_usec = RCVTIMEO_MS * 1000 };
	struct timeval sto = { .tv_sec = 3, .tv_usec = 250000 };
	int sk[2], rcv = 20000, snd = 30000, one = 1, prio = 5, i, ret = 0;
	char cbuf[CMSG_SPACE(sizeof(struct ucred))], buf[32];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *ch;
	struct ucred cr;
	double t0, t;

	test_init(argc, argv);
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sk) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd)) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_RCVTIMEO, &rto, sizeof(rto)) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_SNDTIMEO, &sto, sizeof(sto)) ||
	    setsockopt(sk[0], SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio))) {
		pr_perror("setsockopt");
		return 1;
	}
	for (i = 0; i < (int)ARRAY_SIZE(opts); i++) {
		socklen_t len = sizeof(opts[i].before);

		if (getsockopt(sk[0], opts[i].level, opts[i].name, opts[i].before, &len) ||
		    len != opts[i].len) {
			pr_perror("getsockopt %s", opts[i].str);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < (int)ARRAY_SIZE(opts); i++) {
		char val[32];
		socklen_t len = sizeof(val);

		if (getsockopt(sk[0], opts[i].level, opts[i].name, val, &len) ||
		    len != opts[i].len || memcmp(val, opts[i].before, len)) {
			fail("%s changed", opts[i].str);
			ret = 1;
		}
	}
	/* SO_PASSCRED: the credentials of the sender come along */
	if (send(sk[1], "cred", 4, 0) != 4 || recvmsg(sk[0], &mh, MSG_DONTWAIT) != 4) {
		fail("no message");
		ret = 1;
	} else {
		ch = CMSG_FIRSTHDR(&mh);
		if (!ch || ch->cmsg_level != SOL_SOCKET || ch->cmsg_type != SCM_CREDENTIALS) {
			fail("no SCM_CREDENTIALS with the message");
			ret = 1;
		} else {
			memcpy(&cr, CMSG_DATA(ch), sizeof(cr));
			if (cr.pid != getpid() || cr.uid != getuid() || cr.gid != getgid()) {
				fail("credentials %d/%d/%d, expected %d/%d/%d", cr.pid, cr.uid,
				     cr.gid, getpid(), getuid(), getgid());
				ret = 1;
			}
		}
	}
	/* SO_RCVTIMEO: an empty queue gives up (a minute would be a hang) */
	alarm(60);
	t0 = now();
	if (recv(sk[0], buf, sizeof(buf), 0) != -1 || errno != EAGAIN) {
		fail("recv on an empty socket did not time out with EAGAIN");
		ret = 1;
	}
	t = now() - t0;
	alarm(0);
	if (t < RCVTIMEO_MS / 1000.0 * 0.9) {
		fail("recv gave up after %.3fs, SO_RCVTIMEO is %dms", t, RCVTIMEO_MS);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
