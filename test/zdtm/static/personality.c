// SPDX-License-Identifier: GPL-2.0
/*
 * Execution domain flags: the test runs with ADDR_NO_RANDOMIZE | UNAME26,
 * a child with ADDR_COMPAT_LAYOUT | STICKY_TIMEOUTS | SHORT_INODE.  After
 * restore each must have its own personality back, and uname must report a
 * 2.6 release to the UNAME26 process only.
 */
#include <signal.h>
#include <sys/personality.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define PERS_TEST (ADDR_NO_RANDOMIZE | UNAME26)
#define PERS_CHILD (ADDR_COMPAT_LAYOUT | STICKY_TIMEOUTS | SHORT_INODE)

static int check(int want, const char *who)
{
	struct utsname u;
	int now = personality(0xffffffff);
	int ret = 0;

	if (now != want) {
		fail("%s: personality %#x, expected %#x", who, now, want);
		ret = 1;
	}
	if (uname(&u)) {
		fail("uname");
		return 1;
	}
	if (!strncmp(u.release, "2.6.", 4) != !!(want & UNAME26)) {
		fail("%s: uname release %s", who, u.release);
		ret = 1;
	}
	return ret;
}

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
		if (personality(PERS_CHILD) < 0 || write(p[1], "x", 1) != 1)
			_exit(2);
		close(p[1]);
		test_waitsig();
		_exit(check(PERS_CHILD, "child"));
	}
	close(p[1]);
	if (read_data(p[0], (char[1]){}, 1)) {
		pr_err("the child failed");
		return 1;
	}
	close(p[0]);
	if (personality(PERS_TEST) < 0 || personality(0xffffffff) != PERS_TEST) {
		pr_perror("personality");
		return 1;
	}

	test_daemon();
	test_waitsig();

	ret = check(PERS_TEST, "test");
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
