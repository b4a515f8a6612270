// SPDX-License-Identifier: GPL-2.0
/*
 * A stopped process: a child stopped by SIGSTOP at checkpoint time.  After
 * restore it must still be stopped (state T), and must go on when it gets
 * SIGCONT: its parent sees it continue and exit normally.  The child waits
 * for the end of a pipe before it exits, so that the parent sees the
 * continue event before the exit, which would hide it.
 */
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	ssprintf(path, "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

int main(int argc, char **argv)
{
	int status, ret = 0, p[2];
	pid_t pid;
	char c;

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
		pid_t me = getpid();

		close(p[1]);
		raise(SIGSTOP);
		/* continued: wait for the parent's go, we must be the same process */
		if (read(p[0], &c, 1) != 0)
			_exit(2);
		_exit(getpid() == me ? 42 : 1);
	}
	close(p[0]);
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
		pr_err("the child did not stop (0x%x)", status);
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (proc_state(pid) != 'T') {
		fail("the child is in state %c, expected T", proc_state(pid));
		ret = 1;
	}
	kill(pid, SIGCONT);
	if (waitpid(pid, &status, WCONTINUED) != pid || !WIFCONTINUED(status)) {
		fail("the child did not continue (0x%x)", status);
		ret = 1;
	}
	close(p[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 42) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
