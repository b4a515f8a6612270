// SPDX-License-Identifier: GPL-2.0
/* A 32-bit task must be refused cleanly, and keep running as if never touched. */

#include <string.h>
#include <unistd.h>

#include "compel/compel.h"
#include "harness.h"

int main(void)
{
	struct compel_task *task;
	struct target t;

	harness_init();
	/* No i386 target built (arm64) or no IA32 emulation in the kernel. */
	if (target_start(&t, "compat32", NULL))
		return TEST_SKIP;
	task = compel_freeze(t.pid, 0);
	EXPECT(!task, "a 32-bit task was accepted");
	if (task)
		compel_unfreeze(task);
	usleep(50000);
	EXPECT(proc_state(t.pid) == 'R', "target in state %c", proc_state(t.pid));
	EXPECT(proc_status_value(t.pid, "TracerPid:") == 0, "target still traced");
	target_kill(&t);
	return test_done("compat32");
}
