// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process and per-thread prctl settings: PR_SET_THP_DISABLE and
 * PR_SET_NO_NEW_PRIVS for the process, PR_SET_TIMERSLACK different in the
 * main thread and in two other threads.  After restore each must be as it
 * was (PR_GET_*, and the THP_enabled / NoNewPrivs lines of
 * /proc/self/status and /proc/self/task/TID/timerslack_ns).
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define NTHREADS 3 /* including the main thread */

static const unsigned long slack[NTHREADS] = { 123456, 654321, 1000 };
static pid_t tids[NTHREADS];
static int failed[NTHREADS];
static pthread_barrier_t ready, done;

static int check_slack(int idx)
{
	long now = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);

	if (now != (long)slack[idx]) {
		fail("thread %d: timer slack %ld, expected %lu", idx, now, slack[idx]);
		return 1;
	}
	return 0;
}

static void *thread_fn(void *arg)
{
	int idx = (long)arg;

	tids[idx] = syscall(SYS_gettid);
	prctl(PR_SET_TIMERSLACK, slack[idx], 0, 0, 0);
	pthread_barrier_wait(&ready);
	test_waitsig();
	failed[idx] = check_slack(idx);
	pthread_barrier_wait(&done);
	return NULL;
}

static int status_field(const char *name, char *out, size_t size)
{
	char buf[4096], *p;

	if (read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, name);
	if (!p)
		return -1;
	snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
	return 0;
}

int main(int argc, char **argv)
{
	char nnp[64], thp[64], now[64];
	pthread_t th[NTHREADS];
	long i;
	int ret = 0;

	test_init(argc, argv);
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_TIMERSLACK, slack[0], 0, 0, 0)) {
		pr_perror("prctl");
		return 1;
	}
	tids[0] = getpid();
	pthread_barrier_init(&ready, NULL, NTHREADS);
	pthread_barrier_init(&done, NULL, NTHREADS);
	for (i = 1; i < NTHREADS; i++) {
		if (pthread_create(&th[i], NULL, thread_fn, (void *)i)) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&ready);
	if (status_field("NoNewPrivs:", nnp, sizeof(nnp)))
		strcpy(nnp, "none");
	/* THP_enabled appeared in 5.0 */
	if (status_field("THP_enabled:", thp, sizeof(thp)))
		strcpy(thp, "none");

	test_daemon();
	test_waitsig();

	if (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) != 1) {
		fail("THP_DISABLE is %d", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
		ret = 1;
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		fail("NO_NEW_PRIVS is %d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
		ret = 1;
	}
	if (status_field("NoNewPrivs:", now, sizeof(now)) == 0 && strcmp(now, nnp)) {
		fail("status: %s, expected %s", now, nnp);
		ret = 1;
	}
	if (status_field("THP_enabled:", now, sizeof(now)) == 0 && strcmp(now, thp)) {
		fail("status: %s, expected %s", now, thp);
		ret = 1;
	}
	ret |= check_slack(0);
	for (i = 0; i < NTHREADS; i++) {
		char path[64], buf[64];

		ssprintf(path, "/proc/self/task/%d/timerslack_ns", tids[i]);
		if (read_file(path, buf, sizeof(buf)) >= 0 && strtoul(buf, NULL, 10) != slack[i]) {
			fail("thread %ld: timerslack_ns %s", i, buf);
			ret = 1;
		}
	}
	pthread_barrier_wait(&done);
	for (i = 1; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		ret |= failed[i];
	}
	if (!ret)
		pass();
	return 0;
}
