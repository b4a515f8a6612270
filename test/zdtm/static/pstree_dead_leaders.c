// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions and process groups whose leaders are gone: a session leader and
 * a group leader exited and were reaped while a child of theirs lives on in
 * their session or group (reparented to the test, a child subreaper).
 * Restore has to recreate both without the leaders, whose pids must stay
 * free afterwards.  With ZOMBIES (zombie_leaders) the leaders are not
 * reaped: they must come back as zombies with their exit codes.
 */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "zdtmtst.h"

enum { GROUP, SESSION, NLEADERS };

struct leader {
	pid_t pid, survivor;
	int code;
};

static struct leader leaders[NLEADERS];

static pid_t my_pid;

static void survivor(int wfd, pid_t leader)
{
	pid_t pgid, sid;

	/* wait to be reparented to the test once the leader has died */
	while (getppid() != my_pid)
		usleep(1000);
	pgid = getpgid(0);
	sid = getsid(0);
	if (write(wfd, "x", 1) != 1)
		_exit(2);
	close(wfd);
	test_waitsig();
	if (getppid() != my_pid || getpgid(0) != pgid || getsid(0) != sid) {
		fail("survivor of %d: ppid %d pgid %d sid %d, expected %d %d %d", leader, getppid(),
		     getpgid(0), getsid(0), my_pid, pgid, sid);
		_exit(1);
	}
	_exit(0);
}

static void start_leader(struct leader *l, int session, int wfd)
{
	pid_t pid;
	int p[2];

	if (pipe(p)) {
		pr_perror("pipe");
		exit(1);
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		exit(1);
	}
	if (pid == 0) {
		pid_t s;

		close(p[0]);
		if (session ? setsid() < 0 : setpgid(0, 0) < 0)
			_exit(2);
		s = fork();
		if (s < 0)
			_exit(2);
		if (s == 0) {
			close(p[1]);
			survivor(wfd, getppid());
		}
		if (write(p[1], &s, sizeof(s)) != sizeof(s))
			_exit(2);
		_exit(l->code);
	}
	close(p[1]);
	if (read(p[0], &l->survivor, sizeof(pid_t)) != sizeof(pid_t)) {
		pr_err("leader %d failed", pid);
		exit(1);
	}
	close(p[0]);
	l->pid = pid;
#ifdef ZOMBIES
	if (waitid(P_PID, pid, &(siginfo_t){}, WEXITED | WNOWAIT)) {
		pr_perror("waitid");
		exit(1);
	}
#else
	{
		int status;

		if (waitpid(pid, &status, 0) != pid || status) {
			pr_err("leader %d ended with 0x%x", pid, status);
			exit(1);
		}
	}
#endif
}

int main(int argc, char **argv)
{
	int i, p[2], status, ret = 0;
	char buf[NLEADERS];

	test_init(argc, argv);
	my_pid = getpid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) {
		pr_perror("PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	if (pipe(p)) {
		pr_perror("pipe");
		return 1;
	}
#ifdef ZOMBIES
	leaders[GROUP].code = 3;
	leaders[SESSION].code = 4;
#endif
	for (i = 0; i < NLEADERS; i++)
		start_leader(&leaders[i], i == SESSION, p[1]);
	close(p[1]);
	if (read_data(p[0], buf, sizeof(buf))) {
		pr_perror("survivors not ready");
		return 1;
	}
	close(p[0]);
	if (getpgid(leaders[GROUP].survivor) != leaders[GROUP].pid ||
	    getsid(leaders[SESSION].survivor) != leaders[SESSION].pid) {
		pr_err("set-up went wrong");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getpgid(leaders[GROUP].survivor) != leaders[GROUP].pid) {
		fail("survivor %d is in group %d, expected %d", leaders[GROUP].survivor,
		     getpgid(leaders[GROUP].survivor), leaders[GROUP].pid);
		ret = 1;
	}
	if (getsid(leaders[SESSION].survivor) != leaders[SESSION].pid) {
		fail("survivor %d is in session %d, expected %d", leaders[SESSION].survivor,
		     getsid(leaders[SESSION].survivor), leaders[SESSION].pid);
		ret = 1;
	}
	for (i = 0; i < NLEADERS; i++) {
#ifndef ZOMBIES
		if (kill(leaders[i].pid, 0) == 0 || errno != ESRCH) {
			fail("the dead leader's pid %d is in use", leaders[i].pid);
			ret = 1;
		}
#endif
		kill(leaders[i].survivor, SIGTERM);
		if (waitpid(leaders[i].survivor, &status, 0) != leaders[i].survivor ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			fail("survivor %d ended with 0x%x", leaders[i].survivor, status);
			ret = 1;
		}
#ifdef ZOMBIES
		if (waitpid(leaders[i].pid, &status, WNOHANG) != leaders[i].pid) {
			fail("leader %d is not a zombie any more", leaders[i].pid);
			ret = 1;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != leaders[i].code) {
			fail("leader %d: status 0x%x, expected code %d", leaders[i].pid, status,
			     leaders[i].code);
			ret = 1;
		}
#endif
	}
	if (waitpid(-1, &status, WNOHANG) != -1 || errno != ECHILD) {
		fail("a child is left over");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
