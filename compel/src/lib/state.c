// SPDX-License-Identifier: GPL-2.0
/* Overriding the state a frozen thread resumes with. */

#include <stdlib.h>

#include "compel/state.h"
#include "compel-priv/arch.h"
#include "compel-priv/parasite.h"
#include "compel-priv/log.h"
#include "compel-priv/task.h"

int compel_thread_set_state(struct compel_task *task, unsigned int idx,
			    const struct compel_regs *regs, uint64_t sigmask)
{
	struct compel_thread *th;

	if (idx >= task->nr_threads) {
		pr_err("no thread %u in task %d\n", idx, task->pid);
		return -1;
	}
	th = &task->threads[idx];
	if (arch_copy_regs(th->tid, &th->regs, regs))
		return -1;
	th->sigmask = sigmask;
	/* It no longer stops in a group stop it owes the kernel. */
	th->stop_sig = 0;
	th->dirty = true;
	return 0;
}

void compel_forget(struct compel_task *task)
{
	unsigned int i;

	if (task->parasite)
		parasite_forget(task->parasite);
	for (i = 0; i < task->nr_threads; i++)
		arch_free_regs(&task->threads[i].regs);
	free(task->threads);
	free(task);
}
