/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PRIV_SIGFIX_H
#define COMPEL_PRIV_SIGFIX_H

/*
 * When compel's code traps (SIGTRAP) or faults with the signal ignored or
 * blocked, the kernel forces it through by resetting the program's action
 * to SIG_DFL.  These put the program's actions back, with system calls that
 * stop at syscall entry and exit instead of trapping, so they reset nothing.
 */
#include "compel-priv/task.h"

/* Read the actions of the signals our code may raise; once per task. */
int sigfix_save(struct compel_task *task, struct compel_thread *th);

/* @th stopped with @sig while running our code: undo the reset it caused. */
int sigfix_after(struct compel_task *task, struct compel_thread *th, int sig);

/*
 * Before @th is released: give it back a SIGTRAP someone sent it while our
 * code ran, and move it from a syscall stop into a stop inside signal
 * delivery, the only place from which the kernel restarts an interrupted
 * system call.
 */
int sigfix_release(struct compel_task *task, struct compel_thread *th);

#endif
