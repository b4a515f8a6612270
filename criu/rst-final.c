// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-over: every restored thread is parked in the restorer.  Seize
 * each task, give every thread the registers and blocked mask of its image,
 * unmap the restore area from it, and let the whole tree go at once.
 */

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "arch-regs.h"
#include "compel/compel.h"
#include "compel/state.h"
#include "log.h"
#include "restart.h"
#include "restore.h"

#define LEADER_EXIT_WAIT_MS 10000
#define SLEEP_ENTRY_WAIT_MS 10000

static int load_thread(struct compel_task *task, unsigned int idx, const CoreEntry *core)
{
	const struct compel_regs *cur = compel_thread_regs(task, idx);
	const ThreadCoreEntry *tc = core->thread_core;
	uint64_t mask = tc && tc->has_blk_sigset ? tc->blk_sigset
						 : (core->tc ? core->tc->blk_sigset : 0);
	struct compel_regs regs;
	int ret;

	if (arch_core_to_regs(core, cur, &regs))
		return -1;
	/*
	 * Dump stored the registers with any interrupted system call already
	 * set up to restart; no further restart must be applied on resume.
	 */
	regs.gp.orig_rax = (unsigned long)-1;
	ret = compel_thread_set_state(task, idx, &regs, mask);
	arch_free_out_regs(&regs);
	return ret;
}

static int thread_index(struct compel_task *task, pid_t tid)
{
	unsigned int i;

	for (i = 0; i < compel_task_nr_threads(task); i++)
		if (compel_thread_tid(task, i) == tid)
			return (int)i;
	return -1;
}

static int load_task(struct restore_ctx *ctx, struct pstree_item *it, struct compel_task *task)
{
	struct rst_item *ri = rst_item(it);
	unsigned int i;
	long ret;

	unsigned int first = it->leader_exited ? 1 : 0;

	if (compel_task_nr_threads(task) != it->nr_threads - first) {
		pr_err("Task %d has %u threads after restore, %u expected\n", it->pid,
		       compel_task_nr_threads(task), it->nr_threads - first);
		return -1;
	}
	/*
	 * Remote code first, while compel still controls the signal masks: a
	 * trap with SIGTRAP blocked would reset the program's SIGTRAP action.
	 */
	if (compel_syscall(task, SYS_munmap, &ret, ctx->area_start, ctx->area_size, 0, 0, 0, 0) ||
	    ret) {
		pr_err("Can't unmap the restore area from task %d\n", it->pid);
		return -1;
	}
	for (i = first; i < it->nr_threads; i++) {
		int idx = thread_index(task, it->threads[i]);

		if (idx < 0) {
			pr_err("Thread %d of task %d is missing\n", it->threads[i], it->pid);
			return -1;
		}
		if (load_thread(task, idx, ri->cores[i])) {
			pr_err("Can't load the registers of thread %d\n", it->threads[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * A leader that had exited reports ready just before it exits again: wait
 * until it is a zombie, so that compel finds the live threads only.
 */
static int wait_leader_exit(const struct pstree_item *it)
{
	struct timespec nap = { 0, 1000000 };
	char path[64], buf[512], *p;
	int fd, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", it->pid);
	for (i = 0; i < LEADER_EXIT_WAIT_MS; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			break;
		buf[n] = 0;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'Z')
			return 0;
		nanosleep(&nap, NULL);
	}
	pr_err("The leader of task %d did not exit\n", it->pid);
	return -1;
}

/* The signal a stopped task was stopped by (SIGSTOP if the image doesn't say). */
static int stop_signal(const struct pstree_item *it)
{
	const TaskCoreEntry *tc = rst_item(it)->cores[0]->tc;

	return tc && tc->has_stop_signo && tc->stop_signo ? (int)tc->stop_signo : SIGSTOP;
}

/*
 * A task that was stopped is let go straight into its group stop, so that
 * it runs none of its code until someone sends SIGCONT.  After a failure
 * the tree is about to be killed: just let go.
 */
static int release_task(const struct pstree_item *it, struct compel_task *task, int failed)
{
	if (!failed && it->state == TASK_STATE_STOPPED)
		return compel_unfreeze_stopped(task, stop_signal(it));
	return compel_unfreeze(task);
}

/*
 * A thread restored in a sleep (see park_thread() in the restorer) must be
 * seized inside it: only then does the kernel hold the restart data its
 * registers' restart_syscall continues from.  One seized on its way into
 * the sleep would get EINTR instead.
 */
static bool sleeps_entered(const struct pstree_item *it, struct compel_task *task)
{
	struct rst_item *ri = rst_item(it);
	unsigned int i;

	for (i = it->leader_exited ? 1 : 0; i < it->nr_threads; i++) {
		const ThreadCoreEntry *tc = ri->cores[i]->thread_core;
		const struct compel_regs *r;
		int idx = thread_index(task, it->threads[i]);

		if (!tc || !tc->has_sleep_rmtp || !tc->sleep_rmtp || idx < 0)
			continue;
		r = compel_thread_regs(task, idx);
		/* Parked on the futex: the sleep call failed, EINTR it is. */
		if ((long)r->gp.orig_rax == SYS_futex)
			continue;
		if ((long)r->gp.orig_rax != SYS_clock_nanosleep ||
		    (long)r->gp.rax != -ERESTART_RESTARTBLOCK)
			return false;
	}
	return true;
}

static struct compel_task *seize_task(const struct pstree_item *it)
{
	struct timespec nap = { 0, 100000 };
	struct compel_task *task;
	int i;

	for (i = 0; i < SLEEP_ENTRY_WAIT_MS * 10; i++) {
		task = compel_freeze(it->pid, 0);
		if (!task || sleeps_entered(it, task))
			return task;
		pr_debug("Task %d: a thread is not in its sleep yet, once more\n", it->pid);
		if (compel_unfreeze(task))
			return NULL;
		nanosleep(&nap, NULL);
	}
	pr_err("A thread of task %d did not get back into its sleep\n", it->pid);
	return NULL;
}

int finalize_restore(struct restore_ctx *ctx)
{
	struct compel_task **tasks = calloc(ctx->tree.nr_items, sizeof(*tasks));
	unsigned int i;
	int ret = 0;

	if (!tasks)
		return -1;
	for (i = 0; i < ctx->tree.nr_items && !ret; i++) {
		struct pstree_item *it = ctx->tree.items[i];

		if (it->state == TASK_STATE_DEAD || it->state == TASK_STATE_HELPER)
			continue;
		if (it->leader_exited && wait_leader_exit(it)) {
			ret = -1;
			break;
		}
		tasks[i] = seize_task(it);
		if (!tasks[i] || load_task(ctx, it, tasks[i])) {
			pr_err("Can't hand the registers over to task %d\n", it->pid);
			ret = -1;
		}
	}
	/*
	 * Everything is in place: let the tree run (or, on error, die).
	 * Children go first, so that a parent finds them as they were.
	 */
	for (i = ctx->tree.nr_items; i-- > 0;) {
		if (tasks[i] && release_task(ctx->tree.items[i], tasks[i], ret))
			ret = -1;
	}
	free(tasks);
	if (ret)
		return -1;
	return 0;
}
