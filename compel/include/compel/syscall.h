/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_SYSCALL_H
#define COMPEL_SYSCALL_H

#include "compel/task.h"

/*
 * Run system call @nr with arguments @args inside thread @idx of a frozen
 * task.  The raw kernel return value (-errno on failure) is stored in @ret.
 * The thread's registers and code are put back afterwards, so the program
 * sees no difference beyond the effects of the call itself.
 * Returns 0 if the call was executed, -1 if compel could not run it.
 */
int compel_thread_syscall(struct compel_task *task, unsigned int idx, long nr, long *ret,
			  const unsigned long args[6]);

/* Convenience form for the thread group leader. */
int compel_syscall(struct compel_task *task, long nr, long *ret, unsigned long a1, unsigned long a2,
		   unsigned long a3, unsigned long a4, unsigned long a5, unsigned long a6);

#endif
