// SPDX-License-Identifier: GPL-2.0
/*
 * Parent-death signals: a child has PR_SET_PDEATHSIG SIGUSR2, its child
 * (a grandchild of the test, which is a child subreaper) has SIGINT.
 * After restore each checks its PR_GET_PDEATHSIG; then the child exits and
 * the grandchild must receive SIGINT and be reparented to the test.
 */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "zdtmtst.h"

static volatile sig_atomic_t got_int;

static void on_int(int sig)
{
	got_int = 1;
}

static int pdeathsig(void)
{
	int sig = -1;

	if (prctl(PR_GET_PDEATHSIG, (unsigned long)&sig, 0, 0, 0))
		return -1;
	return sig;
}

static void grandchild(int wfd)
{
	struct sigaction sa = { .sa_handler = on_int };
	sigset_t set, old;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (prctl(PR_SET_PDEATHSIG, SIGINT, 0, 0, 0) || write(wfd, "x", 1) != 1)
		_exit(2);
	close(wfd);
	/* not test_waitsig: the parent's death, not SIGTERM, wakes us */
	while (!got_int)
		sigsuspend(&old);
	if (pdeathsig() != SIGINT) {
		fail("grandchild: pdeathsig %d, expected %d", pdeathsig(), SIGINT);
		_exit(1);
	}
	_exit(0);
}

static void child(int wfd, int gc_wfd)
{
	pid_t pid = fork();

	if (pid < 0)
		_exit(2);
	if (pid == 0) {
		close(wfd);
		grandchild(gc_wfd);
	}
	close(gc_wfd);
	if (prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0) ||
	    write(wfd, &pid, sizeof(pid)) != sizeof(pid))
		_exit(2);
	close(wfd);
	test_waitsig();
	if (pdeathsig() != SIGUSR2) {
		fail("child: pdeathsig %d, expected %d", pdeathsig(), SIGUSR2);
		_exit(1);
	}
	/* exit without reaping: the grandchild gets SIGINT */
	_exit(0);
}

int main(int argc, char **argv)
{
	int p[2], q[2], status, ret = 0;
	time_t deadline;
	pid_t pid, gc, w;

	test_init(argc, argv);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) {
		pr_perror("PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	if (pipe(p) || pipe(q)) {
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
		close(q[0]);
		child(p[1], q[1]);
	}
	close(p[1]);
	close(q[1]);
	/* the grandchild's pid from the child, a byte from the grandchild */
	if (read_data(p[0], &gc, sizeof(gc)) || read_data(q[0], (char[1]){}, 1)) {
		pr_err("the child failed");
		return 1;
	}
	close(p[0]);
	close(q[0]);

	test_daemon();
	test_waitsig();

	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	deadline = time(NULL) + 60;
	while ((w = waitpid(gc, &status, WNOHANG)) == 0 && time(NULL) < deadline)
		usleep(10000);
	if (w != gc) {
		fail("the grandchild %d did not end on its parent's death", gc);
		kill(gc, SIGKILL);
		waitpid(gc, &status, 0);
		ret = 1;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the grandchild ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
