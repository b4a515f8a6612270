// SPDX-License-Identifier: GPL-2.0
/* Sleeps one second in nanosleep() and reports how long it really took. */

#include <errno.h>
#include <time.h>

#include "target.h"

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

int main(void)
{
	struct timespec req = { .tv_sec = 1 }, rem;
	long start;
	int ret;

	target_say("ready\n");
	start = now_us();
	ret = nanosleep(&req, &rem);
	target_say("ret=%d errno=%d elapsed_us=%ld\n", ret, ret ? errno : 0, now_us() - start);
	return 0;
}
