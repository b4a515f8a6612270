// SPDX-License-Identifier: GPL-2.0
/*
 * compel's side of the control socket.  Every wait for the parasite also
 * watches the leader, so a crash is seen at once and a hang after the
 * timeout; either marks the parasite broken, leaving only the cure.
 */

#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compel-priv/log.h"
#include "compel-priv/parasite.h"

#define POLL_SLICE_MS 20

static int leader_changed(struct compel_parasite *p)
{
	pid_t tid = p->task->threads[0].tid;
	int status, ret;

	for (;;) {
		ret = waitpid(tid, &status, __WALL | WNOHANG);
		if (ret != tid)
			return ret < 0 ? -1 : 0;
		ret = task_pass_stop(tid, status, PTRACE_CONT);
		if (ret == 0 && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP &&
		    task_keep_user_trap(&p->task->threads[0]))
			ret = ptrace(PTRACE_CONT, tid, NULL, NULL) ? -1 : 1;
		if (ret == 1)
			continue;
		if (ret == 0 && WIFSTOPPED(status)) {
			p->leader_stopped = true;
			p->leader_sig = WSTOPSIG(status);
			pr_err("parasite in %d stopped by signal %d (%s)\n", tid, WSTOPSIG(status),
			       strsignal(WSTOPSIG(status)));
		} else {
			pr_err("task %d died while running the parasite\n", tid);
		}
		return -1;
	}
}

int parasite_wait_ctl(struct compel_parasite *p)
{
	struct pollfd pfd = { .fd = p->ctl, .events = POLLIN };
	int waited = 0;

	while (waited < p->timeout_ms) {
		if (poll(&pfd, 1, POLL_SLICE_MS) > 0)
			return 0;
		if (leader_changed(p))
			goto broken;
		waited += POLL_SLICE_MS;
	}
	pr_err("parasite in %d did not answer in %d ms\n", p->task->pid, p->timeout_ms);
broken:
	p->broken = true;
	parasite_drain_log(p);
	return -1;
}

static int usable(struct compel_parasite *p)
{
	if (p->broken || !p->daemon_running) {
		pr_err("parasite in %d is not there to talk to\n", p->task->pid);
		return -1;
	}
	return 0;
}

int compel_rpc_call(struct compel_parasite *p, unsigned int cmd)
{
	struct compel_rpc_msg m = { .cmd = cmd };

	if (usable(p))
		return -1;
	if (send(p->ctl, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m)) {
		pr_perror("can't send command %u to %d", cmd, p->task->pid);
		p->broken = true;
		return -1;
	}
	return 0;
}

int compel_rpc_sync(struct compel_parasite *p, unsigned int cmd, int *ret)
{
	struct compel_rpc_msg m;
	ssize_t n;

	if (usable(p) || parasite_wait_ctl(p))
		return -1;
	n = recv(p->ctl, &m, sizeof(m), 0);
	parasite_drain_log(p);
	if (n != sizeof(m) || m.cmd != cmd) {
		pr_err("bad answer to command %u from %d (%zd bytes)\n", cmd, p->task->pid, n);
		p->broken = true;
		return -1;
	}
	*ret = m.ret;
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int compel_rpc_wait_word(struct compel_parasite *p, uint32_t *word, uint32_t val)
{
	const struct timespec slice = { 0, POLL_SLICE_MS * 1000000L };
	uint64_t start = now_ms();

	if (usable(p))
		return -1;
	/* Not FUTEX_PRIVATE_FLAG: the parasite's side of the word is another process. */
	while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == val) {
		syscall(SYS_futex, word, FUTEX_WAIT, val, &slice, NULL, 0);
		if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != val)
			break;
		if (leader_changed(p))
			goto broken;
		if (now_ms() - start >= (uint64_t)p->timeout_ms) {
			pr_err("parasite in %d did not answer in %d ms\n", p->task->pid,
			       p->timeout_ms);
			goto broken;
		}
	}
	return 0;
broken:
	p->broken = true;
	parasite_drain_log(p);
	return -1;
}

int compel_rpc_call_sync(struct compel_parasite *p, unsigned int cmd, int *ret)
{
	if (compel_rpc_call(p, cmd))
		return -1;
	return compel_rpc_sync(p, cmd, ret);
}
