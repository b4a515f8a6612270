// SPDX-License-Identifier: GPL-2.0
/*
 * An established TCP connection over loopback, both ends in the test, with
 * data queued each way, and a listening TCP socket.  Without
 * --tcp-established the dump must refuse (crfail) and leave the test
 * running: after the failed dump the queued data must still be there, the
 * connection must carry new data, and the listener must still accept.
 */
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtmtst.h"

#define C2S "client to server, queued"
#define S2C "server to client, queued"

static int recv_exact(int sk, const char *want, const char *who)
{
	char buf[64];
	size_t len = strlen(want);

	if (recv(sk, buf, len, MSG_WAITALL) != (ssize_t)len || memcmp(buf, want, len)) {
		fail("%s: did not get \"%s\"", who, want);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct timeval tv = { .tv_sec = 60 };
	int lsk, srv, cli, cli2, srv2, port = 0, ret = 0;
	struct pollfd pfd;

	test_init(argc, argv);
	lsk = tcp_init_server(AF_INET, &port);
	if (lsk < 0)
		return 1;
	cli = tcp_init_client(AF_INET, "127.0.0.1", port);
	if (cli < 0)
		return 1;
	srv = tcp_accept_server(lsk);
	if (srv < 0)
		return 1;
	if (setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    send(cli, C2S, strlen(C2S), 0) != (ssize_t)strlen(C2S) ||
	    send(srv, S2C, strlen(S2C), 0) != (ssize_t)strlen(S2C)) {
		pr_perror("set-up");
		return 1;
	}
	/* wait for the data to be queued on both sides */
	pfd.fd = srv;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 60000) != 1) {
		pr_err("no data on the server side");
		return 1;
	}
	pfd.fd = cli;
	if (poll(&pfd, 1, 60000) != 1) {
		pr_err("no data on the client side");
		return 1;
	}

	test_daemon();
	test_waitsig();

	ret |= recv_exact(srv, C2S, "server");
	ret |= recv_exact(cli, S2C, "client");
	if (!ret && (send(cli, "more", 4, 0) != 4 || recv_exact(srv, "more", "server"))) {
		fail("the connection does not carry new data");
		ret = 1;
	}
	cli2 = tcp_init_client(AF_INET, "127.0.0.1", port);
	srv2 = cli2 < 0 ? -1 : tcp_accept_server(lsk);
	if (srv2 < 0 || send(cli2, "new", 3, 0) != 3 ||
	    setsockopt(srv2, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    recv_exact(srv2, "new", "second server")) {
		fail("the listener does not accept any more");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
