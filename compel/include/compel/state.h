/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_STATE_H
#define COMPEL_STATE_H

#include <stdint.h>

#include "compel/task.h"

/*
 * Replace the state thread @idx of a frozen task gets back when it is
 * unfrozen: its registers (the extended state must have the size the
 * frozen thread reported) and its blocked signal mask.  This is how a
 * restored thread receives the registers saved in its image.
 */
int compel_thread_set_state(struct compel_task *task, unsigned int idx,
			    const struct compel_regs *regs, uint64_t sigmask);

/*
 * compel_unfreeze(), except that the task ends in a group stop by @sig
 * (SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU), entered before any of the
 * program's code runs: for restored tasks that were stopped.  Returns once
 * every thread shows as stopped (T).  On error the task is released
 * anyway, maybe running.
 */
int compel_unfreeze_stopped(struct compel_task *task, int sig);

/*
 * Free @task without touching the process: for tasks criu has killed
 * while they were frozen, which have nothing left to restore.
 */
void compel_forget(struct compel_task *task);

#endif
