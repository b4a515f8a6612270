// SPDX-License-Identifier: GPL-2.0
/* Freeze and infect a program whose threads keep being created and exiting. */

#include <unistd.h>

#include "harness.h"

int main(void)
{
	struct probe_result res;
	unsigned long created;
	struct target t;
	char line[128];
	int i;

	harness_init();
	if (target_start(&t, "churn", NULL))
		return 1;
	usleep(50000);
	for (i = 0; i < 10; i++) {
		EXPECT(!probe_task(t.pid, PROBE_PARASITE | PROBE_THREADS | PROBE_MAPS_CHANGE, &res),
		       "probe %d", i);
		EXPECT(res.nr_threads >= 5 && res.thread_cmds_ok == res.nr_threads,
		       "%u threads, %u answered", res.nr_threads, res.thread_cmds_ok);
		usleep(20000);
	}
	target_write(&t, "q\n");
	if (target_read_line(&t, line, sizeof(line), 5000) ||
	    sscanf(line, "created=%lu", &created) != 1)
		EXPECT(0, "no answer from the target");
	else
		EXPECT(created > 100, "only %lu threads were created", created);
	target_kill(&t);
	return test_done("churn");
}
