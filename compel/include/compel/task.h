/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_TASK_H
#define COMPEL_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "compel/asm/regs.h"

/*
 * A frozen task: every thread of a process seized with PTRACE_SEIZE and
 * stopped with PTRACE_INTERRUPT, with the state each thread had when it
 * stopped (registers, extended state, blocked signals) saved so that
 * compel_unfreeze() can put it back exactly.
 */
struct compel_task;

enum {
	/* Do not ask the kernel to suspend seccomp filters while seized. */
	COMPEL_FREEZE_KEEP_SECCOMP = 1 << 0,
};

/*
 * Seize and stop all threads of @pid, re-reading /proc/PID/task until no new
 * thread shows up.  Tasks already stopped by a stop signal stay stopped after
 * compel_unfreeze().  Pending signals stay pending.  Returns NULL on error;
 * the task then runs on as if nothing happened.
 */
struct compel_task *compel_freeze(pid_t pid, unsigned int flags);

/*
 * Restore every thread's saved state, detach and free @task.  If a parasite
 * is still attached it is cured first.  Returns 0 or -1 (the task is
 * released in any case).
 */
int compel_unfreeze(struct compel_task *task);

pid_t compel_task_pid(const struct compel_task *task);
unsigned int compel_task_nr_threads(const struct compel_task *task);
/*
 * Index 0 is the thread group leader, or, if the leader has exited while
 * other threads live on, the first live thread: it is where compel runs
 * remote system calls and the parasite daemon.
 */
pid_t compel_thread_tid(const struct compel_task *task, unsigned int idx);

/* True if the task was in group stop (SIGSTOP, SIGTSTP ...) when seized. */
bool compel_task_was_stopped(const struct compel_task *task);

/* The state the thread had when it was frozen; read only. */
const struct compel_regs *compel_thread_regs(const struct compel_task *task, unsigned int idx);
/* Blocked signal mask when frozen (bit N-1 is signal N). */
uint64_t compel_thread_sigmask(const struct compel_task *task, unsigned int idx);

#endif
