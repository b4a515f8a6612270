// SPDX-License-Identifier: GPL-2.0
/* Infect a program with 32 busy threads and run a command on each of them. */

#include <unistd.h>

#include "harness.h"

#define NR_THREADS 33 /* 32 workers and the main thread */

int main(void)
{
	struct probe_result res;
	struct target t;
	unsigned long bad;
	char line[128];
	int i;

	harness_init();
	if (target_start(&t, "threads", NULL))
		return 1;
	for (i = 0; i < 5; i++) {
		EXPECT(!probe_task(t.pid, PROBE_PARASITE | PROBE_CLOBBER_FPU | PROBE_THREADS, &res),
		       "probe %d", i);
		EXPECT(res.nr_threads == NR_THREADS, "froze %u threads", res.nr_threads);
		EXPECT(res.thread_cmds_ok == NR_THREADS, "%u threads answered", res.thread_cmds_ok);
		usleep(20000);
	}
	target_write(&t, "q");
	if (target_read_line(&t, line, sizeof(line), 20000) || sscanf(line, "bad=%lu", &bad) != 1)
		EXPECT(0, "no answer from the target");
	else
		EXPECT(bad == 0, "%lu checksums went wrong", bad);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("threads");
}
