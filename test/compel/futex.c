// SPDX-License-Identifier: GPL-2.0
/* Infect a program waiting on a futex: the wait must go on and end with a real wake-up. */

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
	if (target_start(&t, "futex", NULL) || wait_state(t.pid, 'S'))
		return 1;
	usleep(50000);
	for (i = 0; i < 5; i++) {
		EXPECT(!probe_task(t.pid, PROBE_PARASITE | PROBE_THREADS, &res), "probe %d", i);
		EXPECT(res.nr_threads == 2 && res.thread_cmds_ok == 2, "%u threads, %u ok",
		       res.nr_threads, res.thread_cmds_ok);
	}
	/* Let the wait restart first, so the wake-up finds it queued. */
	usleep(50000);
	target_write(&t, "w");
	EXPECT(!target_read_line(&t, line, sizeof(line), 5000), "no answer");
	EXPECT(!strcmp(line, "eintr=0 word=1"), "target said: %s", line);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("futex");
}
