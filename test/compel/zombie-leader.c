// SPDX-License-Identifier: GPL-2.0
/* Infect a process whose main thread has exited while another one runs on. */

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
	if (target_start(&t, "zombie-leader", NULL) || wait_state(t.pid, 'Z'))
		return 1;
	for (i = 0; i < 3; i++) {
		EXPECT(!probe_task(t.pid, PROBE_PARASITE | PROBE_THREADS, &res), "probe %d", i);
		EXPECT(res.nr_threads == 1 && res.thread_cmds_ok == 1, "%u threads, %u ok",
		       res.nr_threads, res.thread_cmds_ok);
	}
	target_write(&t, "hello\n");
	EXPECT(!target_read_line(&t, line, sizeof(line), 5000), "no answer");
	EXPECT(!strcmp(line, "read=6 data=hello"), "target said: %s", line);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("zombie-leader");
}
