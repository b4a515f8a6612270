// SPDX-License-Identifier: GPL-2.0
/*
 * What goes wrong must not hurt the target: a parasite that crashes, one
 * that hangs, and an infection failing at each of its stages.  Also covers
 * fd passing, parasite logging and blob relocation, which need the raw API.
 */

#include <linux/futex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
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

/*
 * Freeze and infect the target, run @body on the parasite (300 ms timeout),
 * cure, and check that nothing is left behind, whatever @body did to it.
 */
static void with_parasite(pid_t pid, const char *what,
			  void (*body)(struct compel_parasite *p, unsigned int arg,
				       const char *what),
			  unsigned int arg)
{
	struct compel_parasite *p;
	struct compel_task *task;
	struct snapshot before;

	snap(pid, &before);
	task = compel_freeze(pid, 0);
	if (!task) {
		EXPECT(0, "%s: can't freeze", what);
		free(before.maps);
		return;
	}
	p = compel_infect(task, &test_blob, sizeof(struct test_args));
	EXPECT(p, "%s: can't infect", what);
	if (p) {
		compel_parasite_set_timeout(p, 300);
		body(p, arg, what);
		EXPECT(compel_cure(p) == 0, "%s: cure failed", what);
	}
	EXPECT(compel_unfreeze(task) == 0, "%s: unfreeze failed", what);
	expect_same(pid, &before, what);
	free(before.maps);
}

/* @cmd must fail to answer. */
static void no_answer(struct compel_parasite *p, unsigned int cmd, const char *what)
{
	int ret;

	EXPECT(compel_rpc_call_sync(p, cmd, &ret) < 0, "%s: got an answer", what);
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

static void set_word(uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Waits for the parasite to echo @v; 0, or -1 as compel_rpc_wait_word() says. */
static int echoed(struct compel_parasite *p, struct test_args *a, uint32_t v)
{
	uint32_t now;

	while ((now = __atomic_load_n(&a->word_out, __ATOMIC_SEQ_CST)) != v)
		if (compel_rpc_wait_word(p, &a->word_out, now))
			return -1;
	return 0;
}

/*
 * A command that talks through shared words: answers come back through
 * futex wake-ups; then a parasite that stops answering (@last
 * TEST_WORD_STOP) is timed out, one that crashes is seen at once.
 */
static void words(struct compel_parasite *p, unsigned int last, const char *what)
{
	struct test_args *a = compel_parasite_args(p);
	time_t t0;
	uint32_t i;
	int ret;

	EXPECT(!compel_rpc_call(p, TEST_CMD_WORDS), "%s: can't send the command", what);
	for (i = 1; i <= 200; i++) {
		set_word(&a->word_in, i);
		if (echoed(p, a, i)) {
			EXPECT(0, "%s: word %u not echoed", what, i);
			break;
		}
	}
	if (last == TEST_WORD_STOP) {
		/* Nothing new for it: the wait must give up after the timeout. */
		EXPECT(compel_rpc_wait_word(p, &a->word_out, 200) < 0,
		       "%s: a wait that nothing ends did not time out", what);
	} else {
		/* Seen by watching the task, not by running out of time. */
		compel_parasite_set_timeout(p, 120000);
		set_word(&a->word_in, last);
		t0 = time(NULL);
		EXPECT(echoed(p, a, last) < 0, "%s: a crashed parasite went unnoticed", what);
		EXPECT(time(NULL) - t0 < 100, "%s: the crash was only seen at the timeout", what);
	}
	EXPECT(compel_rpc_sync(p, TEST_CMD_WORDS, &ret) < 0, "%s: a broken parasite answered",
	       what);
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
	with_parasite(t.pid, "crash", no_answer, TEST_CMD_CRASH);
	with_parasite(t.pid, "hang", no_answer, TEST_CMD_HANG);
	for (i = 0; i < ARRAY_SIZE(stages); i++)
		failed_stage(t.pid, stages[i]);
	pass_fds(t.pid);
	with_parasite(t.pid, "words, then silence", words, TEST_WORD_STOP);
	with_parasite(t.pid, "words, then a crash", words, TEST_WORD_CRASH);

	target_write(&t, "q\n");
	if (target_read_line(&t, line, sizeof(line), 10000) ||
	    sscanf(line, "rounds=%lu bad=%lu sum=%lu", &rounds, &bad, &sum) != 3)
		EXPECT(0, "no result from the target");
	else
		EXPECT(bad == 0 && sum == target_checksum(20000000UL), "target noticed: %s", line);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("faults");
}
