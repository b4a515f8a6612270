// SPDX-License-Identifier: GPL-2.0
/*
 * compel's breakpoints raise SIGTRAP, and a crashing parasite SIGSEGV; the
 * kernel forces such signals through by resetting an ignored or blocked
 * action to the default.  The program's actions must survive both.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "compel/compel.h"
#include "harness.h"
#include "test-blob.h"
#include "test-parasite.h"

static unsigned long status_mask(pid_t pid, const char *key)
{
	unsigned long mask = 0;
	char *st = proc_file(pid, "status"), *p;

	if (st && (p = strstr(st, key)))
		mask = strtoul(p + strlen(key), NULL, 16);
	free(st);
	return mask;
}

static void expect_actions(pid_t pid, unsigned long ign, unsigned long cgt, const char *when)
{
	EXPECT(status_mask(pid, "SigIgn:") == ign, "%s: ignored %#lx -> %#lx", when, ign,
	       status_mask(pid, "SigIgn:"));
	EXPECT(status_mask(pid, "SigCgt:") == cgt, "%s: caught %#lx -> %#lx", when, cgt,
	       status_mask(pid, "SigCgt:"));
}

static void crash_parasite(pid_t pid)
{
	struct compel_parasite *p;
	struct compel_task *task;
	int ret;

	task = compel_freeze(pid, 0);
	if (!task) {
		EXPECT(0, "can't freeze");
		return;
	}
	p = compel_infect(task, &test_blob, sizeof(struct test_args));
	EXPECT(p, "can't infect");
	if (p) {
		EXPECT(compel_rpc_call_sync(p, TEST_CMD_CRASH, &ret) < 0, "crash went unnoticed");
		EXPECT(!compel_cure(p), "cure failed");
	}
	EXPECT(!compel_unfreeze(task), "unfreeze failed");
}

int main(void)
{
	unsigned long ign, cgt;
	struct probe_result res;
	struct target t;
	char line[128];

	harness_init();
	if (target_start(&t, "idle", "ignore-sigtrap") || wait_state(t.pid, 'S'))
		return 1;
	ign = status_mask(t.pid, "SigIgn:");
	cgt = status_mask(t.pid, "SigCgt:");
	EXPECT(ign & (1UL << (SIGTRAP - 1)), "SIGTRAP not ignored to start with");
	EXPECT(cgt & (1UL << (SIGSEGV - 1)), "SIGSEGV not caught to start with");

	EXPECT(!probe_task(t.pid, PROBE_PARASITE | PROBE_THREADS, &res), "probe failed");
	EXPECT(res.handlers[SIGTRAP - 1] == (unsigned long)SIG_IGN,
	       "the parasite saw SIGTRAP handler %#lx", res.handlers[SIGTRAP - 1]);
	expect_actions(t.pid, ign, cgt, "after a probe");
	crash_parasite(t.pid);
	expect_actions(t.pid, ign, cgt, "after a crash");

	target_write(&t, "go\n");
	EXPECT(!target_read_line(&t, line, sizeof(line), 5000), "no answer");
	EXPECT(!strcmp(line, "done usr1=0 usr2=0 rt=0 trap=0"), "target said: %s", line);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("sigtrap");
}
