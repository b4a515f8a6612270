// SPDX-License-Identifier: GPL-2.0
/*
 * File mode creation masks: the test has umask 027, its child 0751.  After
 * restore each must have its own (umask and the Umask line of
 * /proc/self/status), and a new file must get its mode through it.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtmtst.h"

static int check(mode_t want, const char *file)
{
	char buf[4096], *p;
	struct stat st;
	mode_t now;
	int fd, ret = 0;

	now = umask(want);
	if (now != want) {
		fail("%s: umask %#o, expected %#o", file, now, want);
		ret = 1;
	}
	if (read_file("/proc/self/status", buf, sizeof(buf)) < 0 || !(p = strstr(buf, "Umask:")) ||
	    strtoul(p + 6, NULL, 8) != want) {
		fail("%s: Umask in status is not %#o", file, want);
		ret = 1;
	}
	fd = open(file, O_CREAT | O_EXCL | O_WRONLY, 0777);
	if (fd < 0 || fstat(fd, &st)) {
		fail("can't create %s", file);
		return 1;
	}
	close(fd);
	if ((st.st_mode & 0777) != (0777 & ~want)) {
		fail("%s: mode %#o, expected %#o", file, st.st_mode & 0777, 0777 & ~want);
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
		umask(0751);
		if (write(p[1], "x", 1) != 1)
			_exit(2);
		close(p[1]);
		test_waitsig();
		_exit(check(0751, "umask.child"));
	}
	close(p[1]);
	if (read_data(p[0], (char[1]){}, 1)) {
		pr_err("the child failed");
		return 1;
	}
	close(p[0]);
	umask(027);

	test_daemon();
	test_waitsig();

	ret = check(027, "umask.test");
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
