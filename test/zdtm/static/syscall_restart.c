// SPDX-License-Identifier: GPL-2.0
/*
 * Threads asleep in system calls at checkpoint time: a relative nanosleep,
 * an absolute clock_nanosleep and a pause, all far from their end.  After
 * restore none of them may have returned by itself; interrupted by a signal
 * (a handler without SA_RESTART) each must return EINTR, nanosleep with a
 * remaining time that is positive and not above what it asked for.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#include "zdtmtst.h"

#define SLEEP_SEC 100000

enum { NANOSLEEP, ABS_SLEEP, PAUSE, NTHREADS };

static const char *const names[NTHREADS] = { "nanosleep", "clock_nanosleep", "pause" };

struct thr {
	pthread_t handle;
	pid_t tid;
	volatile int returned;
	int ret, err;
	struct timespec rem;
};

static struct thr thr[NTHREADS];
static pthread_barrier_t ready;

static void on_usr1(int sig)
{
}

static void *thread_fn(void *arg)
{
	struct thr *t = arg;
	int idx = t - thr;
	struct timespec ts = { SLEEP_SEC, 0 };

	t->tid = syscall(SYS_gettid);
	pthread_barrier_wait(&ready);
	switch (idx) {
	case NANOSLEEP:
		t->ret = nanosleep(&ts, &t->rem);
		t->err = errno;
		break;
	case ABS_SLEEP:
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += SLEEP_SEC;
		/* returns the error number instead of setting errno */
		t->err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		t->ret = t->err ? -1 : 0;
		break;
	case PAUSE:
		t->ret = pause();
		t->err = errno;
		break;
	}
	t->returned = 1;
	return NULL;
}

static char task_state(pid_t tid)
{
	char path[64], buf[512], *p;

	ssprintf(path, "/proc/self/task/%d/stat", tid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t set;
	int i, ret = 0;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL)) {
		pr_perror("sigaction");
		return 1;
	}
	/* SIGTERM goes to the main thread only */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_barrier_init(&ready, NULL, NTHREADS + 1);
	for (i = 0; i < NTHREADS; i++) {
		if (pthread_create(&thr[i].handle, NULL, thread_fn, &thr[i])) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	pthread_barrier_wait(&ready);
	/* all asleep before we say we are ready */
	for (i = 0; i < NTHREADS; i++)
		while (task_state(thr[i].tid) != 'S')
			usleep(1000);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NTHREADS; i++) {
		if (thr[i].returned) {
			fail("%s returned by itself: %d (errno %d)", names[i], thr[i].ret,
			     thr[i].err);
			ret = 1;
			continue;
		}
		syscall(SYS_tgkill, getpid(), thr[i].tid, SIGUSR1);
		pthread_join(thr[i].handle, NULL);
		if (thr[i].ret != -1 || thr[i].err != EINTR) {
			fail("%s: %d (errno %d), expected EINTR", names[i], thr[i].ret, thr[i].err);
			ret = 1;
		}
	}
	if (!thr[NANOSLEEP].returned || thr[NANOSLEEP].rem.tv_sec <= 0 ||
	    thr[NANOSLEEP].rem.tv_sec >= SLEEP_SEC) {
		fail("nanosleep: %ld s left of %d", (long)thr[NANOSLEEP].rem.tv_sec, SLEEP_SEC);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
