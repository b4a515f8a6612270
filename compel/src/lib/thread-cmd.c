// SPDX-License-Identifier: GPL-2.0
/*
 * Per-thread commands.  Other threads run the parasite entry directly on
 * the thread stack and trap back; the leader is busy in the daemon, so the
 * daemon runs the command for it.
 */

#include "compel-priv/log.h"
#include "compel-priv/parasite.h"
#include "compel-priv/remote.h"

int compel_run_in_thread(struct compel_parasite *p, unsigned int idx, unsigned int cmd, long *ret)
{
	struct compel_parasite_hdr *h = parasite_hdr(p);
	struct compel_thread *th;
	unsigned long a[3];
	int r, err;

	if (p->broken || idx >= p->task->nr_threads) {
		pr_err("can't run command %u on thread #%u of %d\n", cmd, idx, p->task->pid);
		return -1;
	}
	th = &p->task->threads[idx];
	h->thread_sigmask = th->sigmask;
	h->thread_tid = th->tid;
	if (idx == 0) {
		err = compel_rpc_call_sync(p, cmd | COMPEL_CMD_THREAD_FLAG, &r);
		*ret = r;
		return err;
	}
	a[0] = p->remote + p->hdr_off;
	a[1] = cmd;
	a[2] = p->remote + p->args_off;
	err = remote_call(p->task, th, p->remote + p->blob->entry, p->remote + p->thread_stack_top,
			  a, ret, p->timeout_ms);
	parasite_drain_log(p);
	return err;
}
