// SPDX-License-Identifier: GPL-2.0
/*
 * An eventpoll with registered fds of several kinds, each with its own
 * events and data: a pipe read end with data (EPOLLIN), an empty one
 * (EPOLLIN), a pipe write end (EPOLLOUT, edge-triggered, already
 * reported once), a socket with EPOLLIN | EPOLLRDHUP whose peer shut down,
 * an eventfd with EPOLLONESHOT (already fired: disarmed); a regular file
 * is tried too (epoll refuses it).  After restore epoll_wait() must return
 * exactly the expected ready set with the registered data (give or take
 * the writer's old edge), the fdinfo "tfd:" lines must be unchanged, and
 * new events must be reported: data in the empty pipe, EPOLL_CTL_MOD
 * re-arming the one-shot eventfd, and the edge-triggered writer after a
 * new edge.
 */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "zdtmtst.h"

enum { P_DATA, P_EMPTY, P_WRITER, SK, EFD, FILE_FD, NR };

static const uint32_t evmask[NR] = {
	[P_DATA] = EPOLLIN,
	[P_EMPTY] = EPOLLIN,
	[P_WRITER] = EPOLLOUT | EPOLLET,
	[SK] = EPOLLIN | EPOLLRDHUP,
	[EFD] = EPOLLIN | EPOLLONESHOT,
	[FILE_FD] = EPOLLIN | EPOLLOUT,
};

static int fds[NR];

static uint64_t data_of(int i)
{
	return 0xfeed000000000000ULL | ((uint64_t)i << 8) | 0x5a;
}

/* epoll_wait once; ready[i] gets the events of fd i; -1 on garbage */
static int wait_set(int ep, uint32_t *ready)
{
	struct epoll_event ev[NR + 2];
	int n, i, j;

	memset(ready, 0, sizeof(*ready) * NR);
	n = epoll_wait(ep, ev, NR + 2, 0);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		for (j = 0; j < NR; j++)
			if (ev[i].data.u64 == data_of(j))
				break;
		if (j == NR || ready[j]) {
			fail("epoll_wait returned unknown or repeated data 0x%llx",
			     (unsigned long long)ev[i].data.u64);
			return -1;
		}
		ready[j] = ev[i].events;
	}
	return n;
}


/*
 * An edge already reported can't be told from a new one by a restorer
 * that registers the writer anew: after restore the edge-triggered writer
 * may report EPOLLOUT once more (a spurious edge, harmless for ET users).
 */
static int tolerate_writer_edge;

static int expect(int ep, const uint32_t *want, const char *when)
{
	uint32_t ready[NR];
	int i, ret = 0;

	if (wait_set(ep, ready) < 0)
		return 1;
	for (i = 0; i < NR; i++) {
		if (i == P_WRITER && tolerate_writer_edge && ready[i] == EPOLLOUT)
			continue;
		if (ready[i] != want[i]) {
			fail("%s: fd #%d ready with 0x%x, expected 0x%x", when, i, ready[i],
			     want[i]);
			ret = 1;
		}
	}
	return ret;
}

int main(int argc, char **argv)
{
	int ep, p1[2], p2[2], p3[2], sk[2], i, ret = 0;
	uint32_t want[NR] = {}, ready[NR];
	char tfd[2048], now[2048];
	struct epoll_event ev;
	uint64_t one = 1;

	test_init(argc, argv);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || pipe(p1) || pipe(p2) || pipe(p3) || socketpair(AF_UNIX, SOCK_STREAM, 0, sk)) {
		pr_perror("set-up");
		return 1;
	}
	fds[P_DATA] = p1[0];
	fds[P_EMPTY] = p2[0];
	fds[P_WRITER] = p3[1];
	fds[SK] = sk[0];
	fds[EFD] = eventfd(0, EFD_NONBLOCK);
	fds[FILE_FD] = open("epoll.file", O_RDWR | O_CREAT, 0644);
	if (fds[EFD] < 0 || fds[FILE_FD] < 0 || write(p1[1], "data", 4) != 4 ||
	    shutdown(sk[1], SHUT_WR)) {
		pr_perror("set-up");
		return 1;
	}
	for (i = 0; i < NR; i++) {
		ev.events = evmask[i];
		ev.data.u64 = data_of(i);
		/* a regular file can't be polled: it must fail */
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev)) {
			if (i == FILE_FD && errno == EPERM)
				continue;
			pr_perror("EPOLL_CTL_ADD %d", i);
			return 1;
		}
	}
	/* fire the one-shot and consume the writer's edge */
	if (write(fds[EFD], &one, 8) != 8 || wait_set(ep, ready) < 0 || !ready[EFD] ||
	    !ready[P_WRITER]) {
		pr_err("set-up: the first epoll_wait");
		return 1;
	}
	want[P_DATA] = EPOLLIN;
	want[SK] = EPOLLIN | EPOLLRDHUP;
	if (expect(ep, want, "before") || epoll_watch_set(ep, tfd, sizeof(tfd))) {
		pr_err("unexpected ready set before the checkpoint");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (epoll_watch_set(ep, now, sizeof(now)) || strcmp(now, tfd)) {
		fail("fdinfo tfd lines:\n%s\nexpected:\n%s", now, tfd);
		ret = 1;
	}
	if (fcntl(ep, F_GETFD) != FD_CLOEXEC) {
		fail("FD_CLOEXEC lost");
		ret = 1;
	}
	tolerate_writer_edge = 1;
	ret |= expect(ep, want, "after restore");
	tolerate_writer_edge = 0;
	/* new events */
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.u64 = data_of(EFD);
	if (write(p2[1], "x", 1) != 1 || epoll_ctl(ep, EPOLL_CTL_MOD, fds[EFD], &ev)) {
		pr_perror("new events");
		return 1;
	}
	want[P_EMPTY] = EPOLLIN;
	want[EFD] = EPOLLIN;
	ret |= expect(ep, want, "new events");
	/* a new edge for the writer: the pipe is drained from full */
	if (set_nonblock(p3[1], 1) || set_nonblock(p3[0], 1)) {
		pr_perror("set_nonblock");
		return 1;
	}
	while (write(p3[1], tfd, sizeof(tfd)) > 0)
		;
	{
		static char drain[1 << 16];

		while (read(p3[0], drain, sizeof(drain)) > 0)
			;
	}
	want[EFD] = 0;
	want[P_WRITER] = EPOLLOUT;
	ret |= expect(ep, want, "writer edge");
	if (!ret)
		pass();
	return 0;
}
