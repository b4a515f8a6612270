// SPDX-License-Identifier: GPL-2.0
/*
 * A program with 100 threads (the main one and 99 more).  Each thread keeps
 * its tid and a thread-local pattern; after restore the main thread counts
 * /proc/self/task, then lets every thread check its own state.
 *
 * usage: threads [NTHREADS]   (default 100, main thread included)
 */
#include <dirent.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "bench-wl.h"

static int go;
static int started, good, finished;
static __thread unsigned long long tls_val;

static long futex(int *uaddr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void *thread_fn(void *arg)
{
	unsigned long idx = (unsigned long)arg;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 200 * 1000 * 1000 };
	pid_t tid = syscall(SYS_gettid);

	tls_val = wl_pattern(tid, idx);
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	/* A bounded wait: a lost wake-up can only delay, never hang. */
	while (!__atomic_load_n(&go, __ATOMIC_SEQ_CST))
		futex(&go, FUTEX_WAIT_PRIVATE, 0, &ts);
	if (syscall(SYS_gettid) == tid && tls_val == wl_pattern(tid, idx))
		__atomic_add_fetch(&good, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int count_tasks(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : 100, i, ntasks, waited;
	pthread_attr_t attr;
	pthread_t th;

	if (nthreads < 1 || nthreads > 10000)
		return 2;
	if (setsid() < 0)
		return 2;
	wl_block_signals();	/* inherited by every thread */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN + 64 * 1024);
	for (i = 1; i < nthreads; i++) {
		if (pthread_create(&th, &attr, thread_fn, (void *)(unsigned long)i)) {
			wl_say("FAIL pthread_create %d", i);
			return 1;
		}
		pthread_detach(th);
	}
	while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) != nthreads - 1)
		usleep(1000);
	wl_say("READY");
	wl_wait(1);
	ntasks = count_tasks();
	__atomic_store_n(&go, 1, __ATOMIC_SEQ_CST);
	futex(&go, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	for (waited = 0; waited < 10000; waited++) {
		if (__atomic_load_n(&finished, __ATOMIC_SEQ_CST) == nthreads - 1)
			break;
		usleep(1000);
	}
	if (ntasks != nthreads || good != nthreads - 1) {
		wl_say("FAIL %d tasks (want %d), %d of %d threads verified", ntasks, nthreads,
		       good, nthreads - 1);
		return 1;
	}
	wl_say("OK %d threads verified", ntasks);
	return 0;
}
