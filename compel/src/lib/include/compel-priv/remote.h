/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PRIV_REMOTE_H
#define COMPEL_PRIV_REMOTE_H

#include "compel-priv/task.h"

/* How long remote code may run before compel calls it hung. */
#define REMOTE_TIMEOUT_MS 10000

/*
 * The code window poked at the task's executable address: 8 bytes of
 * instructions, then 8 bytes of scratch data the call can point at.
 */
#define REMOTE_WINDOW 16
#define REMOTE_SCRATCH_OFF 8

/* Find where to run code and block signals of @th; idempotent. */
int remote_prepare(struct compel_task *task, struct compel_thread *th);

/*
 * One system call in @th.  @scratch (8 bytes, may be NULL) is placed at
 * task->exec_addr + REMOTE_SCRATCH_OFF for the duration of the call.
 */
int remote_syscall(struct compel_task *task, struct compel_thread *th, long nr, long *ret,
		   const unsigned long args[6], const void *scratch);

/*
 * Call a function at @ip on stack @sp in @th and wait for it to trap back;
 * the thread's registers are put back whatever happens.
 */
int remote_call(struct compel_task *task, struct compel_thread *th, unsigned long ip,
		unsigned long sp, const unsigned long a[3], long *ret, int timeout_ms);

/* Start a call without waiting for it; remote_call_finish() collects it. */
int remote_call_start(struct compel_task *task, struct compel_thread *th, unsigned long ip,
		      unsigned long sp, const unsigned long a[3]);
int remote_call_finish(struct compel_task *task, struct compel_thread *th, long *ret,
		       int timeout_ms);

int ptrace_peek_area(pid_t tid, unsigned long addr, void *buf, size_t len);
int ptrace_poke_area(pid_t tid, unsigned long addr, const void *buf, size_t len);

#endif
