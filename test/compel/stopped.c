// SPDX-License-Identifier: GPL-2.0
/*
 * Infect a stopped program (single and multi-threaded): it must still be
 * stopped afterwards, and go on normally after SIGCONT.  And the other way
 * round: a running program released with compel_unfreeze_stopped() must be
 * stopped, and go on normally after SIGCONT.
 */

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "compel/compel.h"
#include "compel/state.h"
#include "harness.h"

static int stop(struct target *t)
{
	kill(t->pid, SIGSTOP);
	if (wait_state(t->pid, 'T')) {
		target_kill(t);
		return -1;
	}
	return 0;
}

static void probe_stopped(struct target *t, unsigned int flags)
{
	struct probe_result res;
	int i;

	for (i = 0; i < 3; i++) {
		EXPECT(!probe_task(t->pid, PROBE_PARASITE | flags, &res), "probe %d failed", i);
		EXPECT(res.was_stopped, "compel did not see the task stopped");
		usleep(50000);
		EXPECT(proc_state(t->pid) == 'T', "target in state %c after cure",
		       proc_state(t->pid));
	}
	kill(t->pid, SIGCONT);
}

static void run(const char *name, unsigned int flags, const char *go, const char *want)
{
	struct target t;
	char line[128];

	if (target_start(&t, name, NULL) || stop(&t)) {
		EXPECT(0, "can't start and stop %s", name);
		return;
	}
	probe_stopped(&t, flags);
	target_write(&t, go);
	EXPECT(!target_read_line(&t, line, sizeof(line), 5000), "no answer");
	EXPECT(!strcmp(line, want), "%s said: %s", name, line);
	EXPECT(target_wait(&t) == 0, "%s failed", name);
}

/* Freeze a running @name, release it stopped, check it stays so, continue it. */
static void run_release_stopped(const char *name, const char *go, const char *want)
{
	struct compel_task *task;
	struct target t;
	char line[128];
	int i;

	if (target_start(&t, name, NULL)) {
		EXPECT(0, "can't start %s", name);
		return;
	}
	task = compel_freeze(t.pid, 0);
	EXPECT(task, "can't freeze %s", name);
	if (!task) {
		target_kill(&t);
		return;
	}
	EXPECT(!compel_unfreeze_stopped(task, SIGSTOP), "release of %s failed", name);
	for (i = 0; i < 3; i++) {
		EXPECT(proc_state(t.pid) == 'T', "%s in state %c after release", name,
		       proc_state(t.pid));
		usleep(50000);
	}
	kill(t.pid, SIGCONT);
	target_write(&t, go);
	EXPECT(!target_read_line(&t, line, sizeof(line), 5000), "no answer");
	EXPECT(!strcmp(line, want), "%s said: %s", name, line);
	EXPECT(target_wait(&t) == 0, "%s failed", name);
}

int main(void)
{
	harness_init();
	run("idle", 0, "go\n", "done usr1=0 usr2=0 rt=0 trap=0");
	run("futex", PROBE_THREADS, "w", "eintr=0 word=1");
	run_release_stopped("idle", "go\n", "done usr1=0 usr2=0 rt=0 trap=0");
	run_release_stopped("futex", "w", "eintr=0 word=1");
	return test_done("stopped");
}
