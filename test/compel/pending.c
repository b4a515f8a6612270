// SPDX-License-Identifier: GPL-2.0
/*
 * Infect a program with a pending blocked signal: the parasite must see the
 * mask and handler, and the signal must be delivered exactly once after.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static bool usr1_pending(pid_t pid)
{
	long shd = 0;
	char *st = proc_file(pid, "status"), *p;

	if (st && (p = strstr(st, "ShdPnd:")))
		shd = strtol(p + 7, NULL, 16);
	free(st);
	return shd & (1UL << (SIGUSR1 - 1));
}

int main(void)
{
	struct probe_result res;
	struct target t;
	char line[128];
	int i;

	harness_init();
	if (target_start(&t, "idle", NULL) || wait_state(t.pid, 'S'))
		return 1;
	kill(t.pid, SIGUSR1);
	EXPECT(usr1_pending(t.pid), "SIGUSR1 not pending to start with");
	for (i = 0; i < 3; i++) {
		EXPECT(!probe_task(t.pid, PROBE_PARASITE | PROBE_THREADS, &res), "probe %d", i);
		EXPECT(res.sigmask & (1UL << (SIGUSR1 - 1)), "mask %#lx lacks SIGUSR1",
		       (unsigned long)res.sigmask);
		EXPECT(res.handlers[SIGUSR1 - 1] > 1, "no SIGUSR1 handler seen");
		EXPECT(usr1_pending(t.pid), "SIGUSR1 no longer pending after cure");
	}
	target_write(&t, "go\n");
	EXPECT(!target_read_line(&t, line, sizeof(line), 5000), "no answer");
	EXPECT(!strcmp(line, "done usr1=1 usr2=0 rt=0 trap=0"), "target said: %s", line);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("pending");
}
