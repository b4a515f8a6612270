// SPDX-License-Identifier: GPL-2.0
/*
 * Unix socketpairs of the three types (stream, datagram, seqpacket), one
 * end in the test and one in its child, with data queued both ways:
 * several messages of different sizes (an empty one too for the message
 * types).  After restore each socket must keep its type and stay
 * connected, and the queued data must come out exactly,
 * with its message boundaries for datagram and seqpacket, and nothing more;
 * then the pairs must still carry new messages both ways.
 */
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "zdtmtst.h"

static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
static const char *tnames[] = { "stream", "dgram", "seqpacket" };
static const size_t sizes[] = { 1, 1000, 0, 4000, 17 };
#define NMSG ARRAY_SIZE(sizes)

static uint8_t msg_byte(int type, int dir, int m, size_t i)
{
	return (uint8_t)(type * 71 + dir * 37 + m * 13 + i);
}

static int send_all(int sk, int t, int dir)
{
	uint8_t buf[4096];
	size_t m, i;

	for (m = 0; m < NMSG; m++) {
		if (types[t] == SOCK_STREAM && !sizes[m])
			continue;
		for (i = 0; i < sizes[m]; i++)
			buf[i] = msg_byte(t, dir, m, i);
		if (send(sk, buf, sizes[m], MSG_DONTWAIT) != (ssize_t)sizes[m])
			return -1;
	}
	return 0;
}

static int recv_all(int sk, int t, int dir, const char *who, int wait)
{
	uint8_t buf[8192];
	size_t m, i, total = 0, off = 0;
	struct pollfd pfd = { .fd = sk, .events = POLLIN };
	ssize_t n;

	if (types[t] == SOCK_STREAM) {
		for (m = 0; m < NMSG; m++)
			total += sizes[m];
		n = recv(sk, buf, wait ? total : sizeof(buf), wait ? MSG_WAITALL : MSG_DONTWAIT);
		if (n != (ssize_t)total) {
			fail("%s %s: %zd bytes queued, expected %zu", who, tnames[t], n, total);
			return 1;
		}
		for (m = 0; m < NMSG; m++)
			for (i = 0; i < sizes[m]; i++)
				if (buf[off++] != msg_byte(t, dir, m, i)) {
					fail("%s %s: wrong byte %zu", who, tnames[t], off - 1);
					return 1;
				}
	} else {
		for (m = 0; m < NMSG; m++) {
			n = recv(sk, buf, sizeof(buf), (wait ? 0 : MSG_DONTWAIT) | MSG_TRUNC);
			if (n != (ssize_t)sizes[m]) {
				fail("%s %s: message %zu has %zd bytes, expected %zu", who,
				     tnames[t], m, n, sizes[m]);
				return 1;
			}
			for (i = 0; i < sizes[m]; i++)
				if (buf[i] != msg_byte(t, dir, m, i)) {
					fail("%s %s: message %zu: wrong byte %zu", who, tnames[t],
					     m, i);
					return 1;
				}
		}
	}
	if (poll(&pfd, 1, 0) != 0) {
		fail("%s %s: more than the queued data", who, tnames[t]);
		return 1;
	}
	return 0;
}

static int check_sock(int sk, int t, const char *who)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	int type, dom;
	socklen_t tl = sizeof(type), dl = sizeof(dom);

	if (getsockopt(sk, SOL_SOCKET, SO_TYPE, &type, &tl) || type != types[t] ||
	    getsockopt(sk, SOL_SOCKET, SO_DOMAIN, &dom, &dl) || dom != AF_UNIX) {
		fail("%s %s: type %d domain %d", who, tnames[t], type, dom);
		return 1;
	}
	/* connected (to an unnamed peer) */
	if (getpeername(sk, (struct sockaddr *)&sa, &len) || len != sizeof(sa_family_t)) {
		fail("%s %s: not connected to an unnamed peer", who, tnames[t]);
		return 1;
	}
	return 0;
}

/* dir 0: test -> child, dir 1: child -> test; new messages use dir 2, 3 */
static int side(int *sk, int me_child)
{
	const char *who = me_child ? "child" : "test";
	int t, ret = 0;

	for (t = 0; t < 3; t++)
		ret |= check_sock(sk[t], t, who);
	if (ret)
		return ret;
	for (t = 0; t < 3; t++)
		ret |= recv_all(sk[t], t, !me_child, who, 0);
	return ret;
}

/*
 * New data both ways: the child sends first and then receives, the test
 * receives first and then sends, so that no new data can mix with the old.
 */
static int exchange(int *sk, int me_child)
{
	const char *who = me_child ? "child" : "test";
	struct timeval tv = { .tv_sec = 60 };
	int t, step;

	for (step = 0; step < 2; step++) {
		for (t = 0; t < 3; t++) {
			if (setsockopt(sk[t], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
				pr_perror("SO_RCVTIMEO");
				return 1;
			}
			if (step == !me_child) {
				if (send_all(sk[t], t, 2 + me_child)) {
					fail("%s %s: can't send new data", who, tnames[t]);
					return 1;
				}
			} else if (recv_all(sk[t], t, 2 + !me_child, who, 1)) {
				return 1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int sp[3][2], mine[3], theirs[3], t, status, ret = 0;
	pid_t pid;

	test_init(argc, argv);
	for (t = 0; t < 3; t++) {
		if (socketpair(AF_UNIX, types[t], 0, sp[t])) {
			pr_perror("socketpair %s", tnames[t]);
			return 1;
		}
		mine[t] = sp[t][0];
		theirs[t] = sp[t][1];
		if (send_all(mine[t], t, 0) || send_all(theirs[t], t, 1)) {
			pr_perror("send %s", tnames[t]);
			return 1;
		}
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		for (t = 0; t < 3; t++)
			close(mine[t]);
		test_waitsig();
		if (side(theirs, 1) || exchange(theirs, 1))
			_exit(1);
		_exit(0);
	}
	for (t = 0; t < 3; t++)
		close(theirs[t]);

	test_daemon();
	test_waitsig();

	ret = side(mine, 0);
	/* on failure, the child need not wait for us */
	kill(pid, ret ? SIGKILL : SIGTERM);
	if (!ret)
		ret = exchange(mine, 0);
	if (waitpid(pid, &status, 0) != pid ||
	    (!ret && (!WIFEXITED(status) || WEXITSTATUS(status)))) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
