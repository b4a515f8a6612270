/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PRIV_PROC_H
#define COMPEL_PRIV_PROC_H

#include <stdint.h>
#include <sys/types.h>

struct proc_status {
	char state; /* R, S, D, T, t, Z ... */
	uint64_t sigpnd; /* thread's own pending signals */
	uint64_t shdpnd; /* process-wide pending signals */
	pid_t tracer;
};

int proc_read_status(pid_t pid, pid_t tid, struct proc_status *st);
/* Calls @fn for each thread of @pid until it returns non-zero. */
int proc_for_each_thread(pid_t pid, int (*fn)(pid_t tid, void *arg), void *arg);
/*
 * Start of the first private executable mapping at least @min_size long in
 * the address space of thread @tid, 0 if none.
 */
unsigned long proc_find_exec_vma(pid_t tid, unsigned long min_size);

#endif
