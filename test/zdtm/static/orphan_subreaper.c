// SPDX-License-Identifier: GPL-2.0
/*
 * The test is a child subreaper; a grandchild whose parent exited was
 * reparented to it.  After restore the test must still be a subreaper and
 * the orphan must still be its child (getppid, and waitpid works) and not a
 * subreaper itself (fork does not pass the flag on).
 */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "zdtmtst.h"

static pid_t my_pid;

static int is_subreaper(void)
{
	int v = -1;

	if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&v, 0, 0, 0))
		return -1;
	return v;
}

int main(int argc, char **argv)
{
	pid_t mid, orphan;
	int p[2], status, ret = 0;

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
	mid = test_fork();
	if (mid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (mid == 0) {
		orphan = fork();
		if (orphan < 0)
			_exit(2);
		if (orphan > 0) {
			if (write(p[1], &orphan, sizeof(orphan)) != sizeof(orphan))
				_exit(2);
			_exit(0);
		}
		close(p[0]);
		/* the inherited subreaper flag is cleared by fork */
		while (getppid() != my_pid)
			usleep(1000);
		if (write(p[1], "x", 1) != 1)
			_exit(2);
		close(p[1]);
		test_waitsig();
		if (getppid() != my_pid) {
			fail("orphan: parent %d, expected %d", getppid(), my_pid);
			_exit(1);
		}
		if (is_subreaper() != 0) {
			fail("orphan: subreaper flag %d, expected 0", is_subreaper());
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	if (read_data(p[0], &orphan, sizeof(orphan))) {
		pr_perror("no orphan");
		return 1;
	}
	if (waitpid(mid, &status, 0) != mid || status) {
		pr_err("middle process ended with 0x%x", status);
		return 1;
	}
	if (read_data(p[0], (char[1]){}, 1)) {
		pr_perror("orphan not ready");
		return 1;
	}
	close(p[0]);

	test_daemon();
	test_waitsig();

	if (is_subreaper() != 1) {
		fail("subreaper flag %d, expected 1", is_subreaper());
		ret = 1;
	}
	kill(orphan, SIGTERM);
	if (waitpid(orphan, &status, 0) != orphan) {
		fail("the orphan %d is not our child", orphan);
		ret = 1;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the orphan ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
