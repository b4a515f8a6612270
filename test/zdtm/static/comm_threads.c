// SPDX-License-Identifier: GPL-2.0
/*
 * Task names: the test, a child and three threads each get their own name
 * (prctl PR_SET_NAME, pthread_setname_np).  After restore the names must
 * be back, as told by PR_GET_NAME in each task and by
 * /proc/self/task/TID/comm.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define NTHREADS 3

struct thr {
	pthread_t handle;
	pid_t tid;
	char name[16];
	int failed;
};

static struct thr thr[NTHREADS + 1];
static pthread_barrier_t ready, done;

static int check_self(const char *want)
{
	char now[17] = {};

	if (prctl(PR_GET_NAME, now, 0, 0, 0) || strcmp(now, want)) {
		fail("name \"%s\", expected \"%s\"", now, want);
		return 1;
	}
	return 0;
}

static int check_comm(pid_t tid, const char *want)
{
	char path[64], buf[64];

	ssprintf(path, "/proc/self/task/%d/comm", tid);
	if (read_file(path, buf, sizeof(buf)) < 0) {
		fail("can't read %s", path);
		return 1;
	}
	buf[strcspn(buf, "\n")] = 0;
	if (strcmp(buf, want)) {
		fail("task %d: comm \"%s\", expected \"%s\"", tid, buf, want);
		return 1;
	}
	return 0;
}

static void *thread_fn(void *arg)
{
	struct thr *t = arg;

	t->tid = syscall(SYS_gettid);
	prctl(PR_SET_NAME, t->name, 0, 0, 0);
	pthread_barrier_wait(&ready);
	test_waitsig();
	t->failed = check_self(t->name);
	pthread_barrier_wait(&done);
	return NULL;
}

int main(int argc, char **argv)
{
	int i, p[2], status, ret = 0;
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
		if (prctl(PR_SET_NAME, "zdtm child", 0, 0, 0) || write(p[1], "x", 1) != 1)
			_exit(2);
		close(p[1]);
		test_waitsig();
		_exit(check_self("zdtm child") | check_comm(getpid(), "zdtm child"));
	}
	close(p[1]);
	if (read_data(p[0], (char[1]){}, 1)) {
		pr_err("the child failed");
		return 1;
	}
	close(p[0]);

	pthread_barrier_init(&ready, NULL, NTHREADS + 1);
	pthread_barrier_init(&done, NULL, NTHREADS + 1);
	strcpy(thr[0].name, "zdtm-main-thr");
	thr[0].tid = getpid();
	if (prctl(PR_SET_NAME, thr[0].name, 0, 0, 0)) {
		pr_perror("PR_SET_NAME");
		return 1;
	}
	for (i = 1; i <= NTHREADS; i++) {
		/* 15 characters: the longest name there is */
		snprintf(thr[i].name, sizeof(thr[i].name), "worker#%d-abcdef", i);
		if (pthread_create(&thr[i].handle, NULL, thread_fn, &thr[i])) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&ready);

	test_daemon();
	test_waitsig();

	ret = check_self(thr[0].name);
	for (i = 0; i <= NTHREADS; i++)
		ret |= check_comm(thr[i].tid, thr[i].name);
	pthread_barrier_wait(&done);
	for (i = 1; i <= NTHREADS; i++) {
		pthread_join(thr[i].handle, NULL);
		ret |= thr[i].failed;
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
