// SPDX-License-Identifier: GPL-2.0
/*
 * Pending signals, blocked at checkpoint time: to the process (SIGUSR1 by
 * kill, SIGRTMIN+1 queued twice with sigqueue values), to a second thread
 * (SIGUSR2 by tgkill, SIGRTMIN+2 by rt_tgsigqueueinfo) and to the main
 * thread (SIGRTMIN+3 by rt_tgsigqueueinfo).  After restore the pending sets
 * in /proc must be unchanged; then each thread unblocks them and each signal
 * must be delivered exactly once, to the right thread, with its si_code,
 * si_pid and si_value, real-time ones in the order they were queued.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define MAXLOG 32

struct rec {
	int signo, code, value;
	pid_t pid, tid;
};

static struct rec logbuf[MAXLOG];
static int nlog;
static pid_t main_tid, thr_tid;
static pthread_barrier_t ready, go, done;
static sigset_t set;

static void handler(int sig, siginfo_t *si, void *uc)
{
	int i = __atomic_fetch_add(&nlog, 1, __ATOMIC_SEQ_CST);

	if (i >= MAXLOG)
		return;
	logbuf[i].signo = sig;
	logbuf[i].code = si->si_code;
	logbuf[i].value = si->si_value.sival_int;
	logbuf[i].pid = si->si_pid;
	logbuf[i].tid = syscall(SYS_gettid);
}

static int queue_to_thread(pid_t tid, int sig, int value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	return syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, sig, &si);
}

static void *thread_fn(void *arg)
{
	thr_tid = syscall(SYS_gettid);
	pthread_barrier_wait(&ready);
	test_waitsig();
	/* the main thread has taken its signals: now ours */
	pthread_barrier_wait(&go);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	pthread_barrier_wait(&done);
	return NULL;
}

static int pending_of(pid_t tid, const char *field, char *out, size_t size)
{
	char path[64], buf[4096], *p;

	ssprintf(path, "/proc/self/task/%d/status", tid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, field);
	if (!p)
		return -1;
	p += strlen(field);
	while (*p == ' ' || *p == '\t')
		p++;
	snprintf(out, size, "%.16s", p);
	return 0;
}

struct pend {
	char shd[32], main[32], thr[32];
};

static int read_pending(struct pend *p)
{
	return pending_of(main_tid, "ShdPnd:", p->shd, sizeof(p->shd)) ||
	       pending_of(main_tid, "SigPnd:", p->main, sizeof(p->main)) ||
	       pending_of(thr_tid, "SigPnd:", p->thr, sizeof(p->thr));
}

static const struct rec expected[] = {
	/* signo (0: from sigs[] below), code, value, pid (unused), tid (0: main, 1: thread) */
	{ SIGUSR1, SI_USER, 0, 0, 0 },
	{ 0 /* SIGRTMIN + 1 */, SI_QUEUE, 111, 0, 0 },
	{ 0 /* SIGRTMIN + 1 */, SI_QUEUE, 222, 0, 0 },
	{ 0 /* SIGRTMIN + 3 */, SI_QUEUE, 444, 0, 0 },
	{ SIGUSR2, SI_TKILL, 0, 0, 1 },
	{ 0 /* SIGRTMIN + 2 */, SI_QUEUE, 333, 0, 1 },
};

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
	struct pend before, after;
	int sigs[] = { SIGUSR1, SIGRTMIN + 1, SIGRTMIN + 1, SIGRTMIN + 3, SIGUSR2, SIGRTMIN + 2 };
	pthread_t th;
	unsigned int i;
	int n, ret = 0;

	test_init(argc, argv);
	main_tid = getpid();
	/* one handler at a time: deliveries are logged in the order they happen */
	sigfillset(&sa.sa_mask);
	sigemptyset(&set);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaddset(&set, sigs[i]);
		if (sigaction(sigs[i], &sa, NULL)) {
			pr_perror("sigaction");
			return 1;
		}
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		pr_perror("sigprocmask");
		return 1;
	}
	pthread_barrier_init(&ready, NULL, 2);
	pthread_barrier_init(&go, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	if (pthread_create(&th, NULL, thread_fn, NULL)) {
		pr_perror("pthread_create");
		return 1;
	}
	pthread_barrier_wait(&ready);

	if (kill(getpid(), SIGUSR1) ||
	    sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 111 }) ||
	    sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 222 }) ||
	    syscall(SYS_tgkill, getpid(), thr_tid, SIGUSR2) ||
	    queue_to_thread(thr_tid, SIGRTMIN + 2, 333) ||
	    queue_to_thread(main_tid, SIGRTMIN + 3, 444)) {
		pr_perror("can't send the signals");
		return 1;
	}
	if (read_pending(&before) || !strcmp(before.shd, before.main) ||
	    !strcmp(before.main, before.thr)) {
		pr_err("pending sets are not as they should be");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (read_pending(&after)) {
		fail("can't read the pending sets");
		ret = 1;
	} else if (strcmp(before.shd, after.shd) || strcmp(before.main, after.main) ||
		   strcmp(before.thr, after.thr)) {
		fail("pending: shared %s main %s thread %s, expected %s %s %s", after.shd,
		     after.main, after.thr, before.shd, before.main, before.thr);
		ret = 1;
	}
	/* the main thread takes the shared signals and its own */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	pthread_barrier_wait(&go);
	pthread_barrier_wait(&done);
	pthread_join(th, NULL);

	n = __atomic_load_n(&nlog, __ATOMIC_SEQ_CST);
	if (n != (int)ARRAY_SIZE(expected)) {
		fail("%d signals delivered, expected %zu", n, ARRAY_SIZE(expected));
		ret = 1;
	}
	/* each expected signal exactly once, in any order but FIFO per signal */
	for (i = 0; i < ARRAY_SIZE(expected); i++) {
		const struct rec *e = &expected[i];
		int signo = e->signo ? e->signo : sigs[i];
		pid_t tid = e->tid ? thr_tid : main_tid;
		int j, found = 0;

		for (j = 0; j < n && j < MAXLOG; j++) {
			const struct rec *r = &logbuf[j];

			if (r->signo != signo || (e->code == SI_QUEUE && r->value != e->value))
				continue;
			found++;
			if (r->code != e->code || r->pid != getpid() || r->tid != tid) {
				fail("signal %d (value %d): code %d pid %d in %d, expected %d %d "
				     "in %d",
				     signo, r->value, r->code, r->pid, r->tid, e->code, getpid(),
				     tid);
				ret = 1;
			}
		}
		if (found != 1) {
			fail("signal %d (value %d) delivered %d times", signo, e->value, found);
			ret = 1;
		}
	}
	if (!ret) {
		int first = -1, second = -1, j;

		for (j = 0; j < n && j < MAXLOG; j++) {
			if (logbuf[j].signo == SIGRTMIN + 1 && logbuf[j].value == 111)
				first = j;
			if (logbuf[j].signo == SIGRTMIN + 1 && logbuf[j].value == 222)
				second = j;
		}
		if (first > second) {
			fail("the queued SIGRTMIN+1 came out of order");
			ret = 1;
		}
	}
	if (read_pending(&after) == 0 &&
	    (strcmp(after.shd, "0000000000000000") || strcmp(after.main, "0000000000000000"))) {
		fail("signals still pending: shared %s main %s", after.shd, after.main);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
