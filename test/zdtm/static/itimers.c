// SPDX-License-Identifier: GPL-2.0
/*
 * Interval timers: ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF armed with
 * long first expirations and distinct intervals.  After restore each must
 * still be armed, with the same interval and a remaining time that is not
 * more than it was before the checkpoint (and not zero).  A fourth check
 * re-arms ITIMER_REAL short and expects its SIGALRM.
 */
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "zdtmtst.h"

static const int which[] = { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF };
static const char *const names[] = { "ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF" };

static volatile int alarms;

static void on_alarm(int sig)
{
	alarms++;
}

static long long us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000LL + tv->tv_usec;
}

int main(int argc, char **argv)
{
	struct itimerval set[3] = {
		{ .it_value = { 3000, 123456 }, .it_interval = { 1000, 500000 } },
		{ .it_value = { 2000, 0 }, .it_interval = { 7, 250000 } },
		{ .it_value = { 4000, 5000 }, .it_interval = { 0, 0 } },
	};
	struct itimerval before[3], now;
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int i;
	int ret = 0;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	/* they must not fire during the test, but better safe than killed */
	if (sigaction(SIGALRM, &sa, NULL) || sigaction(SIGVTALRM, &sa, NULL) ||
	    sigaction(SIGPROF, &sa, NULL)) {
		pr_perror("sigaction");
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(which); i++) {
		if (setitimer(which[i], &set[i], NULL)) {
			pr_perror("setitimer(%s)", names[i]);
			return 1;
		}
	}
	/* burn a little CPU so that the virtual timers have moved */
	for (i = 0; i < 10000000; i++)
		asm volatile("" ::: "memory");
	for (i = 0; i < ARRAY_SIZE(which); i++) {
		if (getitimer(which[i], &before[i])) {
			pr_perror("getitimer");
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < ARRAY_SIZE(which); i++) {
		if (getitimer(which[i], &now)) {
			fail("getitimer(%s)", names[i]);
			ret = 1;
			continue;
		}
		if (us(&now.it_interval) != us(&before[i].it_interval)) {
			fail("%s: interval %lld us, expected %lld", names[i], us(&now.it_interval),
			     us(&before[i].it_interval));
			ret = 1;
		}
		if (us(&now.it_value) <= 0 || us(&now.it_value) > us(&before[i].it_value)) {
			fail("%s: %lld us left, had %lld before", names[i], us(&now.it_value),
			     us(&before[i].it_value));
			ret = 1;
		}
	}
	if (alarms) {
		fail("%d timer signals arrived", alarms);
		ret = 1;
	}

	/* and it still works */
	set[0].it_value.tv_sec = 0;
	set[0].it_value.tv_usec = 10000;
	set[0].it_interval.tv_sec = 0;
	set[0].it_interval.tv_usec = 0;
	if (setitimer(ITIMER_REAL, &set[0], NULL)) {
		fail("setitimer");
		ret = 1;
	} else {
		time_t deadline = time(NULL) + 60;

		while (!alarms && time(NULL) < deadline)
			usleep(1000);
		if (!alarms) {
			fail("no SIGALRM");
			ret = 1;
		}
	}
	if (!ret)
		pass();
	return 0;
}
