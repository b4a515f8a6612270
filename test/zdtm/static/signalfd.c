// SPDX-License-Identifier: GPL-2.0
/*
 * signalfds: one for SIGUSR1 and SIGUSR2 (non-blocking), one for SIGHUP
 * only, all three signals blocked; SIGUSR1 is queued with a value before
 * the checkpoint.  After restore the fdinfo sigmask lines must be
 * unchanged, the queued SIGUSR1 must be read from the first signalfd with
 * its value and sender, and signals sent after restore must be read from
 * the signalfd whose mask has them, and only from it.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>

#include "zdtmtst.h"

static int mask_line(int fd, char *out, size_t size)
{
	char path[64], buf[1024], *p, *e;

	ssprintf(path, "/proc/self/fdinfo/%d", fd);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "sigmask:");
	if (!p)
		return -1;
	e = strchr(p, '\n');
	if (e)
		*e = 0;
	snprintf(out, size, "%s", p);
	return 0;
}

static int read_sig(int fd, int signo, int value, const char *what)
{
	struct signalfd_siginfo si;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	/* pending at once: kill() to oneself queues before it returns */
	if (poll(&pfd, 1, 0) != 1 || read(fd, &si, sizeof(si)) != sizeof(si)) {
		fail("%s: no signal to read", what);
		return 1;
	}
	if ((int)si.ssi_signo != signo || (uint32_t)si.ssi_pid != (uint32_t)getpid() ||
	    (value >= 0 && si.ssi_int != value)) {
		fail("%s: signal %u from %u value %d, expected %d from %d value %d", what,
		     si.ssi_signo, si.ssi_pid, si.ssi_int, signo, getpid(), value);
		return 1;
	}
	return 0;
}

static int quiet(int fd, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 0) != 0) {
		fail("%s: a signal that is not expected there", what);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	sigset_t blocked, m1, m2;
	int s1, s2, fl1, fl2, ret = 0;
	char line1[128], line2[128], now[128];
	union sigval sv = { .sival_int = 0x5eed };

	test_init(argc, argv);
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGUSR1);
	sigaddset(&blocked, SIGUSR2);
	sigaddset(&blocked, SIGHUP);
	sigemptyset(&m1);
	sigaddset(&m1, SIGUSR1);
	sigaddset(&m1, SIGUSR2);
	sigemptyset(&m2);
	sigaddset(&m2, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &blocked, NULL)) {
		pr_perror("sigprocmask");
		return 1;
	}
	s1 = signalfd(-1, &m1, SFD_NONBLOCK);
	s2 = signalfd(-1, &m2, SFD_CLOEXEC);
	if (s1 < 0 || s2 < 0 || sigqueue(getpid(), SIGUSR1, sv)) {
		pr_perror("signalfd");
		return 1;
	}
	fl1 = fcntl(s1, F_GETFL);
	fl2 = fcntl(s2, F_GETFL);
	if (mask_line(s1, line1, sizeof(line1)) || mask_line(s2, line2, sizeof(line2))) {
		pr_err("no sigmask in fdinfo");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (mask_line(s1, now, sizeof(now)) || strcmp(now, line1)) {
		fail("signalfd 1: \"%s\", expected \"%s\"", now, line1);
		ret = 1;
	}
	if (mask_line(s2, now, sizeof(now)) || strcmp(now, line2)) {
		fail("signalfd 2: \"%s\", expected \"%s\"", now, line2);
		ret = 1;
	}
	if (fcntl(s1, F_GETFL) != fl1 || fcntl(s2, F_GETFL) != fl2 ||
	    fcntl(s2, F_GETFD) != FD_CLOEXEC) {
		fail("flags changed");
		ret = 1;
	}
	ret |= quiet(s2, "SIGHUP signalfd");
	ret |= read_sig(s1, SIGUSR1, 0x5eed, "queued SIGUSR1");
	ret |= quiet(s1, "after the queued SIGUSR1");
	kill(getpid(), SIGUSR2);
	ret |= quiet(s2, "SIGHUP signalfd after SIGUSR2");
	ret |= read_sig(s1, SIGUSR2, -1, "SIGUSR2 sent after restore");
	kill(getpid(), SIGHUP);
	ret |= quiet(s1, "SIGUSR signalfd after SIGHUP");
	ret |= read_sig(s2, SIGHUP, -1, "SIGHUP sent after restore");
	if (!ret)
		pass();
	return 0;
}
