// SPDX-License-Identifier: GPL-2.0
/* Infect a program blocked in read() on a pipe: the read must go on as if never interrupted. */

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

int main(void)
{
	struct probe_result res;
	struct target t;
	char line[128];
	int i;

	harness_init();
	if (target_start(&t, "pipe-read", NULL) || wait_state(t.pid, 'S'))
		return 1;
	for (i = 0; i < 5; i++)
		EXPECT(!probe_task(t.pid, PROBE_PARASITE, &res), "probe %d failed", i);
	EXPECT(res.handlers[SIGUSR2 - 1] != 0, "the parasite did not see the SIGUSR2 handler");
	EXPECT(res.flags[SIGUSR2 - 1] & SA_RESTART, "SA_RESTART not seen: %#lx",
	       res.flags[SIGUSR2 - 1]);
	/* The read must still be blocked, and complete normally when data comes. */
	usleep(50000);
	EXPECT(proc_state(t.pid) == 'S', "target is in state %c", proc_state(t.pid));
	target_write(&t, "hello\n");
	EXPECT(!target_read_line(&t, line, sizeof(line), 5000), "no answer");
	EXPECT(!strcmp(line, "read=6 errno=0 data=hello"), "target said: %s", line);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("read-pipe");
}
