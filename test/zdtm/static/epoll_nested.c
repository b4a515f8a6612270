// SPDX-License-Identifier: GPL-2.0
/*
 * An eventpoll watching another eventpoll: the outer one watches the inner
 * one (data 0xa11) and an eventfd; the inner one watches a pipe with data
 * (data 0xb01), the same pipe again through a dup'ed fd (data 0xb02) and
 * a socket (data 0xb03).  After restore the fdinfo "tfd:" lines of both
 * must be unchanged, the outer one must report the inner one ready, the
 * inner one must report both pipe registrations, and readiness must
 * propagate: draining the pipe makes both quiet, new data on the socket
 * wakes the outer one through the inner one.
 */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "zdtmtst.h"


/* the sorted data of the ready entries, as a string like "a11,b01" */
static int ready(int ep, char *out, size_t size)
{
	struct epoll_event ev[8];
	uint64_t d[8], t;
	int n, i, j;
	size_t len = 0;

	n = epoll_wait(ep, ev, 8, 0);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		d[i] = ev[i].data.u64;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (d[j] < d[i]) {
				t = d[i];
				d[i] = d[j];
				d[j] = t;
			}
	out[0] = 0;
	for (i = 0; i < n; i++)
		len += snprintf(out + len, size - len, "%s%llx", i ? "," : "",
				(unsigned long long)d[i]);
	return 0;
}

static int expect(int ep, const char *want, const char *what)
{
	char got[128];

	if (ready(ep, got, sizeof(got)) || strcmp(got, want)) {
		fail("%s: ready \"%s\", expected \"%s\"", what, got, want);
		return 1;
	}
	return 0;
}

static int add(int ep, int fd, uint64_t data)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

int main(int argc, char **argv)
{
	int outer, inner, p[2], pdup, sk[2], efd, ret = 0;
	char tfd_o[1024], tfd_i[1024], now[1024], buf[16];

	test_init(argc, argv);
	outer = epoll_create1(0);
	inner = epoll_create1(0);
	efd = eventfd(0, EFD_NONBLOCK);
	if (outer < 0 || inner < 0 || efd < 0 || pipe2(p, O_NONBLOCK) ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sk)) {
		pr_perror("set-up");
		return 1;
	}
	pdup = dup(p[0]);
	if (pdup < 0 || add(outer, inner, 0xa11) || add(outer, efd, 0xa12) ||
	    add(inner, p[0], 0xb01) || add(inner, pdup, 0xb02) || add(inner, sk[0], 0xb03) ||
	    write(p[1], "data", 4) != 4) {
		pr_perror("epoll_ctl");
		return 1;
	}
	if (expect(outer, "a11", "outer, before") || expect(inner, "b01,b02", "inner, before") ||
	    epoll_watch_set(outer, tfd_o, sizeof(tfd_o)) || epoll_watch_set(inner, tfd_i, sizeof(tfd_i))) {
		pr_err("set-up failed");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (epoll_watch_set(outer, now, sizeof(now)) || strcmp(now, tfd_o)) {
		fail("outer tfd lines:\n%s\nexpected:\n%s", now, tfd_o);
		ret = 1;
	}
	if (epoll_watch_set(inner, now, sizeof(now)) || strcmp(now, tfd_i)) {
		fail("inner tfd lines:\n%s\nexpected:\n%s", now, tfd_i);
		ret = 1;
	}
	ret |= expect(outer, "a11", "outer");
	ret |= expect(inner, "b01,b02", "inner");
	if (read(p[0], buf, sizeof(buf)) != 4) {
		fail("the pipe lost its data");
		ret = 1;
	}
	ret |= expect(outer, "", "outer, pipe drained");
	ret |= expect(inner, "", "inner, pipe drained");
	if (send(sk[1], "x", 1, 0) != 1) {
		pr_perror("send");
		return 1;
	}
	ret |= expect(outer, "a11", "outer, socket data");
	ret |= expect(inner, "b03", "inner, socket data");
	if (eventfd_write(efd, 1)) {
		pr_perror("eventfd_write");
		return 1;
	}
	ret |= expect(outer, "a11,a12", "outer, eventfd");
	if (!ret)
		pass();
	return 0;
}
