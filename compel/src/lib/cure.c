// SPDX-License-Identifier: GPL-2.0
/*
 * Curing: whatever state the parasite is in (answering, crashed, hung, half
 * set up), get the leader back into a ptrace stop with its own registers,
 * close the parasite's fds in the target, unmap it, and put every thread's
 * registers and signal mask back.
 */

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compel-priv/arch.h"
#include "compel-priv/log.h"
#include "compel-priv/parasite.h"
#include "compel-priv/remote.h"
#include "compel-priv/sigfix.h"

static int stop_broken_daemon(struct compel_parasite *p, struct compel_thread *leader)
{
	int ret = 0;

	if (!p->leader_stopped && task_interrupt(leader->tid))
		ret = -1;
	leader->syscall_stopped = false;
	if (arch_set_gp_regs(leader->tid, &leader->regs.gp))
		ret = -1;
	/* A crash forced its signal through, resetting the program's action. */
	if (p->leader_stopped && sigfix_after(p->task, leader, p->leader_sig))
		ret = -1;
	return ret;
}

static int stop_daemon(struct compel_parasite *p)
{
	struct compel_thread *leader = &p->task->threads[0];
	int ret;

	if (!p->daemon_running)
		return 0;
	if (!p->broken && !compel_rpc_call_sync(p, COMPEL_CMD_FINI, &ret)) {
		p->daemon_running = false;
		/* The daemon returns into the entry's breakpoint. */
		return remote_call_finish(p->task, leader, NULL, p->timeout_ms);
	}
	p->daemon_running = false;
	pr_warn("parasite in %d is broken, stopping it by force\n", p->task->pid);
	return stop_broken_daemon(p, leader);
}

static int unmap_remote(struct compel_parasite *p)
{
	unsigned long args[6] = { p->remote, p->size };
	long ret;

	if (!p->remote)
		return 0;
	if (remote_syscall(p->task, &p->task->threads[0], SYS_munmap, &ret, args, NULL) || ret) {
		pr_err("can't unmap the parasite from %d (%ld)\n", p->task->pid, ret);
		return -1;
	}
	p->remote = 0;
	return 0;
}

static int restore_threads(struct compel_task *task)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < task->nr_threads; i++)
		if (task->threads[i].dirty && task_restore_thread(task, &task->threads[i]))
			ret = -1;
	return ret;
}

/* compel's own side of a parasite: the mapping and fds, nothing remote. */
static void release_local(struct compel_parasite *p)
{
	if (p->local)
		munmap(p->local, p->size);
	if (p->ctl >= 0)
		close(p->ctl);
	if (p->log >= 0)
		close(p->log);
	p->task->parasite = NULL;
	free(p);
}

void parasite_forget(struct compel_parasite *p)
{
	release_local(p);
}

int parasite_destroy(struct compel_parasite *p)
{
	int ret = 0;

	if (stop_daemon(p))
		ret = -1;
	parasite_drain_log(p);
	if (parasite_remote_close(p, &p->remote_ctl) || parasite_remote_close(p, &p->remote_log))
		ret = -1;
	if (unmap_remote(p))
		ret = -1;
	if (restore_threads(p->task))
		ret = -1;
	release_local(p);
	return ret;
}

int compel_cure(struct compel_parasite *p)
{
	pid_t pid = p->task->pid;
	int ret = parasite_destroy(p);

	pr_info("cured %d%s\n", pid, ret ? " (with errors)" : "");
	return ret;
}

int parasite_cure_on_unfreeze(struct compel_task *task)
{
	return parasite_destroy(task->parasite);
}
