// SPDX-License-Identifier: GPL-2.0
/*
 * A datagram unix socket connected to a socket held by a process outside
 * the dumped tree (a grandchild that was reparented away).  Without
 * --ext-unix-sk the dump must fail and leave the test running (crfail);
 * unix_ext_peer_ok dumps with --ext-unix-sk: after restore the socket must
 * be connected to the outside peer again, by its name, and the peer must
 * answer to the test's own bound socket.
 */
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "zdtmtst.h"

static socklen_t addr(struct sockaddr_un *sa, const char *what)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "zdtm-ext-%d-%s", getpid(), what);
	return offsetof(struct sockaddr_un, sun_path) + n + 1;
}

/* The outside peer: answers "pong" to the test's name, ends on "quit". */
static void peer(int sk, struct sockaddr_un *me, socklen_t mlen)
{
	char buf[16];
	ssize_t n;

	for (;;) {
		n = recv(sk, buf, sizeof(buf), 0);
		if (n < 0 || (n == 4 && !memcmp(buf, "quit", 4)))
			_exit(0);
		sendto(sk, "pong", 4, 0, (struct sockaddr *)me, mlen);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un pa, ma, sa;
	socklen_t pl, ml, sl = sizeof(sa);
	struct timeval tv = { .tv_sec = 30 };
	int psk, sk, me, status, ret = 0;
	char buf[16];
	pid_t pid;

	test_init(argc, argv);
	pl = addr(&pa, "peer");
	ml = addr(&ma, "me");
	psk = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (psk < 0 || bind(psk, (struct sockaddr *)&pa, pl)) {
		pr_perror("peer socket");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		/*
		 * The grandchild leaves the tree when its parent exits, and the
		 * test's session: a session id keeps the test's pid in use.
		 */
		if (fork() == 0) {
			setsid();
			peer(psk, &ma, ml);
		}
		_exit(0);
	}
	close(psk);
	if (waitpid(pid, &status, 0) != pid) {
		pr_perror("waitpid");
		return 1;
	}
	sk = socket(AF_UNIX, SOCK_DGRAM, 0);
	me = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sk < 0 || me < 0 || connect(sk, (struct sockaddr *)&pa, pl) ||
	    bind(me, (struct sockaddr *)&ma, ml) ||
	    setsockopt(me, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		pr_perror("set-up");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getpeername(sk, (struct sockaddr *)&sa, &sl) || sl != pl || memcmp(&sa, &pa, pl)) {
		fail("the socket is not connected to the outside peer");
		ret = 1;
	} else if (send(sk, "ping", 4, 0) != 4 || recv(me, buf, sizeof(buf), 0) != 4 ||
		   memcmp(buf, "pong", 4)) {
		fail("no answer from the outside peer");
		ret = 1;
	}
	send(sk, "quit", 4, MSG_DONTWAIT);
	if (!ret)
		pass();
	return 0;
}
