// SPDX-License-Identifier: GPL-2.0
/*
 * Runner self-test: leaves behind a process in a session of its own (out of
 * reach of a kill by session or group), which the runner, as a child
 * subreaper, inherits and must kill and reap.  If ZDTM_ORPHAN_PIDFILE is
 * set, the orphan's pid is written there.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

static void record(pid_t orphan)
{
	const char *path = getenv("ZDTM_ORPHAN_PIDFILE");
	char buf[32];
	int fd, len;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return;
	len = snprintf(buf, sizeof(buf), "%d\n", orphan);
	write_data(fd, buf, len);
	close(fd);
}

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	test_init(argc, argv);

	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		/* middle process: start the orphan, record it and exit */
		pid = fork();
		if (pid < 0)
			_exit(1);
		if (pid > 0) {
			record(pid);
			_exit(0);
		}
		setsid();
		signal(SIGTERM, SIG_IGN);
		for (;;)
			pause();
	}
	if (waitpid(pid, &status, 0) != pid || status) {
		pr_err("middle process failed");
		return 1;
	}

	test_daemon();
	test_waitsig();
	pass();
	return 0;
}
