// SPDX-License-Identifier: GPL-2.0
/*
 * Shut-down unix sockets.  Stream pair A: end 0 sent data then SHUT_WR; its
 * peer must read the data and then EOF, end 0 can still receive, and its
 * writes fail with EPIPE.  Stream pair B: end 0 did SHUT_RD with data
 * still queued for it.  Seqpacket pair C: both directions shut down by
 * SHUT_RDWR on end 1.  After restore every socket must report the same
 * shutdown state through its behaviour (EOF, EPIPE, POLLRDHUP/POLLHUP).
 */
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include "zdtmtst.h"

#define DATA "sent before SHUT_WR"

static short events(int sk)
{
	struct pollfd pfd = { .fd = sk, .events = POLLIN | POLLOUT | POLLRDHUP };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

int main(int argc, char **argv)
{
	int a[2], b[2], c[2], ret = 0;
	short ev[6], now;
	char buf[64];
	int i, *sks[6] = { &a[0], &a[1], &b[0], &b[1], &c[0], &c[1] };

	test_init(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, a) || socketpair(AF_UNIX, SOCK_STREAM, 0, b) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, c)) {
		pr_perror("socketpair");
		return 1;
	}
	if (send(a[0], DATA, strlen(DATA), 0) != (ssize_t)strlen(DATA) || shutdown(a[0], SHUT_WR) ||
	    send(b[1], "queued", 6, 0) != 6 || shutdown(b[0], SHUT_RD) ||
	    send(c[0], "msg", 3, 0) != 3 || shutdown(c[1], SHUT_RDWR)) {
		pr_perror("set-up");
		return 1;
	}
	for (i = 0; i < 6; i++)
		ev[i] = events(*sks[i]);

	test_daemon();
	test_waitsig();

	for (i = 0; i < 6; i++) {
		now = events(*sks[i]);
		if (now != ev[i]) {
			fail("socket %d: poll events 0x%x, expected 0x%x", i, now, ev[i]);
			ret = 1;
		}
	}
	/* A: data then EOF for the peer; the shut end can't write, can read */
	if (recv(a[1], buf, sizeof(buf), MSG_DONTWAIT) != (ssize_t)strlen(DATA) ||
	    memcmp(buf, DATA, strlen(DATA)) || recv(a[1], buf, 1, MSG_DONTWAIT) != 0) {
		fail("A: the peer does not read the data and EOF");
		ret = 1;
	}
	if (send(a[0], "x", 1, MSG_DONTWAIT) != -1 || errno != EPIPE) {
		fail("A: the SHUT_WR end can still write");
		ret = 1;
	}
	if (send(a[1], "back", 4, 0) != 4 || recv(a[0], buf, sizeof(buf), MSG_DONTWAIT) != 4 ||
	    memcmp(buf, "back", 4)) {
		fail("A: the SHUT_WR end no longer receives");
		ret = 1;
	}
	/* B: end 0 read side shut: its queued data, then EOF; it still writes */
	if (recv(b[0], buf, sizeof(buf), MSG_DONTWAIT) != 6 || memcmp(buf, "queued", 6) ||
	    recv(b[0], buf, 1, MSG_DONTWAIT) != 0) {
		fail("B: the SHUT_RD end does not read its queue and EOF");
		ret = 1;
	}
	if (send(b[0], "out", 3, 0) != 3 || recv(b[1], buf, sizeof(buf), MSG_DONTWAIT) != 3) {
		fail("B: the SHUT_RD end can't write any more");
		ret = 1;
	}
	/* C: end 1 fully shut; the message queued to it stays readable */
	if (send(c[1], "x", 1, MSG_DONTWAIT) != -1 || errno != EPIPE) {
		fail("C: the SHUT_RDWR end can still send");
		ret = 1;
	}
	if (send(c[0], "y", 1, MSG_DONTWAIT) != -1 || errno != EPIPE) {
		fail("C: the peer of the SHUT_RDWR end can still send");
		ret = 1;
	}
	if (recv(c[1], buf, sizeof(buf), MSG_DONTWAIT) != 3 ||
	    recv(c[1], buf, 1, MSG_DONTWAIT) != 0) {
		fail("C: no message and EOF on the SHUT_RDWR end");
		ret = 1;
	}
	if (recv(c[0], buf, 1, MSG_DONTWAIT) != 0) {
		fail("C: no EOF for the peer of the SHUT_RDWR end");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
