// SPDX-License-Identifier: GPL-2.0
/* Waiting for ptrace stops, with a time limit so a hung parasite can't hang us. */

#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

#include "compel-priv/log.h"
#include "compel-priv/task.h"

#define YIELD_SPINS 64

static void nap(long usec)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = usec * 1000 };

	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int task_wait_stop(pid_t tid, int *status, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	long delay = 10;
	int spins;
	pid_t ret;

	if (timeout_ms < 0) {
		ret = waitpid(tid, status, __WALL);
		return ret == tid ? 0 : -1;
	}
	/*
	 * Most remote operations end within microseconds: yield first (the
	 * thread may need this very CPU to get there), then poll with growing
	 * naps.
	 */
	for (spins = 0;; spins++) {
		ret = waitpid(tid, status, __WALL | WNOHANG);
		if (ret == tid)
			return 0;
		if (ret < 0) {
			pr_perror("can't wait for %d", tid);
			return -1;
		}
		if (now_ms() > deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (spins < YIELD_SPINS) {
			sched_yield();
			continue;
		}
		nap(delay);
		delay = min(delay * 2, 1000L);
	}
}

int task_interrupt(pid_t tid)
{
	int status;

	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) || task_wait_stop(tid, &status, -1)) {
		pr_perror("can't stop runaway thread %d", tid);
		return -1;
	}
	if (!WIFSTOPPED(status)) {
		pr_err("thread %d died while running compel code\n", tid);
		return -1;
	}
	return 0;
}

int task_wait_trap(struct compel_thread *th, int timeout_ms, int *sig)
{
	int status;

	*sig = 0;
	for (;;) {
		if (task_wait_stop(th->tid, &status, timeout_ms)) {
			if (errno != ETIMEDOUT)
				return -1;
			pr_err("thread %d did not come back in %d ms\n", th->tid, timeout_ms);
			task_interrupt(th->tid);
			return -1;
		}
		if (!WIFSTOPPED(status)) {
			pr_err("thread %d died while running compel code (status %#x)\n", th->tid,
			       status);
			return -1;
		}
		switch (task_pass_stop(th->tid, status, PTRACE_CONT)) {
		case 1:
			continue;
		case -1:
			return -1;
		}
		*sig = WSTOPSIG(status);
		if (*sig == SIGTRAP && task_keep_user_trap(th)) {
			if (ptrace(PTRACE_CONT, th->tid, NULL, NULL))
				return -1;
			continue;
		}
		if (*sig == SIGTRAP)
			return 0;
		/* Only a fault in the code we run can get through the blocked mask. */
		pr_err("thread %d got signal %d (%s) while running compel code\n", th->tid, *sig,
		       strsignal(*sig));
		return -1;
	}
}

int task_pass_stop(pid_t tid, int status, int resume)
{
	int sig = WSTOPSIG(status);

	if (!WIFSTOPPED(status))
		return 0;
	if ((status >> 16) == PTRACE_EVENT_STOP)
		return ptrace(resume, tid, NULL, NULL) ? -1 : 1;
	/*
	 * SIGSTOP can't be blocked: let it start the group stop, which the
	 * kernel remembers and re-applies when we detach.
	 */
	if (!(status >> 16) &&
	    (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU))
		return ptrace(resume, tid, NULL, sig) ? -1 : 1;
	return 0;
}

bool task_keep_user_trap(struct compel_thread *th)
{
	siginfo_t si;

	/* Breakpoints and faults come from the kernel; kill() and friends don't. */
	if (ptrace(PTRACE_GETSIGINFO, th->tid, NULL, &si) || si.si_code > 0)
		return false;
	/* A second one would have merged with the first anyway. */
	if (!th->has_user_trap) {
		th->user_trap = si;
		th->has_user_trap = true;
	}
	pr_debug("thread %d got SIGTRAP from %d, keeping it\n", th->tid, si.si_pid);
	return true;
}
