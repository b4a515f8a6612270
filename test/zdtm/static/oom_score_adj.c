// SPDX-License-Identifier: GPL-2.0
/*
 * OOM killer adjustment: the test sets /proc/self/oom_score_adj to 500,
 * its child raises it to 600 (raising needs no privilege).  After restore each
 * must read its own value back.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

static int set_adj(int v)
{
	char buf[16];
	int fd, len, ret = 0;

	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%d", v);
	if (write(fd, buf, len) != len)
		ret = -1;
	close(fd);
	return ret;
}

static int get_adj(void)
{
	char buf[16];

	if (read_file("/proc/self/oom_score_adj", buf, sizeof(buf)) < 0)
		return -10000;
	return atoi(buf);
}

int main(int argc, char **argv)
{
	int p[2], status, ret = 0;
	pid_t pid;

	test_init(argc, argv);
	if (set_adj(500) || get_adj() != 500) {
		pr_perror("can't set oom_score_adj");
		return 1;
	}
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
		/* raising it needs no privilege, lowering it would */
		if (set_adj(600) || get_adj() != 600 || write(p[1], "x", 1) != 1)
			_exit(2);
		close(p[1]);
		test_waitsig();
		if (get_adj() != 600) {
			fail("child: oom_score_adj %d, expected 600", get_adj());
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

	test_daemon();
	test_waitsig();

	if (get_adj() != 500) {
		fail("oom_score_adj %d, expected 500", get_adj());
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
