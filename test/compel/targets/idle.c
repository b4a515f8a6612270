// SPDX-License-Identifier: GPL-2.0
/*
 * Waits for a line from the test, then says "done" and how many signals
 * its handlers saw.  SIGUSR1 is blocked until the line comes.
 */

#include <signal.h>
#include <string.h>

#include "target.h"

static volatile sig_atomic_t usr1_count, usr2_count, rt_count, trap_count;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		usr1_count++;
	else if (sig == SIGUSR2)
		usr2_count++;
	else if (sig == SIGTRAP)
		trap_count++;
	else
		rt_count++;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigset_t set;
	char buf[16];

	/* Programs may ignore SIGTRAP, which compel's breakpoints must not undo. */
	if (argc > 1 && !strcmp(argv[1], "ignore-sigtrap"))
		signal(SIGTRAP, SIG_IGN);
	else
		sigaction(SIGTRAP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	/* Never raised: it is there to be seen, and kept, by compel. */
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGRTMIN, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	target_say("ready\n");
	if (read(0, buf, sizeof(buf)) <= 0)
		return 1;
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	target_say("done usr1=%d usr2=%d rt=%d trap=%d\n", (int)usr1_count, (int)usr2_count,
		   (int)rt_count, (int)trap_count);
	return 0;
}
