// SPDX-License-Identifier: GPL-2.0
/*
 * A unix stream socket connected to a peer outside the checkpointed tree:
 * the peer is a process that listens on a path and was orphaned on
 * purpose (its parent, the test's child, exited), so it belongs to the
 * runner, not to the test.  Without --ext-unix-sk the dump must refuse
 * (crfail) and leave the test running with the connection intact: after
 * the failed dump the connection must still carry data both ways, with
 * the data queued before the dump delivered first.
 */
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define EXT "ext.sock"
#define QUEUED "queued before the dump"

static socklen_t addr(struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	strcpy(sa->sun_path, EXT);
	return offsetof(struct sockaddr_un, sun_path) + sizeof(EXT);
}

/* The outside process: echo every message back, until EOF. */
static void __attribute__((noreturn)) outsider(int lsk, int wfd)
{
	char buf[256];
	ssize_t n;
	int sk;

	if (write(wfd, "l", 1) != 1)
		_exit(2);
	close(wfd);
	sk = accept(lsk, NULL, NULL);
	if (sk < 0)
		_exit(2);
	close(lsk);
	if (send(sk, QUEUED, strlen(QUEUED), 0) != (ssize_t)strlen(QUEUED))
		_exit(2);
	while ((n = recv(sk, buf, sizeof(buf), 0)) > 0)
		if (send(sk, buf, n, 0) != n)
			break;
	_exit(0);
}

int main(int argc, char **argv)
{
	struct timeval tv = { .tv_sec = 60 };
	struct sockaddr_un sa;
	socklen_t len = addr(&sa);
	int lsk, sk, p[2], status, ret = 0;
	char buf[64];
	pid_t pid;

	test_init(argc, argv);
	lsk = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lsk < 0 || bind(lsk, (struct sockaddr *)&sa, len) || listen(lsk, 1) || pipe(p)) {
		pr_perror("listener");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		/* the grandchild leaves the tree when we exit */
		pid_t gc = fork();

		if (gc < 0)
			_exit(2);
		close(p[0]);
		if (gc == 0)
			outsider(lsk, p[1]);
		_exit(0);
	}
	close(p[1]);
	if (waitpid(pid, &status, 0) != pid || status || read(p[0], buf, 1) != 1) {
		pr_err("the outside process did not start");
		return 1;
	}
	close(p[0]);
	close(lsk);
	sk = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sk < 0 || connect(sk, (struct sockaddr *)&sa, len) ||
	    setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		pr_perror("connect");
		return 1;
	}
	/* let the outsider's data arrive */
	if (recv(sk, buf, 1, MSG_PEEK) != 1) {
		pr_perror("recv");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (recv(sk, buf, strlen(QUEUED), MSG_WAITALL) != (ssize_t)strlen(QUEUED) ||
	    memcmp(buf, QUEUED, strlen(QUEUED))) {
		fail("the data queued before the dump is lost");
		ret = 1;
	}
	if (send(sk, "ping", 4, 0) != 4 || recv(sk, buf, 4, MSG_WAITALL) != 4 ||
	    memcmp(buf, "ping", 4)) {
		fail("no echo from the outside peer");
		ret = 1;
	}
	/* let the outsider go and wait until it has closed its end */
	shutdown(sk, SHUT_WR);
	if (recv(sk, buf, sizeof(buf), 0) != 0) {
		fail("the outside peer did not close the connection");
		ret = 1;
	}
	close(sk);
	if (!ret)
		pass();
	return 0;
}
