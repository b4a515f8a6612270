// SPDX-License-Identifier: GPL-2.0
/*
 * Alternate signal stacks per thread: the main thread and two others each
 * have their own sigaltstack (different sizes), a third has it disabled.
 * After restore every thread checks its stack_t (address, size, flags), and
 * that a SA_ONSTACK handler runs on its own alternate stack (or on the
 * normal stack for the thread without one).
 */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define NTHREADS 4 /* thread 0 is the main thread; the last has no altstack */

struct thr {
	pthread_t handle;
	pid_t tid;
	stack_t ss;
	int failed;
	int idx;
};

static struct thr thr[NTHREADS];
static pthread_barrier_t ready, done;
static __thread volatile uintptr_t handler_sp;

static void handler(int sig)
{
	volatile int here;

	handler_sp = (uintptr_t)&here;
}

static int setup(struct thr *t)
{
	if (t->idx == NTHREADS - 1) {
		t->ss.ss_sp = NULL;
		t->ss.ss_size = 0;
		t->ss.ss_flags = SS_DISABLE;
	} else {
		t->ss.ss_size = SIGSTKSZ * (t->idx + 2);
		t->ss.ss_sp = malloc(t->ss.ss_size);
		t->ss.ss_flags = 0;
		if (!t->ss.ss_sp)
			return -1;
	}
	if (sigaltstack(&t->ss, NULL))
		return -1;
	/* what the kernel reports for it */
	return sigaltstack(NULL, &t->ss);
}

static int check(struct thr *t)
{
	uintptr_t lo = (uintptr_t)t->ss.ss_sp, hi = lo + t->ss.ss_size;
	stack_t now;
	int ret = 0;

	if (sigaltstack(NULL, &now)) {
		fail("thread %d: sigaltstack", t->idx);
		return 1;
	}
	if (now.ss_sp != t->ss.ss_sp || now.ss_size != t->ss.ss_size ||
	    now.ss_flags != t->ss.ss_flags) {
		fail("thread %d: altstack %p/%zu/%#x, expected %p/%zu/%#x", t->idx, now.ss_sp,
		     now.ss_size, now.ss_flags, t->ss.ss_sp, t->ss.ss_size, t->ss.ss_flags);
		ret = 1;
	}
	handler_sp = 0;
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	if (!handler_sp) {
		fail("thread %d: the handler did not run", t->idx);
		ret = 1;
	} else if (!(t->ss.ss_flags & SS_DISABLE) && (handler_sp < lo || handler_sp >= hi)) {
		fail("thread %d: the handler ran at %#lx, not on the altstack", t->idx,
		     (unsigned long)handler_sp);
		ret = 1;
	} else if ((t->ss.ss_flags & SS_DISABLE) && handler_sp >= (uintptr_t)thr[0].ss.ss_sp &&
		   handler_sp < (uintptr_t)thr[0].ss.ss_sp + thr[0].ss.ss_size) {
		fail("thread %d: the handler ran on the main thread's altstack", t->idx);
		ret = 1;
	}
	return ret;
}

static void *thread_fn(void *arg)
{
	struct thr *t = arg;

	t->failed = setup(t);
	if (t->failed)
		pr_perror("thread %d: sigaltstack", t->idx);
	pthread_barrier_wait(&ready);
	test_waitsig();
	t->failed |= check(t);
	pthread_barrier_wait(&done);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };
	int i, ret = 0;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL)) {
		pr_perror("sigaction");
		return 1;
	}
	pthread_barrier_init(&ready, NULL, NTHREADS);
	pthread_barrier_init(&done, NULL, NTHREADS);
	if (setup(&thr[0])) {
		pr_perror("sigaltstack");
		return 1;
	}
	for (i = 1; i < NTHREADS; i++) {
		thr[i].idx = i;
		if (pthread_create(&thr[i].handle, NULL, thread_fn, &thr[i])) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&ready);
	for (i = 1; i < NTHREADS; i++)
		if (thr[i].failed)
			return 1;

	test_daemon();
	test_waitsig();

	ret = check(&thr[0]);
	pthread_barrier_wait(&done);
	for (i = 1; i < NTHREADS; i++) {
		pthread_join(thr[i].handle, NULL);
		ret |= thr[i].failed;
	}
	if (!ret)
		pass();
	return 0;
}
