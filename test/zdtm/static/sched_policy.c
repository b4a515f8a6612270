// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduling classes and nice values per thread (no privileges needed):
 * the main thread runs SCHED_BATCH at nice 7, a second thread SCHED_IDLE,
 * a third SCHED_OTHER at nice 3, a child process SCHED_OTHER at nice 11.
 * After restore each task must have its policy and nice value back.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtmtst.h"

struct task {
	int policy, nice;
	pid_t tid;
};

static struct task tasks[] = {
	{ SCHED_BATCH, 7 },
	{ SCHED_IDLE, 0 },
	{ SCHED_OTHER, 3 },
};

#define NTHREADS ARRAY_SIZE(tasks)

static pthread_barrier_t ready, done;

static int apply(struct task *t)
{
	struct sched_param sp = { .sched_priority = 0 };

	t->tid = syscall(SYS_gettid);
	if (sched_setscheduler(0, t->policy, &sp))
		return -1;
	return setpriority(PRIO_PROCESS, 0, t->nice);
}

static int check(const struct task *t, const char *who)
{
	int policy, nice;

	errno = 0;
	policy = sched_getscheduler(t->tid);
	nice = getpriority(PRIO_PROCESS, t->tid);
	if (policy != t->policy || (t->policy != SCHED_IDLE && nice != t->nice) || errno) {
		fail("%s %d: policy %d nice %d, expected %d %d", who, t->tid, policy, nice,
		     t->policy, t->nice);
		return 1;
	}
	return 0;
}

static void *thread_fn(void *arg)
{
	if (apply(arg)) {
		pr_perror("can't set the scheduling of a thread");
		exit(1);
	}
	pthread_barrier_wait(&ready);
	test_waitsig();
	pthread_barrier_wait(&done);
	return NULL;
}

int main(int argc, char **argv)
{
	struct task child = { SCHED_OTHER, 11 };
	pthread_t th[NTHREADS];
	unsigned int i;
	int p[2], status, ret = 0;
	pid_t pid;

	test_init(argc, argv);
	if (pipe(p)) {
		pr_perror("pipe");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		if (apply(&child) || write(p[1], "x", 1) != 1)
			_exit(2);
		close(p[1]);
		test_waitsig();
		_exit(check(&child, "child"));
	}
	close(p[1]);
	if (read_data(p[0], (char[1]){}, 1)) {
		pr_err("the child failed");
		return 1;
	}
	close(p[0]);

	pthread_barrier_init(&ready, NULL, NTHREADS);
	pthread_barrier_init(&done, NULL, NTHREADS);
	/* threads first: they must not inherit a nice value above their own */
	for (i = 1; i < NTHREADS; i++) {
		if (pthread_create(&th[i], NULL, thread_fn, &tasks[i])) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	if (apply(&tasks[0])) {
		pr_perror("can't set the scheduling");
		return 1;
	}
	pthread_barrier_wait(&ready);
	for (i = 0; i < NTHREADS; i++) {
		if (sched_getscheduler(tasks[i].tid) != tasks[i].policy) {
			pr_err("thread %u has policy %d", i, sched_getscheduler(tasks[i].tid));
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < NTHREADS; i++)
		ret |= check(&tasks[i], "thread");
	pthread_barrier_wait(&done);
	for (i = 1; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
