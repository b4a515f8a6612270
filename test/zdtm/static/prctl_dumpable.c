// SPDX-License-Identifier: GPL-2.0
/*
 * The dumpable flag: the test clears it (PR_SET_DUMPABLE 0), its child
 * keeps it set.  After restore each must have its own value back.
 */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "zdtmtst.h"

int main(int argc, char **argv)
{
	int p[2], status, ret = 0;
	pid_t pid;

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
		close(p[0]);
		if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1 || write(p[1], "x", 1) != 1)
			_exit(2);
		close(p[1]);
		test_waitsig();
		if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1) {
			fail("child: dumpable %d, expected 1", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	if (read_data(p[0], (char[1]){}, 1)) {
		pr_err("the child failed");
		return 1;
	}
	close(p[0]);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		pr_perror("PR_SET_DUMPABLE");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) {
		fail("dumpable %d, expected 0", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
		ret = 1;
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
