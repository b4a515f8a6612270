// SPDX-License-Identifier: GPL-2.0
/*
 * Running code in a frozen thread: a system call poked at an executable
 * address, or a call into the parasite, each ending in a breakpoint trap.
 */

#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>

#include "compel-priv/arch.h"
#include "compel-priv/log.h"
#include "compel-priv/proc.h"
#include "compel-priv/remote.h"
#include "compel-priv/sigfix.h"

int remote_prepare(struct compel_task *task, struct compel_thread *th)
{
	struct proc_status st;

	if (!task->exec_addr) {
		task->exec_addr = proc_find_exec_vma(task->threads[0].tid, REMOTE_WINDOW);
		if (!task->exec_addr)
			return -1;
	}
	if (th->dirty)
		return 0;
	/* Our breakpoint's SIGTRAP would merge with a pending one and lose it. */
	if (!proc_read_status(task->pid, th->tid, &st) &&
	    ((st.sigpnd | st.shdpnd) & (1ULL << (SIGTRAP - 1)))) {
		pr_err("thread %d has a pending SIGTRAP, can't run code in it\n", th->tid);
		return -1;
	}
	if (task_block_signals(th))
		return -1;
	/*
	 * Before the first breakpoint, which may change them.  Failing here
	 * (no room below the stack pointer) only costs that protection.
	 */
	if (sigfix_save(task, th))
		pr_warn("can't save the signal actions of %d; an ignored SIGTRAP or a "
			"parasite crash would reset them\n",
			task->pid);
	return 0;
}

static int run_and_collect(struct compel_task *task, struct compel_thread *th, compel_gp_regs_t *gp,
			   long *ret, int timeout_ms)
{
	if (arch_set_gp_regs(th->tid, gp))
		return -1;
	if (ptrace(PTRACE_CONT, th->tid, NULL, NULL)) {
		pr_perror("can't resume %d", th->tid);
		arch_set_gp_regs(th->tid, &th->regs.gp);
		return -1;
	}
	return remote_call_finish(task, th, ret, timeout_ms);
}

int remote_syscall(struct compel_task *task, struct compel_thread *th, long nr, long *ret,
		   const unsigned long args[6], const void *scratch)
{
	unsigned char orig[REMOTE_WINDOW], code[REMOTE_WINDOW];
	compel_gp_regs_t gp = th->regs.gp;
	int err;

	if (remote_prepare(task, th))
		return -1;
	if (ptrace_peek_area(th->tid, task->exec_addr, orig, sizeof(orig)))
		return -1;
	memcpy(code, orig, sizeof(code));
	memcpy(code, arch_syscall_code, sizeof(arch_syscall_code));
	if (scratch)
		memcpy(code + REMOTE_SCRATCH_OFF, scratch, REMOTE_WINDOW - REMOTE_SCRATCH_OFF);
	if (ptrace_poke_area(th->tid, task->exec_addr, code, sizeof(code)))
		return -1;

	arch_prep_syscall(&gp, task->exec_addr, nr, args);
	err = run_and_collect(task, th, &gp, ret, REMOTE_TIMEOUT_MS);

	if (ptrace_poke_area(th->tid, task->exec_addr, orig, sizeof(orig)))
		err = -1;
	return err;
}

int remote_call_start(struct compel_task *task, struct compel_thread *th, unsigned long ip,
		      unsigned long sp, const unsigned long a[3])
{
	compel_gp_regs_t gp = th->regs.gp;

	if (remote_prepare(task, th))
		return -1;
	arch_prep_call(&gp, ip, sp, a[0], a[1], a[2]);
	if (arch_set_gp_regs(th->tid, &gp))
		return -1;
	if (ptrace(PTRACE_CONT, th->tid, NULL, NULL)) {
		pr_perror("can't resume %d", th->tid);
		arch_set_gp_regs(th->tid, &th->regs.gp);
		return -1;
	}
	return 0;
}

/* The thread is stopped when this returns, and has its own registers back. */
int remote_call_finish(struct compel_task *task, struct compel_thread *th, long *ret,
		       int timeout_ms)
{
	compel_gp_regs_t gp;
	int err, sig;

	err = task_wait_trap(th, timeout_ms, &sig);
	th->syscall_stopped = false;
	if (!err && ret) {
		err = arch_get_gp_regs(th->tid, &gp);
		*ret = arch_ret_value(&gp);
	}
	if (arch_set_gp_regs(th->tid, &th->regs.gp))
		err = -1;
	if (sig && sigfix_after(task, th, sig))
		err = -1;
	return err;
}

int remote_call(struct compel_task *task, struct compel_thread *th, unsigned long ip,
		unsigned long sp, const unsigned long a[3], long *ret, int timeout_ms)
{
	if (remote_call_start(task, th, ip, sp, a))
		return -1;
	return remote_call_finish(task, th, ret, timeout_ms);
}
