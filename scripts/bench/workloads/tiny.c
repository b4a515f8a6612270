// SPDX-License-Identifier: GPL-2.0
/* A tiny process (as small as `sleep`): it only has to come back alive. */
#include "bench-wl.h"

static volatile unsigned long long cookie;

int main(void)
{
	pid_t pid;

	if (setsid() < 0)
		return 2;
	wl_block_signals();
	pid = getpid();
	cookie = wl_pattern(pid, 0);
	wl_say("READY");
	wl_wait(1);
	if (getpid() != pid || cookie != wl_pattern(pid, 0)) {
		wl_say("FAIL pid %d (was %d) or cookie changed", getpid(), pid);
		return 1;
	}
	wl_say("OK pid %d", pid);
	return 0;
}
