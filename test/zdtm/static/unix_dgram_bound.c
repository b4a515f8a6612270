// SPDX-License-Identifier: GPL-2.0
/*
 * Unconnected datagram unix sockets: a receiver bound to a path with
 * messages queued from three senders (one bound to a path, one bound to an
 * abstract name, one unbound), and a sender connected to the receiver
 * (connect() on a datagram socket).  After restore the messages must come
 * out in order with their bodies and their senders' addresses, the
 * receiver must keep its name, and the bound senders must still receive
 * replies sent to their names.
 */
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "zdtmtst.h"

static socklen_t addr(struct sockaddr_un *sa, const char *name, int abstract)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	strcpy(sa->sun_path + abstract, name);
	return offsetof(struct sockaddr_un, sun_path) + strlen(name) + 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un ra, pa, aa, from;
	socklen_t rl, pl, al, fl;
	int rx, tp, ta, tu, tc, i, ret = 0;
	char abs_name[64], buf[64];
	struct pollfd pfd;
	struct {
		int *sk;
		const char *body;
		struct sockaddr_un *sa;
		socklen_t *len;
	} msgs[] = {
		{ &tp, "from the path-bound sender", &pa, &pl },
		{ &ta, "from the abstract sender", &aa, &al },
		{ &tu, "from the unbound sender", NULL, NULL },
		{ &tp, "path-bound, again", &pa, &pl },
		{ &tc, "from the connected sender", NULL, NULL },
	};

	test_init(argc, argv);
	ssprintf(abs_name, "zdtm-dgram-%d", getpid());
	rl = addr(&ra, "receiver.sock", 0);
	pl = addr(&pa, "sender.sock", 0);
	al = addr(&aa, abs_name, 1);
	rx = socket(AF_UNIX, SOCK_DGRAM, 0);
	tp = socket(AF_UNIX, SOCK_DGRAM, 0);
	ta = socket(AF_UNIX, SOCK_DGRAM, 0);
	tu = socket(AF_UNIX, SOCK_DGRAM, 0);
	tc = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (rx < 0 || tp < 0 || ta < 0 || tu < 0 || tc < 0 ||
	    bind(rx, (struct sockaddr *)&ra, rl) || bind(tp, (struct sockaddr *)&pa, pl) ||
	    bind(ta, (struct sockaddr *)&aa, al) || connect(tc, (struct sockaddr *)&ra, rl)) {
		pr_perror("set-up");
		return 1;
	}
	for (i = 0; i < (int)ARRAY_SIZE(msgs); i++) {
		ssize_t n;

		if (*msgs[i].sk == tc)
			n = send(tc, msgs[i].body, strlen(msgs[i].body), 0);
		else
			n = sendto(*msgs[i].sk, msgs[i].body, strlen(msgs[i].body), 0,
				   (struct sockaddr *)&ra, rl);
		if (n != (ssize_t)strlen(msgs[i].body)) {
			pr_perror("send");
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	fl = sizeof(from);
	if (getsockname(rx, (struct sockaddr *)&from, &fl) || fl != rl ||
	    strcmp(from.sun_path, ra.sun_path)) {
		fail("the receiver lost its name");
		ret = 1;
	}
	for (i = 0; i < (int)ARRAY_SIZE(msgs); i++) {
		ssize_t n;

		fl = sizeof(from);
		memset(&from, 0, sizeof(from));
		n = recvfrom(rx, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n != (ssize_t)strlen(msgs[i].body) || memcmp(buf, msgs[i].body, n)) {
			fail("message %d: %zd bytes, expected \"%s\"", i, n, msgs[i].body);
			ret = 1;
			break;
		}
		if (msgs[i].sa ? (fl != *msgs[i].len || memcmp(&from, msgs[i].sa, fl)) : fl != 0) {
			fail("message %d: sender address of length %u is wrong", i, fl);
			ret = 1;
		}
	}
	pfd.fd = rx;
	pfd.events = POLLIN;
	if (!ret && poll(&pfd, 1, 0) != 0) {
		fail("more messages than sent");
		ret = 1;
	}
	/* replies reach the bound senders by name; the connected one still is */
	if (sendto(rx, "r1", 2, 0, (struct sockaddr *)&pa, pl) != 2 ||
	    sendto(rx, "r2", 2, 0, (struct sockaddr *)&aa, al) != 2 ||
	    recv(tp, buf, sizeof(buf), MSG_DONTWAIT) != 2 || memcmp(buf, "r1", 2) ||
	    recv(ta, buf, sizeof(buf), MSG_DONTWAIT) != 2 || memcmp(buf, "r2", 2)) {
		fail("replies do not reach the bound senders");
		ret = 1;
	}
	if (send(tc, "again", 5, 0) != 5 || recv(rx, buf, sizeof(buf), MSG_DONTWAIT) != 5) {
		fail("the connected sender is no longer connected to the receiver");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
