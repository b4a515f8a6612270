// SPDX-License-Identifier: GPL-2.0
/* Infect a program busy computing a checksum, again and again; it must not notice. */

#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "target.h"

int main(void)
{
	unsigned long rounds, bad, sum;
	struct probe_result res;
	struct target t;
	char line[128];
	int i;

	harness_init();
	if (target_start(&t, "busy", NULL))
		return 1;
	for (i = 0; i < 20; i++) {
		EXPECT(!probe_task(t.pid, PROBE_PARASITE | PROBE_CLOBBER_FPU, &res),
		       "probe %d failed", i);
		EXPECT(res.nr_threads == 1, "%u threads", res.nr_threads);
		usleep(10000);
	}
	target_write(&t, "q\n");
	if (target_read_line(&t, line, sizeof(line), 10000) ||
	    sscanf(line, "rounds=%lu bad=%lu sum=%lu", &rounds, &bad, &sum) != 3) {
		EXPECT(0, "no result from the target");
	} else {
		EXPECT(bad == 0, "%lu of %lu rounds went wrong", bad, rounds);
		EXPECT(sum == target_checksum(20000000UL), "checksum %lu is wrong", sum);
	}
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("busy");
}
