// SPDX-License-Identifier: GPL-2.0
/*
 * eventfds: a plain counter holding 42 (non-blocking), a semaphore-mode
 * one holding 3, one holding 0, and an eventfd shared with the child
 * that added to it.  After restore the flags and fdinfo counters must be
 * unchanged, a read of the plain one must return 42 and leave 0, the
 * semaphore one must return 1 three times and then EAGAIN, the empty one
 * must not be readable, and the child's additions must still meet in the
 * shared counter.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "zdtmtst.h"

static long long fdinfo_count(int fd)
{
	char path[64], buf[1024], *p;

	ssprintf(path, "/proc/self/fdinfo/%d", fd);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "eventfd-count:");
	return p ? strtoll(p + 14, NULL, 16) : -1;
}

int main(int argc, char **argv)
{
	int plain, sem, empty, shared, fl[4], i, status, ret = 0;
	struct pollfd pfd = { .events = POLLIN };
	uint64_t v;
	pid_t pid;

	test_init(argc, argv);
	plain = eventfd(40, EFD_NONBLOCK);
	sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	empty = eventfd(0, EFD_NONBLOCK);
	shared = eventfd(0, 0);
	v = 2;
	if (plain < 0 || sem < 0 || empty < 0 || shared < 0 || write(plain, &v, 8) != 8) {
		pr_perror("eventfd");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		v = 1000;
		if (write(shared, &v, 8) != 8)
			_exit(2);
		test_waitsig();
		v = 7;
		_exit(write(shared, &v, 8) != 8);
	}
	/* wait for the child's addition */
	while (fdinfo_count(shared) != 1000) {
		if (waitpid(pid, &status, WNOHANG)) {
			pr_err("the child died");
			return 1;
		}
		usleep(10000);
	}
	fl[0] = fcntl(plain, F_GETFL);
	fl[1] = fcntl(sem, F_GETFL);
	fl[2] = fcntl(empty, F_GETFL);
	fl[3] = fcntl(shared, F_GETFL);

	test_daemon();
	test_waitsig();

	if (fcntl(plain, F_GETFL) != fl[0] || fcntl(sem, F_GETFL) != fl[1] ||
	    fcntl(empty, F_GETFL) != fl[2] || fcntl(shared, F_GETFL) != fl[3] ||
	    fcntl(sem, F_GETFD) != FD_CLOEXEC || fcntl(plain, F_GETFD) != 0) {
		fail("flags changed");
		ret = 1;
	}
	if (fdinfo_count(plain) != 42 || fdinfo_count(sem) != 3 || fdinfo_count(empty) != 0 ||
	    fdinfo_count(shared) != 1000) {
		fail("fdinfo counts %lld %lld %lld %lld, expected 42 3 0 1000", fdinfo_count(plain),
		     fdinfo_count(sem), fdinfo_count(empty), fdinfo_count(shared));
		ret = 1;
	}
	if (read(plain, &v, 8) != 8 || v != 42 || read(plain, &v, 8) != -1 || errno != EAGAIN) {
		fail("plain eventfd: read %llu, expected 42 then EAGAIN", (unsigned long long)v);
		ret = 1;
	}
	for (i = 0; i < 3; i++) {
		if (read(sem, &v, 8) != 8 || v != 1) {
			fail("semaphore eventfd: read %d gave %llu", i, (unsigned long long)v);
			ret = 1;
			break;
		}
	}
	if (read(sem, &v, 8) != -1 || errno != EAGAIN) {
		fail("semaphore eventfd: more than 3 units");
		ret = 1;
	}
	pfd.fd = empty;
	if (poll(&pfd, 1, 0) != 0) {
		fail("the empty eventfd is readable");
		ret = 1;
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	} else if (read(shared, &v, 8) != 8 || v != 1007) {
		fail("shared eventfd: %llu, expected 1007", (unsigned long long)v);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
