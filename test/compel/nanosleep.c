// SPDX-License-Identifier: GPL-2.0
/*
 * Infect a program in nanosleep(1 s): it must neither fail with EINTR nor
 * restart with the full duration, so it wakes up on time.
 */

#include <unistd.h>

#include "harness.h"

int main(void)
{
	struct probe_result res;
	long ret, err, elapsed;
	struct target t;
	char line[128];
	int i;

	harness_init();
	if (target_start(&t, "sleep", NULL) || wait_state(t.pid, 'S'))
		return 1;
	usleep(200000);
	for (i = 0; i < 3; i++) {
		EXPECT(!probe_task(t.pid, PROBE_PARASITE, &res), "probe %d failed", i);
		usleep(100000);
	}
	if (target_read_line(&t, line, sizeof(line), 5000) ||
	    sscanf(line, "ret=%ld errno=%ld elapsed_us=%ld", &ret, &err, &elapsed) != 3) {
		EXPECT(0, "no answer from the target");
	} else {
		EXPECT(ret == 0 && err == 0, "nanosleep failed: %s", line);
		/* A restart with the whole second would end after 1.2 s at least. */
		EXPECT(elapsed >= 1000000 && elapsed < 1150000, "slept %ld us", elapsed);
	}
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("nanosleep");
}
