// SPDX-License-Identifier: GPL-2.0
/* Seize all threads of a task into a known stopped state, and let them go again. */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compel-priv/arch.h"
#include "compel-priv/log.h"
#include "compel-priv/proc.h"
#include "compel-priv/remote.h"
#include "compel-priv/task.h"

/* Signal deliveries we pass through before giving up on a thread that won't stop. */
#define MAX_FREEZE_SIGNALS 64

static bool thread_gone(pid_t pid, pid_t tid);

static int seize(struct compel_task *task, pid_t tid)
{
	/* Syscall stops must be told apart from breakpoint traps. */
	long opts = PTRACE_O_TRACESYSGOOD;

	if (!(task->flags & COMPEL_FREEZE_KEEP_SECCOMP))
		opts |= PTRACE_O_SUSPEND_SECCOMP;
	if (!ptrace(PTRACE_SEIZE, tid, NULL, opts))
		return 0;
	if (!(opts & PTRACE_O_SUSPEND_SECCOMP) || (errno != EPERM && errno != EINVAL) ||
	    thread_gone(task->pid, tid))
		return -1;
	/* Suspending seccomp needs CAP_SYS_ADMIN and CONFIG_CHECKPOINT_RESTORE. */
	if (ptrace(PTRACE_SEIZE, tid, NULL, PTRACE_O_TRACESYSGOOD))
		return -1;
	pr_warn("can't suspend seccomp of %d, going on without\n", tid);
	task->flags |= COMPEL_FREEZE_KEEP_SECCOMP;
	return 0;
}

/*
 * Wait for the PTRACE_INTERRUPT trap.  A signal caught on its way to the
 * program is handed back (it was dequeued, so it must be delivered now or
 * it is lost), after which the pending interrupt traps the thread again.
 * Returns 1 if the thread went away.
 */
static int wait_frozen(struct compel_thread *th)
{
	int status, i, event;

	for (i = 0; i < MAX_FREEZE_SIGNALS; i++) {
		if (task_wait_stop(th->tid, &status, -1))
			return errno == ECHILD ? 1 : -1;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return 1;
		event = status >> 16;
		if (event == PTRACE_EVENT_STOP) {
			th->stop_sig = WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status);
			return 0;
		}
		if (ptrace(PTRACE_CONT, th->tid, NULL, event ? 0 : WSTOPSIG(status)))
			return -1;
	}
	pr_err("thread %d keeps getting signals and never stops\n", th->tid);
	return -1;
}

static int save_state(struct compel_thread *th)
{
	if (ptrace(PTRACE_GETSIGMASK, th->tid, sizeof(th->sigmask), &th->sigmask)) {
		pr_perror("can't read the signal mask of %d", th->tid);
		return -1;
	}
	return arch_get_regs(th->tid, &th->regs);
}

static struct compel_thread *new_thread(struct compel_task *task)
{
	struct compel_thread *th;
	unsigned int max;

	if (task->nr_threads == task->max_threads) {
		max = task->max_threads ? task->max_threads * 2 : 16;
		th = realloc(task->threads, max * sizeof(*th));
		if (!th)
			return NULL;
		task->threads = th;
		task->max_threads = max;
	}
	th = &task->threads[task->nr_threads];
	memset(th, 0, sizeof(*th));
	return th;
}

/* A thread that is exiting can't be seized (EPERM) and won't be missed. */
static bool thread_gone(pid_t pid, pid_t tid)
{
	struct proc_status st;

	if (errno == ESRCH)
		return true;
	return proc_read_status(pid, tid, &st) || st.state == 'Z' || st.state == 'X';
}

/* Returns 0 if frozen and recorded, 1 if the thread is gone, -1 on error. */
static int freeze_thread(struct compel_task *task, pid_t tid)
{
	struct compel_thread *th = new_thread(task);
	int ret;

	if (!th)
		return -1;
	th->tid = tid;
	if (seize(task, tid)) {
		if (thread_gone(task->pid, tid))
			return 1;
		pr_perror("can't seize %d", tid);
		return -1;
	}
	/* An exiting thread refuses the interrupt; the wait then reaps it. */
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) && errno != ESRCH) {
		pr_perror("can't interrupt %d", tid);
		ptrace(PTRACE_DETACH, tid, NULL, NULL);
		return -1;
	}
	ret = wait_frozen(th);
	if (!ret)
		ret = save_state(th);
	if (ret) {
		ptrace(PTRACE_DETACH, tid, NULL, NULL);
		arch_free_regs(&th->regs);
		return ret;
	}
	task->nr_threads++;
	return 0;
}

static bool known_thread(const struct compel_task *task, pid_t tid)
{
	unsigned int i;

	for (i = 0; i < task->nr_threads; i++)
		if (task->threads[i].tid == tid)
			return true;
	return false;
}

struct scan {
	struct compel_task *task;
	unsigned int added;
};

static int scan_one(pid_t tid, void *arg)
{
	struct scan *s = arg;
	int ret;

	if (known_thread(s->task, tid))
		return 0;
	ret = freeze_thread(s->task, tid);
	if (ret < 0)
		return -1;
	s->added += !ret;
	return 0;
}

/* A running thread may clone until it is stopped: scan until nothing is new. */
static int freeze_all_threads(struct compel_task *task)
{
	struct scan s = { .task = task };

	do {
		s.added = 0;
		if (proc_for_each_thread(task->pid, scan_one, &s))
			return -1;
	} while (s.added);
	return 0;
}

static int check_seizable(pid_t pid)
{
	struct proc_status st;

	if (proc_read_status(pid, pid, &st)) {
		pr_err("no task %d\n", pid);
		return -1;
	}
	if (st.tracer) {
		pr_err("task %d is already traced by %d\n", pid, st.tracer);
		return -1;
	}
	return 0;
}

/*
 * The leader goes first, so that it is thread 0.  A leader that exited
 * while other threads live on is a zombie that can't be seized; the first
 * live thread stands in for it then.
 */
static int freeze_threads(struct compel_task *task)
{
	if (freeze_thread(task, task->pid) < 0 || freeze_all_threads(task))
		return -1;
	if (!task->nr_threads) {
		pr_err("task %d is a zombie\n", task->pid);
		return -1;
	}
	if (task->threads[0].tid != task->pid)
		pr_info("leader of %d is gone, thread %d stands in\n", task->pid,
			task->threads[0].tid);
	return 0;
}

struct compel_task *compel_freeze(pid_t pid, unsigned int flags)
{
	struct compel_task *task;
	unsigned int i;

	if (check_seizable(pid))
		return NULL;
	task = calloc(1, sizeof(*task));
	if (!task)
		return NULL;
	task->pid = pid;
	task->flags = flags;
	if (freeze_threads(task)) {
		pr_err("can't freeze task %d\n", pid);
		compel_unfreeze(task);
		return NULL;
	}
	for (i = 0; i < task->nr_threads; i++)
		task->was_stopped |= task->threads[i].stop_sig != 0;
	pr_info("froze %d: %u threads%s\n", pid, task->nr_threads,
		task->was_stopped ? ", stopped" : "");
	return task;
}

/*
 * Make thread 0 take @sig and enter the group stop while compel still
 * holds it: a stop signal merely queued before the detach could be
 * dequeued by whatever resumes the thread first; a group stop that is in
 * effect is re-applied by the kernel to every thread on detach.  Signals
 * dequeued before it are delivered as they would be after a SIGCONT.
 */
static int enter_group_stop(struct compel_task *task, int sig)
{
	pid_t tid = task->threads[0].tid;
	int status, i, event;

	/* To the thread, not the process: no other thread may take it. */
	if (syscall(SYS_tgkill, task->pid, tid, sig) || ptrace(PTRACE_CONT, tid, NULL, NULL)) {
		pr_perror("can't send signal %d to %d", sig, tid);
		return -1;
	}
	for (i = 0; i < MAX_FREEZE_SIGNALS; i++) {
		if (task_wait_stop(tid, &status, REMOTE_TIMEOUT_MS) || !WIFSTOPPED(status)) {
			pr_err("thread %d did not stop with signal %d\n", tid, sig);
			return -1;
		}
		event = status >> 16;
		if (event == PTRACE_EVENT_STOP && WSTOPSIG(status) == sig)
			return 0;
		if (ptrace(PTRACE_CONT, tid, NULL, event ? 0 : WSTOPSIG(status)))
			return -1;
	}
	pr_err("thread %d keeps getting signals and never stops\n", tid);
	return -1;
}

/*
 * On detach the kernel wakes each thread for a moment to put it into the
 * group stop for good: wait for that, so that callers see the task stopped.
 */
static int wait_stopped(struct compel_task *task)
{
	struct timespec nap = { 0, 1000000 };
	struct proc_status st;
	unsigned int i;
	int ms;

	for (i = 0; i < task->nr_threads; i++) {
		for (ms = 0; ms < REMOTE_TIMEOUT_MS; ms++) {
			if (proc_read_status(task->pid, task->threads[i].tid, &st) ||
			    st.state == 'T')
				break;
			nanosleep(&nap, NULL);
		}
		if (ms == REMOTE_TIMEOUT_MS) {
			pr_err("thread %d did not stop\n", task->threads[i].tid);
			return -1;
		}
	}
	return 0;
}

/* Put back every thread's state, optionally stop the task, detach, free. */
static int release(struct compel_task *task, int stop_sig)
{
	unsigned int i;
	int ret = 0;

	if (task->parasite && parasite_cure_on_unfreeze(task))
		ret = -1;
	for (i = 0; i < task->nr_threads; i++) {
		struct compel_thread *th = &task->threads[i];

		if (th->dirty && task_restore_thread(task, th))
			ret = -1;
	}
	if (stop_sig && task->nr_threads && enter_group_stop(task, stop_sig))
		ret = -1;
	for (i = 0; i < task->nr_threads; i++) {
		struct compel_thread *th = &task->threads[i];

		if (ptrace(PTRACE_DETACH, th->tid, NULL, NULL)) {
			pr_perror("can't detach from %d", th->tid);
			ret = -1;
		}
		arch_free_regs(&th->regs);
	}
	if (stop_sig && !ret && wait_stopped(task))
		ret = -1;
	free(task->threads);
	free(task);
	return ret;
}

int compel_unfreeze(struct compel_task *task)
{
	return release(task, 0);
}

int compel_unfreeze_stopped(struct compel_task *task, int sig)
{
	if (sig != SIGSTOP && sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU) {
		pr_err("signal %d is not a stop signal\n", sig);
		release(task, 0);
		return -1;
	}
	return release(task, sig);
}
