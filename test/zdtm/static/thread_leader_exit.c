// SPDX-License-Identifier: GPL-2.0
/*
 * The main thread (thread group leader) has called pthread_exit: it is a
 * zombie while the other threads run on.  After restore the leader must
 * still be a zombie task, the threads must keep their ids, and the process
 * must end normally when the last thread exits.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define NTHREADS 3

static pid_t leader;
static pid_t tids[NTHREADS];
static pthread_barrier_t ready;
static pthread_barrier_t checked;
static int failed;

static char task_state(pid_t tid)
{
	char path[64], buf[512], *p;

	ssprintf(path, "/proc/self/task/%d/stat", tid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static void *thread_fn(void *arg)
{
	int idx = (long)arg;
	int ret;

	tids[idx] = syscall(SYS_gettid);
	pthread_barrier_wait(&ready);
	if (idx == 0) {
		/* wait for the leader to be gone, then we are ready */
		while (task_state(leader) != 'Z')
			usleep(1000);
		test_daemon();
	}
	test_waitsig();

	if (syscall(SYS_gettid) != tids[idx] || getpid() != leader) {
		fail("thread %d: tid %ld pid %d, expected %d %d", idx, syscall(SYS_gettid),
		     getpid(), tids[idx], leader);
		__atomic_store_n(&failed, 1, __ATOMIC_SEQ_CST);
	}
	if (task_state(leader) != 'Z') {
		fail("the leader %d is in state %c, expected Z", leader, task_state(leader));
		__atomic_store_n(&failed, 1, __ATOMIC_SEQ_CST);
	}
	ret = pthread_barrier_wait(&checked);
	if (ret == PTHREAD_BARRIER_SERIAL_THREAD) {
		if (!__atomic_load_n(&failed, __ATOMIC_SEQ_CST))
			pass();
		/* the last thread's exit status is the process's */
		exit(0);
	}
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	long i;

	test_init(argc, argv);
	leader = getpid();
	pthread_barrier_init(&ready, NULL, NTHREADS + 1);
	pthread_barrier_init(&checked, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++) {
		if (pthread_create(&t, NULL, thread_fn, (void *)i)) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&ready);
	pthread_exit(NULL);
}
