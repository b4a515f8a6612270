// SPDX-License-Identifier: GPL-2.0
/*
 * Listening unix sockets, stream and seqpacket, bound to a path (or, in
 * unix_listen_abstract, to an abstract name), one of them non-blocking.
 * After restore each must still listen on its name (getsockname,
 * SO_ACCEPTCONN, flags; the socket file keeps its mode) with nothing
 * pending, and accept new connections: a client connects by name, both
 * sides exchange data, and the accepted socket is connected to the client.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "zdtmtst.h"

#ifndef ABSTRACT
#define ABSTRACT 0
#endif

static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET };
static const char *tnames[] = { "stream", "seqpacket" };

static socklen_t make_addr(struct sockaddr_un *sa, int t)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	/* abstract: a leading NUL, no trailing one; path: the trailing NUL */
	if (ABSTRACT)
		n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "zdtm-listen-%d-%s",
			     getpid(), tnames[t]);
	else
		n = snprintf(sa->sun_path, sizeof(sa->sun_path), "listen-%s.sock", tnames[t]);
	return offsetof(struct sockaddr_un, sun_path) + n + 1;
}

static int check(int lsk, int t, int fl)
{
	struct sockaddr_un sa, want;
	socklen_t len = sizeof(sa), wlen = make_addr(&want, t);
	int acc = 0, cl, sk, type;
	socklen_t il = sizeof(acc), tl = sizeof(type);
	struct pollfd pfd = { .fd = lsk, .events = POLLIN };
	struct stat st;
	char buf[16];

	if (getsockname(lsk, (struct sockaddr *)&sa, &len) || len != wlen ||
	    memcmp(&sa, &want, len)) {
		fail("%s: bound to another name (len %u, expected %u)", tnames[t], len, wlen);
		return 1;
	}
	if (getsockopt(lsk, SOL_SOCKET, SO_ACCEPTCONN, &acc, &il) || !acc ||
	    getsockopt(lsk, SOL_SOCKET, SO_TYPE, &type, &tl) || type != types[t]) {
		fail("%s: not a listening %s socket", tnames[t], tnames[t]);
		return 1;
	}
	if (fcntl(lsk, F_GETFL) != fl) {
		fail("%s: flags 0%o, expected 0%o", tnames[t], fcntl(lsk, F_GETFL), fl);
		return 1;
	}
	if (!ABSTRACT &&
	    (stat(want.sun_path, &st) || !S_ISSOCK(st.st_mode) || (st.st_mode & 07777) != 0640)) {
		fail("%s: the socket file is gone or has mode 0%o", tnames[t], st.st_mode);
		return 1;
	}
	if (poll(&pfd, 1, 0) != 0) {
		fail("%s: a connection is pending on the listener", tnames[t]);
		return 1;
	}
	/* a new client */
	cl = socket(AF_UNIX, types[t], 0);
	if (cl < 0 || connect(cl, (struct sockaddr *)&want, wlen)) {
		fail("%s: can't connect to the listener", tnames[t]);
		return 1;
	}
	pfd.fd = lsk;
	if (poll(&pfd, 1, 60000) != 1 || (sk = accept(lsk, NULL, NULL)) < 0) {
		fail("%s: can't accept", tnames[t]);
		return 1;
	}
	len = sizeof(sa);
	if (getsockname(sk, (struct sockaddr *)&sa, &len) || len != wlen ||
	    memcmp(&sa, &want, len)) {
		fail("%s: the accepted socket has another name", tnames[t]);
		return 1;
	}
	if (send(cl, "ping", 4, 0) != 4 || recv(sk, buf, sizeof(buf), 0) != 4 ||
	    memcmp(buf, "ping", 4) || send(sk, "pong", 4, 0) != 4 ||
	    recv(cl, buf, sizeof(buf), 0) != 4 || memcmp(buf, "pong", 4)) {
		fail("%s: no data over the new connection", tnames[t]);
		return 1;
	}
	close(sk);
	close(cl);
	return 0;
}

int main(int argc, char **argv)
{
	int lsk[2], fl[2], t, ret = 0;
	struct sockaddr_un sa;
	socklen_t len;

	test_init(argc, argv);
	for (t = 0; t < 2; t++) {
		len = make_addr(&sa, t);
		lsk[t] = socket(AF_UNIX, types[t] | (t ? SOCK_NONBLOCK : 0), 0);
		if (lsk[t] < 0 || bind(lsk[t], (struct sockaddr *)&sa, len) ||
		    (!ABSTRACT && chmod(sa.sun_path, 0640)) || listen(lsk[t], 8)) {
			pr_perror("%s listener", tnames[t]);
			return 1;
		}
		fl[t] = fcntl(lsk[t], F_GETFL);
	}

	test_daemon();
	test_waitsig();

	for (t = 0; t < 2; t++)
		ret |= check(lsk[t], t, fl[t]);
	if (!ret)
		pass();
	return 0;
}
