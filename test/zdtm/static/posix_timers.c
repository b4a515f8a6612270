// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX timers of several clocks and notification kinds: CLOCK_REALTIME
 * and CLOCK_PROCESS_CPUTIME_ID with signals, CLOCK_MONOTONIC with
 * SIGEV_NONE, CLOCK_BOOTTIME with SIGEV_THREAD_ID to a second thread, all
 * armed far ahead, and a fast periodic CLOCK_MONOTONIC timer whose signal
 * is blocked (it piles up overruns).  After restore /proc/self/timers must
 * be identical (ids, signals, notification, clocks), every timer must keep
 * its interval with no more time left than before (but some), and the
 * fast timer, unblocked, must deliver its signal with its value, id and
 * overruns (at least those since restore), and keep firing.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#include "zdtmtst.h"

#define NTIMERS 5
#define FAST 4

struct tmr {
	clockid_t clock;
	int notify, sig, value;
	struct itimerspec its;
	timer_t id;
	struct itimerspec before;
};

static struct tmr tmrs[NTIMERS] = {
	{ CLOCK_REALTIME, SIGEV_SIGNAL, 0, 100, { { 0, 0 }, { 3000, 1234 } } },
	{ CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, { { 1000, 0 }, { 2000, 0 } } },
	{ CLOCK_BOOTTIME, SIGEV_THREAD_ID, 0, 200, { { 500, 5 }, { 4000, 0 } } },
	{ CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL, 0, 300, { { 0, 0 }, { 5000, 0 } } },
	{ CLOCK_MONOTONIC, SIGEV_SIGNAL, 0, 400, { { 0, 10000000 }, { 0, 10000000 } } },
};

static volatile int fast_hits, fast_overrun, fast_value, other_hits;
static volatile timer_t fast_id;
static pid_t thr_tid;
static pthread_barrier_t ready, done;

static void handler(int sig, siginfo_t *si, void *uc)
{
	if (sig != tmrs[FAST].sig) {
		other_hits++;
		return;
	}
	if (!fast_hits) {
		fast_overrun = si->si_overrun;
		fast_value = si->si_value.sival_int;
		fast_id = (timer_t)(long)si->si_timerid;
	}
	fast_hits++;
}

static void *thread_fn(void *arg)
{
	thr_tid = syscall(SYS_gettid);
	pthread_barrier_wait(&ready);
	test_waitsig();
	pthread_barrier_wait(&done);
	return NULL;
}

static long long ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

int main(int argc, char **argv)
{
	static char timers_before[4096], timers_after[4096];
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO | SA_RESTART };
	struct itimerspec now;
	sigset_t blocked;
	pthread_t th;
	time_t deadline;
	int i, hits, ret = 0;

	test_init(argc, argv);
	sigemptyset(&sa.sa_mask);
	sigemptyset(&blocked);
	for (i = 0; i < NTIMERS; i++) {
		tmrs[i].sig = SIGRTMIN + 1 + i;
		if (sigaction(tmrs[i].sig, &sa, NULL)) {
			pr_perror("sigaction");
			return 1;
		}
	}
	sigaddset(&blocked, tmrs[FAST].sig);
	if (sigprocmask(SIG_BLOCK, &blocked, NULL)) {
		pr_perror("sigprocmask");
		return 1;
	}
	pthread_barrier_init(&ready, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	if (pthread_create(&th, NULL, thread_fn, NULL)) {
		pr_perror("pthread_create");
		return 1;
	}
	pthread_barrier_wait(&ready);

	for (i = 0; i < NTIMERS; i++) {
		struct tmr *t = &tmrs[i];
		struct sigevent sev;

		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = t->notify;
		sev.sigev_signo = t->sig;
		sev.sigev_value.sival_int = t->value;
		if (t->notify == SIGEV_THREAD_ID)
			sev._sigev_un._tid = thr_tid; /* sigev_notify_thread_id */
		if (timer_create(t->clock, &sev, &t->id)) {
			pr_perror("timer_create %d", i);
			return 1;
		}
		if (timer_settime(t->id, 0, &t->its, NULL)) {
			pr_perror("timer_settime %d", i);
			return 1;
		}
	}
	/* let the fast one expire and pile up overruns */
	for (;;) {
		sigset_t pending;

		if (sigpending(&pending) || sigismember(&pending, tmrs[FAST].sig))
			break;
		usleep(1000);
	}
	usleep(50000);
	for (i = 0; i < NTIMERS; i++) {
		if (timer_gettime(tmrs[i].id, &tmrs[i].before)) {
			pr_perror("timer_gettime");
			return 1;
		}
	}
	if (read_file("/proc/self/timers", timers_before, sizeof(timers_before)) <= 0) {
		pr_perror("read /proc/self/timers");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (read_file("/proc/self/timers", timers_after, sizeof(timers_after)) <= 0 ||
	    strcmp(timers_before, timers_after)) {
		fail("/proc/self/timers differs");
		test_msg("before:\n%s\nafter:\n%s\n", timers_before, timers_after);
		ret = 1;
	}
	for (i = 0; i < NTIMERS; i++) {
		struct tmr *t = &tmrs[i];

		if (timer_gettime(t->id, &now)) {
			fail("timer %d: timer_gettime", i);
			ret = 1;
			continue;
		}
		if (ns(&now.it_interval) != ns(&t->before.it_interval)) {
			fail("timer %d: interval %lld ns, expected %lld", i, ns(&now.it_interval),
			     ns(&t->before.it_interval));
			ret = 1;
		}
		/* the fast one cycles: only check that it is armed */
		if (ns(&now.it_value) <= 0 ||
		    (i != FAST && ns(&now.it_value) > ns(&t->before.it_value))) {
			fail("timer %d: %lld ns left, had %lld", i, ns(&now.it_value),
			     ns(&t->before.it_value));
			ret = 1;
		}
	}

	/*
	 * While its signal is pending no interface tells how many expiries a
	 * timer has gathered, so the overruns from before the dump cannot be
	 * carried over; those after restore must keep adding up.  Let a few
	 * intervals pass so that they are there whatever the restore took.
	 */
	usleep(3 * tmrs[FAST].its.it_interval.tv_nsec / 1000);
	sigprocmask(SIG_UNBLOCK, &blocked, NULL);
	deadline = time(NULL) + 60;
	while (fast_hits < 3 && time(NULL) < deadline)
		usleep(1000);
	hits = fast_hits;
	if (hits < 3) {
		fail("the fast timer fired %d times", hits);
		ret = 1;
	} else if (fast_value != tmrs[FAST].value || fast_id != tmrs[FAST].id ||
		   fast_overrun <= 0) {
		fail("fast timer signal: value %d id %p overrun %d, expected %d %p >0", fast_value,
		     fast_id, fast_overrun, tmrs[FAST].value, tmrs[FAST].id);
		ret = 1;
	}
	if (other_hits) {
		fail("%d signals from the slow timers", other_hits);
		ret = 1;
	}
	pthread_barrier_wait(&done);
	pthread_join(th, NULL);
	if (!ret)
		pass();
	return 0;
}
