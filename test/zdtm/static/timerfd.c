// SPDX-License-Identifier: GPL-2.0
/*
 * timerfds: a CLOCK_MONOTONIC one armed for an hour with a 1-hour
 * interval, a CLOCK_REALTIME one-shot armed for a day (absolute time), a
 * CLOCK_MONOTONIC one ticking every 50 ms whose expirations are not read,
 * and a disarmed one.  After restore the clocks (fdinfo clockid) and
 * intervals must be unchanged, the remaining times must not have grown
 * (and must not have shrunk by more than the time since the checkpoint
 * could explain, a generous bound), the ticking one must report at least
 * the ticks it had and keep ticking, and the disarmed one must stay quiet.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <time.h>

#include "zdtmtst.h"

static double ts(const struct timespec *t)
{
	return t->tv_sec + t->tv_nsec / 1e9;
}

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts(&t);
}

static long long fdinfo_field(int fd, const char *field)
{
	char path[64], buf[1024], *p;

	ssprintf(path, "/proc/self/fdinfo/%d", fd);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, field);
	return p ? atoll(p + strlen(field)) : -1;
}

static int clockid_of(int fd)
{
	return fdinfo_field(fd, "clockid:");
}

int main(int argc, char **argv)
{
	struct itimerspec hour = { .it_value = { 3600, 0 }, .it_interval = { 3600, 0 } };
	struct itimerspec tick = { .it_value = { 0, 50000000 }, .it_interval = { 0, 50000000 } };
	struct itimerspec abs = {}, cur[4], now;
	struct timespec rt;
	int fds[4], i, ret = 0;
	uint64_t ticks = 0, t2;
	long long ticks0;
	double t_dump;

	test_init(argc, argv);
	fds[0] = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	fds[1] = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	fds[2] = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	fds[3] = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || fds[3] < 0 ||
	    clock_gettime(CLOCK_REALTIME, &rt)) {
		pr_perror("timerfd_create");
		return 1;
	}
	abs.it_value.tv_sec = rt.tv_sec + 86400;
	if (timerfd_settime(fds[0], 0, &hour, NULL) ||
	    timerfd_settime(fds[1], TFD_TIMER_ABSTIME, &abs, NULL) ||
	    timerfd_settime(fds[2], 0, &tick, NULL)) {
		pr_perror("timerfd_settime");
		return 1;
	}
	/* let a few ticks accumulate, unread */
	usleep(300000);
	for (i = 0; i < 4; i++) {
		if (timerfd_gettime(fds[i], &cur[i])) {
			pr_perror("timerfd_gettime");
			return 1;
		}
	}
	t_dump = mono();
	ticks0 = fdinfo_field(fds[2], "ticks:");
	if (ticks0 < 1) {
		pr_err("the ticking timer has %lld ticks", ticks0);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (clockid_of(fds[0]) != CLOCK_MONOTONIC || clockid_of(fds[1]) != CLOCK_REALTIME ||
	    clockid_of(fds[2]) != CLOCK_MONOTONIC || clockid_of(fds[3]) != CLOCK_BOOTTIME) {
		fail("clocks changed: %d %d %d %d", clockid_of(fds[0]), clockid_of(fds[1]),
		     clockid_of(fds[2]), clockid_of(fds[3]));
		ret = 1;
	}
	if (fcntl(fds[1], F_GETFD) != FD_CLOEXEC || !(fcntl(fds[0], F_GETFL) & O_NONBLOCK)) {
		fail("flags changed");
		ret = 1;
	}
	for (i = 0; i < 2; i++) {
		double left, before = ts(&cur[i].it_value), elapsed = mono() - t_dump;

		if (timerfd_gettime(fds[i], &now)) {
			pr_perror("timerfd_gettime");
			return 1;
		}
		left = ts(&now.it_value);
		if (ts(&now.it_interval) != ts(&cur[i].it_interval)) {
			fail("timer %d: interval %.3f, expected %.3f", i, ts(&now.it_interval),
			     ts(&cur[i].it_interval));
			ret = 1;
		}
		/* never more than before; a generous margin below */
		if (left > before || left < before - elapsed - 60) {
			fail("timer %d: %.3fs left, %.3fs before the checkpoint (%.3fs ago)", i,
			     left, before, elapsed);
			ret = 1;
		}
	}
	/* the ticking one: the old ticks are still there, and it ticks on */
	if (read(fds[2], &ticks, 8) != 8 || ticks < (uint64_t)ticks0) {
		fail("ticking timer: %llu ticks, expected at least %lld", (unsigned long long)ticks,
		     ticks0);
		ret = 1;
	}
	{
		struct pollfd pfd = { .fd = fds[2], .events = POLLIN };

		if (poll(&pfd, 1, 60000) != 1 || read(fds[2], &t2, 8) != 8 || !t2) {
			fail("the ticking timer stopped");
			ret = 1;
		}
	}
	if (timerfd_gettime(fds[3], &now) || now.it_value.tv_sec || now.it_value.tv_nsec ||
	    read(fds[3], &t2, 8) != -1 || errno != EAGAIN) {
		fail("the disarmed timer is armed or fired");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
