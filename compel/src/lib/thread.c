// SPDX-License-Identifier: GPL-2.0
/* Per-thread state changes compel makes, and their undo. */

#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>

#include "compel-priv/arch.h"
#include "compel-priv/log.h"
#include "compel-priv/sigfix.h"
#include "compel-priv/task.h"

int task_block_signals(struct compel_thread *th)
{
	uint64_t mask = ~0ULL & ~(1ULL << (SIGTRAP - 1));

	if (th->dirty)
		return 0;
	if (ptrace(PTRACE_SETSIGMASK, th->tid, sizeof(mask), &mask)) {
		pr_perror("can't block signals of %d", th->tid);
		return -1;
	}
	th->dirty = true;
	return 0;
}

int task_restore_thread(struct compel_task *task, struct compel_thread *th)
{
	int ret = sigfix_release(task, th);

	if (arch_set_regs(th->tid, &th->regs))
		ret = -1;
	if (ptrace(PTRACE_SETSIGMASK, th->tid, sizeof(th->sigmask), &th->sigmask)) {
		pr_perror("can't restore the signal mask of %d", th->tid);
		ret = -1;
	}
	if (!ret)
		th->dirty = false;
	return ret;
}
