// SPDX-License-Identifier: GPL-2.0
/*
 * What goes wrong must not hurt the target: a parasite that crashes, one
 * that hangs, and an infection failing at each of its stages.  Also covers
 * fd passing, parasite logging and blob relocation, which need the raw API.
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/compiler.h"
#include "compel/compel.h"
#include "harness.h"
#include "target.h"
#include "test-blob.h"
#include "test-parasite.h"

static const char *const stages[] = { "prepare", "map", "load", "channels", "daemon" };

struct snapshot {
	char *maps;
	int fds;
};

static void snap(pid_t pid, struct snapshot *s)
{
	s->maps = proc_file(pid, "maps");
	s->fds = proc_count_fds(pid);
}

static void expect_same(pid_t pid, struct snapshot *before, const char *what)
{
	struct snapshot after;

	snap(pid, &after);
	EXPECT(before->maps && after.maps && !strcmp(before->maps, after.maps), "%s: maps changed",
	       what);
	EXPECT(before->fds == after.fds, "%s: fds %d -> %d", what, before->fds, after.fds);
	free(after.maps);
}

/* Run @cmd, which must fail to answer; cure and check nothing is left behind. */
static void broken_parasite(pid_t pid, unsigned int cmd, const char *what)
{
	struct compel_parasite *p;
	struct compel_task *task;
	struct snapshot before;
	int ret;

	snap(pid, &before);
	task = compel_freeze(pid, 0);
	if (!task) {
		EXPECT(0, "%s: can't freeze", what);
		return;
	}
	p = compel_infect(task, &test_blob, sizeof(struct test_args));
	EXPECT(p, "%s: can't infect", what);
	if (p) {
		compel_parasite_set_timeout(p, 300);
		EXPECT(compel_rpc_call_sync(p, cmd, &ret) < 0, "%s: got an answer", what);
		EXPECT(compel_cure(p) == 0, "%s: cure failed", what);
	}
	EXPECT(compel_unfreeze(task) == 0, "%s: unfreeze failed", what);
	expect_same(pid, &before, what);
	free(before.maps);
}

static void failed_stage(pid_t pid, const char *stage)
{
	struct compel_task *task;
	struct snapshot before;

	snap(pid, &before);
	setenv("COMPEL_FAIL_STAGE", stage, 1);
	task = compel_freeze(pid, 0);
	EXPECT(task, "%s: can't freeze", stage);
	if (task) {
		EXPECT(!compel_infect(task, &test_blob, 64), "stage %s did not fail", stage);
		EXPECT(compel_unfreeze(task) == 0, "%s: unfreeze failed", stage);
	}
	unsetenv("COMPEL_FAIL_STAGE");
	expect_same(pid, &before, stage);
	free(before.maps);
}

static bool same_file(int fd, pid_t pid, int rfd)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, rfd);
	return !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Two pipes' write ends go into the task; what it writes comes out here. */
static void give_fds(struct compel_parasite *p, pid_t pid)
{
	int pipes[2][2], out[2], ret = -1, fds_before = proc_count_fds(pid), i;
	char buf[16];
	ssize_t n;

	if (pipe(pipes[0]) || pipe(pipes[1])) {
		EXPECT(0, "give fds: no pipes");
		return;
	}
	out[0] = pipes[0][1];
	out[1] = pipes[1][1];
	EXPECT(!compel_rpc_call(p, TEST_CMD_RECV_FDS), "give fds: can't send the command");
	EXPECT(!compel_send_fds(p, out, 2), "give fds: can't send them");
	EXPECT(!compel_rpc_sync(p, TEST_CMD_RECV_FDS, &ret) && ret > 0, "give fds: got %d", ret);
	for (i = 0; i < 2; i++) {
		close(pipes[i][1]);
		n = read(pipes[i][0], buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		EXPECT(n == 4 && buf[3] == '0' + (i ? ret % 1000 : ret / 1000) % 10,
		       "give fds: pipe %d read '%s' (fds %d)", i, buf, ret);
		close(pipes[i][0]);
	}
	EXPECT(proc_count_fds(pid) == fds_before, "give fds: the task kept one");
}

static void pass_fds(pid_t pid)
{
	struct compel_parasite *p;
	struct compel_task *task;
	int fds[3], ret, i;

	task = compel_freeze(pid, 0);
	if (!task) {
		EXPECT(0, "fds: can't freeze");
		return;
	}
	p = compel_infect(task, &test_blob, sizeof(struct test_args));
	EXPECT(p, "fds: can't infect");
	if (p) {
		EXPECT(!compel_rpc_call(p, TEST_CMD_SEND_FDS), "fds: can't send the command");
		EXPECT(!compel_recv_fds(p, fds, 3), "fds: none received");
		EXPECT(!compel_rpc_sync(p, TEST_CMD_SEND_FDS, &ret) && !ret, "fds: no answer");
		for (i = 0; i < 3; i++) {
			EXPECT(same_file(fds[i], pid, i), "fd %d is not the target's", i);
			close(fds[i]);
		}
		give_fds(p, pid);
		EXPECT(!compel_rpc_call_sync(p, TEST_CMD_LOG, &ret) && !ret, "log command");
		EXPECT(test_blob.nr_relocs >= 2, "the blob has %zu relocations",
		       test_blob.nr_relocs);
		EXPECT(!compel_rpc_call_sync(p, TEST_CMD_RELOC, &ret) && ret == 42,
		       "relocated call gave %d", ret);
		EXPECT(!compel_cure(p), "fds: cure failed");
	}
	EXPECT(!compel_unfreeze(task), "fds: unfreeze failed");
}

int main(void)
{
	unsigned long rounds, bad, sum;
	struct target t;
	char line[128];
	unsigned int i;

	harness_init();
	if (target_start(&t, "busy", NULL))
		return 1;
	broken_parasite(t.pid, TEST_CMD_CRASH, "crash");
	broken_parasite(t.pid, TEST_CMD_HANG, "hang");
	for (i = 0; i < ARRAY_SIZE(stages); i++)
		failed_stage(t.pid, stages[i]);
	pass_fds(t.pid);

	target_write(&t, "q\n");
	if (target_read_line(&t, line, sizeof(line), 10000) ||
	    sscanf(line, "rounds=%lu bad=%lu sum=%lu", &rounds, &bad, &sum) != 3)
		EXPECT(0, "no result from the target");
	else
		EXPECT(bad == 0 && sum == target_checksum(20000000UL), "target noticed: %s", line);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("faults");
}
