// SPDX-License-Identifier: GPL-2.0
/* The public remote system call entry points. */

#include "compel/syscall.h"
#include "compel-priv/log.h"
#include "compel-priv/remote.h"

int compel_thread_syscall(struct compel_task *task, unsigned int idx, long nr, long *ret,
			  const unsigned long args[6])
{
	if (idx >= task->nr_threads) {
		pr_err("task %d has no thread #%u\n", task->pid, idx);
		return -1;
	}
	return remote_syscall(task, &task->threads[idx], nr, ret, args, NULL);
}

int compel_syscall(struct compel_task *task, long nr, long *ret, unsigned long a1, unsigned long a2,
		   unsigned long a3, unsigned long a4, unsigned long a5, unsigned long a6)
{
	unsigned long args[6] = { a1, a2, a3, a4, a5, a6 };

	return compel_thread_syscall(task, 0, nr, ret, args);
}
