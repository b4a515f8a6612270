// SPDX-License-Identifier: GPL-2.0
/*
 * Signals sent while a task is frozen or runs the parasite must be neither
 * lost nor delivered twice: they wait and reach the program's handlers
 * once it is released.
 */

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "compel/compel.h"
#include "harness.h"
#include "test-blob.h"
#include "test-parasite.h"

static void queue_rt(pid_t pid, int val)
{
	union sigval v = { .sival_int = val };

	EXPECT(!sigqueue(pid, SIGRTMIN, v), "can't queue SIGRTMIN");
}

static void signal_while_infected(pid_t pid)
{
	struct compel_parasite *p;
	struct compel_task *task;
	long tret;
	int ret;

	task = compel_freeze(pid, 0);
	if (!task) {
		EXPECT(0, "can't freeze");
		return;
	}
	queue_rt(pid, 1);
	p = compel_infect(task, &test_blob, sizeof(struct test_args));
	EXPECT(p, "can't infect");
	if (p) {
		kill(pid, SIGUSR2);
		queue_rt(pid, 2);
		EXPECT(!compel_rpc_call_sync(p, TEST_CMD_SIGACTIONS, &ret) && !ret, "no answer");
		kill(pid, SIGUSR2);
		/* SIGTRAP is the one signal compel leaves unblocked for itself. */
		kill(pid, SIGTRAP);
		EXPECT(!compel_run_in_thread(p, 0, TEST_CMD_THREAD_INFO, &tret) && tret == pid,
		       "leader command failed");
		EXPECT(!compel_rpc_call_sync(p, TEST_CMD_SIGACTIONS, &ret) && !ret, "no answer");
		EXPECT(!compel_cure(p), "cure failed");
	}
	queue_rt(pid, 3);
	EXPECT(!compel_unfreeze(task), "unfreeze failed");
}

int main(void)
{
	struct target t;
	char line[128];

	harness_init();
	if (target_start(&t, "idle", NULL) || wait_state(t.pid, 'S'))
		return 1;
	signal_while_infected(t.pid);
	/* Handlers run on release; the SA_RESTART read goes on waiting. */
	usleep(100000);
	EXPECT(proc_state(t.pid) == 'S', "target in state %c", proc_state(t.pid));
	target_write(&t, "go\n");
	EXPECT(!target_read_line(&t, line, sizeof(line), 5000), "no answer");
	/* Two SIGUSR2 merge into one pending signal; real-time ones queue. */
	EXPECT(!strcmp(line, "done usr1=0 usr2=1 rt=3 trap=1"), "target said: %s", line);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("signals");
}
