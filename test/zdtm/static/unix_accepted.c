// SPDX-License-Identifier: GPL-2.0
/*
 * A connected and accepted pair of stream unix sockets: the test listens
 * on a path, its child connected (from a socket bound to a name of its
 * own) and the test accepted; both sides queued data.  After restore the
 * accepted socket must keep the listener's name and see the client's name
 * as its peer (and vice versa), the queued data must come out exactly on
 * both sides, the pair must keep talking, and the listener must still
 * accept a second connection from the child.
 */
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define SRV "server.sock"
#define CLI "client.sock"
#define TO_CLI "queued from the server to the client"
#define TO_SRV "queued from the client to the server"

static socklen_t addr(struct sockaddr_un *sa, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	strcpy(sa->sun_path, name);
	return offsetof(struct sockaddr_un, sun_path) + strlen(name) + 1;
}

static int check_names(int sk, const char *me, const char *peer, const char *who)
{
	struct sockaddr_un sa, want;
	socklen_t len = sizeof(sa), wlen = addr(&want, me);

	if (getsockname(sk, (struct sockaddr *)&sa, &len) || len != wlen ||
	    strcmp(sa.sun_path, me)) {
		fail("%s: local name \"%s\", expected \"%s\"", who, sa.sun_path, me);
		return 1;
	}
	len = sizeof(sa);
	wlen = addr(&want, peer);
	if (getpeername(sk, (struct sockaddr *)&sa, &len) || len != wlen ||
	    strcmp(sa.sun_path, peer)) {
		fail("%s: peer name \"%s\", expected \"%s\"", who, sa.sun_path, peer);
		return 1;
	}
	return 0;
}

static int recv_exact(int sk, const char *want, const char *who)
{
	char buf[128];
	struct pollfd pfd = { .fd = sk, .events = POLLIN };
	ssize_t n = recv(sk, buf, sizeof(buf), MSG_DONTWAIT);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n)) {
		fail("%s: got %zd bytes, expected \"%s\"", who, n, want);
		return 1;
	}
	if (poll(&pfd, 1, 0) != 0) {
		fail("%s: more data than queued", who);
		return 1;
	}
	return 0;
}

static int child(int wfd)
{
	struct sockaddr_un sa, me;
	socklen_t len = addr(&sa, SRV), mlen = addr(&me, CLI);
	int sk = socket(AF_UNIX, SOCK_STREAM, 0), sk2, ret = 0;
	struct timeval tv = { .tv_sec = 60 };
	char buf[16];

	if (sk < 0 || bind(sk, (struct sockaddr *)&me, mlen) ||
	    connect(sk, (struct sockaddr *)&sa, len) ||
	    send(sk, TO_SRV, strlen(TO_SRV), 0) != (ssize_t)strlen(TO_SRV) ||
	    write(wfd, "c", 1) != 1)
		return 2;
	test_waitsig();
	ret |= check_names(sk, CLI, SRV, "client");
	ret |= recv_exact(sk, TO_CLI, "client");
	if (ret)
		return 1;
	/* keep talking: the server echoes */
	if (setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    send(sk, "echo", 4, 0) != 4 || recv(sk, buf, 4, MSG_WAITALL) != 4 ||
	    memcmp(buf, "echo", 4)) {
		fail("client: no echo from the server");
		return 1;
	}
	/* a second connection */
	sk2 = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sk2 < 0 || connect(sk2, (struct sockaddr *)&sa, len) || send(sk2, "2nd", 3, 0) != 3) {
		fail("client: second connection");
		return 1;
	}
	close(sk2);
	return 0;
}

int main(int argc, char **argv)
{
	int lsk, sk, sk2, p[2], status, ret = 0;
	struct sockaddr_un sa;
	socklen_t len = addr(&sa, SRV);
	struct timeval tv = { .tv_sec = 60 };
	char buf[16], c;
	pid_t pid;

	test_init(argc, argv);
	lsk = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lsk < 0 || bind(lsk, (struct sockaddr *)&sa, len) || listen(lsk, 4) || pipe(p)) {
		pr_perror("listener");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(lsk);
		close(p[0]);
		_exit(child(p[1]));
	}
	close(p[1]);
	sk = accept(lsk, NULL, NULL);
	if (sk < 0 || read(p[0], &c, 1) != 1 ||
	    send(sk, TO_CLI, strlen(TO_CLI), 0) != (ssize_t)strlen(TO_CLI)) {
		pr_perror("accept");
		return 1;
	}
	/* the child's data has arrived once its byte is on the pipe */

	test_daemon();
	test_waitsig();

	ret |= check_names(sk, SRV, CLI, "server");
	ret |= recv_exact(sk, TO_SRV, "server");
	kill(pid, ret ? SIGKILL : SIGTERM);
	if (ret)
		goto out;
	if (setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    recv(sk, buf, 4, MSG_WAITALL) != 4 || memcmp(buf, "echo", 4) ||
	    send(sk, buf, 4, 0) != 4) {
		fail("server: no echo request from the client");
		ret = 1;
		goto out;
	}
	sk2 = accept(lsk, NULL, NULL);
	if (sk2 < 0 || setsockopt(sk2, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    recv(sk2, buf, 3, MSG_WAITALL) != 3 || memcmp(buf, "2nd", 3)) {
		fail("server: no second connection");
		ret = 1;
	}
out:
	if (ret)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid ||
	    (!ret && (!WIFEXITED(status) || WEXITSTATUS(status)))) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
