// SPDX-License-Identifier: GPL-2.0
/*
 * Resource limits: every one of the 16 gets a soft limit below its hard
 * limit (and some a lowered hard limit too), values chosen to be harmless
 * to the test.  After restore all 16 pairs must be what they were.
 */
#include <sys/resource.h>

#include "zdtmtst.h"

#define NLIMITS 16

static const char *const names[NLIMITS] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
	"MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME",
};

/* a soft value well above what the test needs, below the hard limit */
static rlim_t pick(rlim_t hard, rlim_t want)
{
	if (hard == RLIM_INFINITY || want < hard)
		return want;
	return hard;
}

int main(int argc, char **argv)
{
	static const rlim_t want[NLIMITS] = {
		[RLIMIT_CPU] = 100000,
		[RLIMIT_FSIZE] = 1ULL << 36,
		[RLIMIT_DATA] = 1ULL << 40,
		[RLIMIT_STACK] = 6 << 20,
		[RLIMIT_CORE] = 12345 * 4096,
		[RLIMIT_RSS] = 1ULL << 35,
		[RLIMIT_NPROC] = 20000,
		[RLIMIT_NOFILE] = 777,
		[RLIMIT_MEMLOCK] = 3 << 20,
		[RLIMIT_AS] = 1ULL << 42,
		[RLIMIT_LOCKS] = 5000,
		[RLIMIT_SIGPENDING] = 3000,
		[RLIMIT_MSGQUEUE] = 400000,
		[RLIMIT_NICE] = 0,
		[RLIMIT_RTPRIO] = 0,
		[RLIMIT_RTTIME] = 5000000,
	};
	struct rlimit before[NLIMITS], now;
	int i, ret = 0;

	test_init(argc, argv);
	for (i = 0; i < NLIMITS; i++) {
		struct rlimit rl;

		if (getrlimit(i, &rl)) {
			pr_perror("getrlimit(%s)", names[i]);
			return 1;
		}
		rl.rlim_cur = pick(rl.rlim_max, want[i]);
		/* lower some hard limits too (allowed without privileges) */
		if (i == RLIMIT_CORE || i == RLIMIT_LOCKS || i == RLIMIT_RTTIME)
			rl.rlim_max = pick(rl.rlim_max, want[i] * 2);
		if (rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		if (setrlimit(i, &rl)) {
			pr_perror("setrlimit(%s, %llu, %llu)", names[i],
				  (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
			return 1;
		}
		if (getrlimit(i, &before[i])) {
			pr_perror("getrlimit(%s)", names[i]);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NLIMITS; i++) {
		if (getrlimit(i, &now)) {
			fail("getrlimit(%s)", names[i]);
			ret = 1;
			continue;
		}
		if (now.rlim_cur != before[i].rlim_cur || now.rlim_max != before[i].rlim_max) {
			fail("RLIMIT_%s: %llu/%llu, expected %llu/%llu", names[i],
			     (unsigned long long)now.rlim_cur, (unsigned long long)now.rlim_max,
			     (unsigned long long)before[i].rlim_cur,
			     (unsigned long long)before[i].rlim_max);
			ret = 1;
		}
	}
	if (!ret)
		pass();
	return 0;
}
