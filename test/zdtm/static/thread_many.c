// SPDX-License-Identifier: GPL-2.0
/*
 * 200 threads, each with its own thread id, TLS value, stack data and
 * pthread handle.  After restore every thread checks that gettid() and the
 * others are what they were, and the task list in /proc is the same.
 */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

static int nthreads = 200;
TEST_OPTION(nthreads, int, "number of threads", 0);

#define MAX_THREADS 1024

struct thr {
	pthread_t handle;
	pid_t tid;
	int idx;
	int failed;
};

static struct thr thr[MAX_THREADS];
static __thread unsigned long tls_value;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int nready;
/* keeps the threads alive until the test has counted them */
static pthread_barrier_t done;

static unsigned long tls_of(int idx)
{
	return 0x5eed0000UL * (idx + 1) + idx;
}

static void *thread_fn(void *arg)
{
	struct thr *t = arg;
	uint32_t stack_data[64];
	uint32_t crc = ~0U;

	t->tid = syscall(SYS_gettid);
	tls_value = tls_of(t->idx);
	datagen((uint8_t *)stack_data, sizeof(stack_data), &crc);

	pthread_mutex_lock(&lock);
	nready++;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);

	test_waitsig();

	crc = ~0U;
	if (syscall(SYS_gettid) != t->tid) {
		fail("thread %d: tid %ld, expected %d", t->idx, syscall(SYS_gettid), t->tid);
		t->failed = 1;
	}
	if (tls_value != tls_of(t->idx)) {
		fail("thread %d: TLS %#lx, expected %#lx", t->idx, tls_value, tls_of(t->idx));
		t->failed = 1;
	}
	if (!pthread_equal(pthread_self(), t->handle)) {
		fail("thread %d: pthread_self changed", t->idx);
		t->failed = 1;
	}
	if (datachk((uint8_t *)stack_data, sizeof(stack_data), &crc)) {
		fail("thread %d: stack data corrupted", t->idx);
		t->failed = 1;
	}
	pthread_barrier_wait(&done);
	return NULL;
}

static int count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int task_exists(pid_t tid)
{
	char path[64];

	ssprintf(path, "/proc/self/task/%d", tid);
	return access(path, F_OK) == 0;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	int i, ret = 0;

	test_init(argc, argv);
	if (nthreads < 1 || nthreads > MAX_THREADS) {
		pr_err("bad --nthreads");
		return 1;
	}
	pthread_barrier_init(&done, NULL, nthreads + 1);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 << 10);
	for (i = 0; i < nthreads; i++) {
		thr[i].idx = i;
		if (pthread_create(&thr[i].handle, &attr, thread_fn, &thr[i])) {
			pr_perror("pthread_create %d", i);
			return 1;
		}
	}
	pthread_mutex_lock(&lock);
	while (nready < nthreads)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	if (count_tasks() != nthreads + 1) {
		pr_err("%d tasks, expected %d", count_tasks(), nthreads + 1);
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* before the threads exit: all of them, and no more, are there */
	if (count_tasks() != nthreads + 1) {
		fail("%d tasks, expected %d", count_tasks(), nthreads + 1);
		ret = 1;
	}
	for (i = 0; i < nthreads; i++) {
		if (!task_exists(thr[i].tid)) {
			fail("thread %d (tid %d) is missing", i, thr[i].tid);
			ret = 1;
		}
	}
	pthread_barrier_wait(&done);
	for (i = 0; i < nthreads; i++) {
		pthread_join(thr[i].handle, NULL);
		ret |= thr[i].failed;
	}
	if (!ret)
		pass();
	return 0;
}
