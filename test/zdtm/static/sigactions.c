// SPDX-License-Identifier: GPL-2.0
/*
 * Signal dispositions: every catchable signal gets a handler (plain or
 * SA_SIGINFO), SIG_IGN or SIG_DFL, with assorted flags (SA_RESTART,
 * SA_SIGINFO, SA_ONSTACK, SA_NODEFER, SA_RESETHAND, SA_NOCLDSTOP) and
 * blocked masks.  After restore every sigaction must be as the kernel
 * reported it before (handler, flags, restorer, mask); then handlers must
 * still run (with siginfo for SA_SIGINFO), SA_RESETHAND must reset the
 * disposition and an ignored signal must be ignored.
 */
#include <signal.h>

#include "zdtmtst.h"

#define NSIG_ALL 65

static struct sigaction before[NSIG_ALL];
static int valid[NSIG_ALL];
static volatile int hits[NSIG_ALL];
static volatile int info_signo, info_code;

static void plain(int sig)
{
	hits[sig]++;
}

static void with_info(int sig, siginfo_t *si, void *uc)
{
	hits[sig]++;
	info_signo = si->si_signo;
	info_code = si->si_code;
}

static int set(int sig, int mode)
{
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* a mask of its own for each signal */
	for (i = 1; i < NSIG_ALL; i++)
		if (i != sig && (i + sig) % 5 == 0 && i != SIGKILL && i != SIGSTOP)
			sigaddset(&sa.sa_mask, i);
	switch (mode) {
	case 0:
		sa.sa_handler = plain;
		sa.sa_flags = SA_RESTART;
		break;
	case 1:
		sa.sa_sigaction = with_info;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
		break;
	case 2:
		sa.sa_handler = SIG_IGN;
		break;
	case 3:
		sa.sa_handler = SIG_DFL;
		sa.sa_flags = SA_RESTART;
		break;
	case 4:
		sa.sa_handler = plain;
		sa.sa_flags = SA_RESETHAND | SA_NOCLDSTOP;
		break;
	}
	return sigaction(sig, &sa, NULL);
}

static int same_mask(const sigset_t *a, const sigset_t *b)
{
	int i;

	for (i = 1; i < NSIG_ALL; i++)
		if (sigismember(a, i) != sigismember(b, i))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	struct sigaction now;
	int sig, ret = 0;

	test_init(argc, argv);
	for (sig = 1; sig < NSIG_ALL; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* SIGTERM is the library's; glibc keeps some real-time signals */
		if (sig != SIGTERM && set(sig, sig % 5)) {
			if (errno == EINVAL)
				continue;
			pr_perror("sigaction(%d)", sig);
			return 1;
		}
		if (sigaction(sig, NULL, &before[sig])) {
			pr_perror("sigaction(%d)", sig);
			return 1;
		}
		valid[sig] = 1;
	}
	/* the ones used below */
	if (set(SIGUSR1, 1) || set(SIGUSR2, 2) || set(SIGRTMIN + 4, 4) || set(SIGHUP, 0) ||
	    sigaction(SIGUSR1, NULL, &before[SIGUSR1]) ||
	    sigaction(SIGUSR2, NULL, &before[SIGUSR2]) ||
	    sigaction(SIGRTMIN + 4, NULL, &before[SIGRTMIN + 4]) ||
	    sigaction(SIGHUP, NULL, &before[SIGHUP])) {
		pr_perror("sigaction");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (sig = 1; sig < NSIG_ALL; sig++) {
		if (!valid[sig])
			continue;
		if (sigaction(sig, NULL, &now)) {
			fail("sigaction(%d)", sig);
			ret = 1;
			continue;
		}
		if (now.sa_handler != before[sig].sa_handler ||
		    now.sa_flags != before[sig].sa_flags ||
		    now.sa_restorer != before[sig].sa_restorer ||
		    !same_mask(&now.sa_mask, &before[sig].sa_mask)) {
			fail("signal %d: handler %p flags %#x restorer %p, expected %p %#x %p%s",
			     sig, now.sa_handler, now.sa_flags, now.sa_restorer,
			     before[sig].sa_handler, before[sig].sa_flags, before[sig].sa_restorer,
			     same_mask(&now.sa_mask, &before[sig].sa_mask) ? "" :
									     " (mask differs)");
			ret = 1;
		}
	}

	raise(SIGHUP);
	raise(SIGUSR1);
	raise(SIGUSR2);
	raise(SIGRTMIN + 4);
	if (hits[SIGHUP] != 1) {
		fail("SIGHUP: handler ran %d times", hits[SIGHUP]);
		ret = 1;
	}
	if (hits[SIGUSR1] != 1 || info_signo != SIGUSR1 || info_code != SI_TKILL) {
		fail("SIGUSR1: handler ran %d times, si_signo %d si_code %d", hits[SIGUSR1],
		     info_signo, info_code);
		ret = 1;
	}
	if (hits[SIGUSR2]) {
		fail("SIGUSR2 is not ignored");
		ret = 1;
	}
	if (hits[SIGRTMIN + 4] != 1) {
		fail("SIGRTMIN+4: handler ran %d times", hits[SIGRTMIN + 4]);
		ret = 1;
	}
	if (sigaction(SIGRTMIN + 4, NULL, &now) || now.sa_handler != SIG_DFL) {
		fail("SA_RESETHAND did not reset the handler of SIGRTMIN+4");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
