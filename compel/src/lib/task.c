// SPDX-License-Identifier: GPL-2.0
/* Read-only accessors of a frozen task. */

#include "compel-priv/task.h"

pid_t compel_task_pid(const struct compel_task *task)
{
	return task->pid;
}

unsigned int compel_task_nr_threads(const struct compel_task *task)
{
	return task->nr_threads;
}

pid_t compel_thread_tid(const struct compel_task *task, unsigned int idx)
{
	return idx < task->nr_threads ? task->threads[idx].tid : -1;
}

bool compel_task_was_stopped(const struct compel_task *task)
{
	return task->was_stopped;
}

const struct compel_regs *compel_thread_regs(const struct compel_task *task, unsigned int idx)
{
	return idx < task->nr_threads ? &task->threads[idx].regs : NULL;
}

uint64_t compel_thread_sigmask(const struct compel_task *task, unsigned int idx)
{
	return idx < task->nr_threads ? task->threads[idx].sigmask : 0;
}
