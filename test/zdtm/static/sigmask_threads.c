// SPDX-License-Identifier: GPL-2.0
/*
 * Blocked signal masks differ per thread: the main thread and five others
 * each block their own set of standard and real-time signals.  After
 * restore each thread checks its mask with pthread_sigmask and the test
 * checks SigBlk of every thread in /proc/self/task/TID/status.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define NTHREADS 6 /* including the main thread */

struct thr {
	pthread_t handle;
	pid_t tid;
	sigset_t mask;
	char sigblk[32];
	int failed;
	int idx;
};

static struct thr thr[NTHREADS];
static pthread_barrier_t ready, done;

static void make_mask(int idx, sigset_t *set)
{
	int sig;

	sigemptyset(set);
	for (sig = 1; sig < SIGRTMAX; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGTERM || sig == SIGSEGV ||
		    sig == SIGBUS || sig == SIGILL || sig == SIGFPE)
			continue;
		/* libc's internal signals */
		if (sig >= 32 && sig < SIGRTMIN)
			continue;
		if ((sig * 7 + idx * 13) % (idx + 2) == 0)
			sigaddset(set, sig);
	}
}

static int read_sigblk(pid_t tid, char *out, size_t size)
{
	char path[64], buf[4096], *p;

	ssprintf(path, "/proc/self/task/%d/status", tid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "SigBlk:");
	if (!p)
		return -1;
	p += 7;
	while (*p == ' ' || *p == '\t')
		p++;
	snprintf(out, size, "%.16s", p);
	return 0;
}

static int check(struct thr *t)
{
	sigset_t now;
	int sig;

	if (pthread_sigmask(SIG_BLOCK, NULL, &now)) {
		fail("thread %d: pthread_sigmask", t->idx);
		return 1;
	}
	for (sig = 1; sig < SIGRTMAX; sig++) {
		if (sigismember(&now, sig) != sigismember(&t->mask, sig)) {
			fail("thread %d: signal %d is %sblocked", t->idx, sig,
			     sigismember(&now, sig) ? "" : "not ");
			return 1;
		}
	}
	return 0;
}

static void *thread_fn(void *arg)
{
	struct thr *t = arg;

	t->tid = syscall(SYS_gettid);
	pthread_sigmask(SIG_SETMASK, &t->mask, NULL);
	pthread_barrier_wait(&ready);
	test_waitsig();
	t->failed = check(t);
	pthread_barrier_wait(&done);
	return NULL;
}

int main(int argc, char **argv)
{
	char now[32];
	int i, ret = 0;

	test_init(argc, argv);
	pthread_barrier_init(&ready, NULL, NTHREADS);
	pthread_barrier_init(&done, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++) {
		thr[i].idx = i;
		make_mask(i, &thr[i].mask);
	}
	thr[0].tid = getpid();
	/* SIGTERM stays unblocked everywhere: test_waitsig needs it */
	pthread_sigmask(SIG_SETMASK, &thr[0].mask, NULL);
	for (i = 1; i < NTHREADS; i++) {
		if (pthread_create(&thr[i].handle, NULL, thread_fn, &thr[i])) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&ready);
	for (i = 0; i < NTHREADS; i++) {
		if (read_sigblk(thr[i].tid, thr[i].sigblk, sizeof(thr[i].sigblk))) {
			pr_perror("can't read SigBlk of %d", thr[i].tid);
			return 1;
		}
		if (i && !strcmp(thr[i].sigblk, thr[i - 1].sigblk)) {
			pr_err("threads %d and %d have the same mask", i - 1, i);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	/*
	 * Everybody is awake but still there.  The thread that ran the SIGTERM
	 * handler may not have returned from it yet (SIGTERM is blocked in the
	 * handler): give it time before calling a difference a failure.
	 */
	for (i = 0; i < NTHREADS; i++) {
		int tries = 0;

		while (!read_sigblk(thr[i].tid, now, sizeof(now)) && strcmp(now, thr[i].sigblk) &&
		       tries++ < 500)
			usleep(10000);
		if (read_sigblk(thr[i].tid, now, sizeof(now)) || strcmp(now, thr[i].sigblk)) {
			fail("thread %d: SigBlk %s, expected %s", i, now, thr[i].sigblk);
			ret = 1;
		}
	}
	ret |= check(&thr[0]);
	pthread_barrier_wait(&done);
	for (i = 1; i < NTHREADS; i++) {
		pthread_join(thr[i].handle, NULL);
		ret |= thr[i].failed;
	}
	if (!ret)
		pass();
	return 0;
}
