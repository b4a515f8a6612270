// SPDX-License-Identifier: GPL-2.0
/* Keeping the program's actions for the signals compel's own code raises. */

#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "compel-priv/arch.h"
#include "compel-priv/log.h"
#include "compel-priv/remote.h"
#include "compel-priv/sigfix.h"

static const int sync_signals[NR_SYNC_SIGNALS] = { SIGTRAP, SIGSEGV, SIGBUS, SIGILL, SIGFPE };

/* How a syscall stop shows with PTRACE_O_TRACESYSGOOD. */
#define SYSCALL_STOP (SIGTRAP | 0x80)

/* Below the x86_64 red zone, where nothing the program keeps can live. */
#define STACK_SCRATCH_GAP 512

static int sync_index(int sig)
{
	int i;

	for (i = 0; i < NR_SYNC_SIGNALS; i++)
		if (sync_signals[i] == sig)
			return i;
	return -1;
}

static int wait_syscall_stop(struct compel_thread *th)
{
	pid_t tid = th->tid;
	int status, ret;

	for (;;) {
		if (task_wait_stop(tid, &status, REMOTE_TIMEOUT_MS)) {
			task_interrupt(tid);
			return -1;
		}
		if (WIFSTOPPED(status) && WSTOPSIG(status) == SYSCALL_STOP)
			return 0;
		ret = task_pass_stop(tid, status, PTRACE_SYSCALL);
		if (!ret && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP &&
		    task_keep_user_trap(th))
			ret = ptrace(PTRACE_SYSCALL, tid, NULL, NULL) ? -1 : 1;
		if (ret <= 0) {
			pr_err("thread %d stopped with status %#x in a quiet syscall\n", tid,
			       status);
			return -1;
		}
	}
}

/* One system call in @th that stops at syscall entry and exit, never trapping. */
static int quiet_syscall(struct compel_task *task, struct compel_thread *th, long nr, long *ret,
			 const unsigned long args[6])
{
	unsigned char orig[8];
	compel_gp_regs_t gp = th->regs.gp;
	int err = -1;

	if (ptrace_peek_area(th->tid, task->exec_addr, orig, sizeof(orig)) ||
	    ptrace_poke_area(th->tid, task->exec_addr, arch_syscall_code, sizeof(orig)))
		return -1;
	arch_prep_syscall(&gp, task->exec_addr, nr, args);
	if (arch_set_gp_regs(th->tid, &gp))
		goto out;
	th->syscall_stopped = true;
	/* To the syscall entry stop, then to the exit stop. */
	if (ptrace(PTRACE_SYSCALL, th->tid, NULL, NULL) || wait_syscall_stop(th) ||
	    ptrace(PTRACE_SYSCALL, th->tid, NULL, NULL) || wait_syscall_stop(th) ||
	    arch_get_gp_regs(th->tid, &gp))
		goto out;
	*ret = arch_ret_value(&gp);
	err = 0;
out:
	if (arch_set_gp_regs(th->tid, &th->regs.gp) ||
	    ptrace_poke_area(th->tid, task->exec_addr, orig, sizeof(orig)))
		err = -1;
	return err;
}

/* rt_sigaction(@sig) in @th, with the struct passed through the stack below sp. */
static int quiet_sigaction(struct compel_task *task, struct compel_thread *th, int sig,
			   struct compel_ksigaction *act, bool set)
{
	unsigned long addr = (COMPEL_REG_SP(th->regs.gp) - STACK_SCRATCH_GAP) & ~15UL;
	unsigned long args[6] = { sig, set ? addr : 0, set ? 0 : addr, sizeof(uint64_t) };
	struct compel_ksigaction saved;
	long ret = -1;
	int err;

	if (ptrace_peek_area(th->tid, addr, &saved, sizeof(saved)))
		return -1;
	err = set && ptrace_poke_area(th->tid, addr, act, sizeof(*act));
	if (!err)
		err = quiet_syscall(task, th, SYS_rt_sigaction, &ret, args);
	if (!err && !set)
		err = ptrace_peek_area(th->tid, addr, act, sizeof(*act));
	if (ptrace_poke_area(th->tid, addr, &saved, sizeof(saved)))
		err = -1;
	if (!err && ret) {
		pr_err("rt_sigaction(%d) in %d failed: %ld\n", sig, th->tid, ret);
		err = -1;
	}
	return err;
}

int sigfix_save(struct compel_task *task, struct compel_thread *th)
{
	int i;

	if (task->acts_saved || task->acts_unsaved)
		return 0;
	/* Try once: the stack does not get more room by asking again. */
	task->acts_unsaved = true;
	for (i = 0; i < NR_SYNC_SIGNALS; i++)
		if (quiet_sigaction(task, th, sync_signals[i], &task->sync_acts[i], false))
			return -1;
	task->acts_saved = true;
	task->acts_unsaved = false;
	return 0;
}

int sigfix_after(struct compel_task *task, struct compel_thread *th, int sig)
{
	int i = sync_index(sig);

	if (i < 0 || !task->acts_saved)
		return 0;
	/* SIGTRAP is never blocked by compel, so only an ignored one was reset. */
	if (sig == SIGTRAP && task->sync_acts[i].handler != (uint64_t)(unsigned long)SIG_IGN)
		return 0;
	pr_debug("restoring the action of signal %d in %d\n", sig, task->pid);
	return quiet_sigaction(task, th, sig, &task->sync_acts[i], true);
}

static int leave_syscall_stop(struct compel_thread *th);

/*
 * Give back a SIGTRAP that another process sent while our code ran: the
 * thread queues it to itself, which keeps the sender's siginfo intact.
 */
static int reraise_user_trap(struct compel_task *task, struct compel_thread *th)
{
	unsigned long addr = (COMPEL_REG_SP(th->regs.gp) - STACK_SCRATCH_GAP) & ~15UL;
	unsigned long args[6] = { task->pid, th->tid, SIGTRAP, addr };
	unsigned char saved[sizeof(siginfo_t)];
	long ret = -1;
	int err;

	if (ptrace_peek_area(th->tid, addr, saved, sizeof(saved)))
		return -1;
	err = ptrace_poke_area(th->tid, addr, &th->user_trap, sizeof(th->user_trap)) ||
	      quiet_syscall(task, th, SYS_rt_tgsigqueueinfo, &ret, args);
	if (ptrace_poke_area(th->tid, addr, saved, sizeof(saved)))
		err = -1;
	if (err || ret) {
		pr_err("can't give SIGTRAP back to %d (%ld)\n", th->tid, ret);
		return -1;
	}
	th->has_user_trap = false;
	return 0;
}

int sigfix_release(struct compel_task *task, struct compel_thread *th)
{
	if (th->has_user_trap && reraise_user_trap(task, th))
		return -1;
	return leave_syscall_stop(th);
}

static int leave_syscall_stop(struct compel_thread *th)
{
	int status;

	if (!th->syscall_stopped)
		return 0;
	/* A pending interrupt traps the thread in signal delivery on its way out. */
	if (arch_set_gp_regs(th->tid, &th->regs.gp) ||
	    ptrace(PTRACE_INTERRUPT, th->tid, NULL, NULL) ||
	    ptrace(PTRACE_CONT, th->tid, NULL, NULL))
		return -1;
	for (;;) {
		if (task_wait_stop(th->tid, &status, REMOTE_TIMEOUT_MS) || !WIFSTOPPED(status))
			return -1;
		if ((status >> 16) == PTRACE_EVENT_STOP)
			break;
		if (task_pass_stop(th->tid, status, PTRACE_CONT) <= 0)
			return -1;
	}
	th->syscall_stopped = false;
	return 0;
}
