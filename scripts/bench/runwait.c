// SPDX-License-Identifier: GPL-2.0
/*
 * Run a command and report its wall time and peak RSS.
 *
 * The kernel carries the RSS high-water mark of a process across execve,
 * so a program started straight from python3 would report python's RSS as
 * its own peak.  This launcher is small (its own mark is about 1 MiB, the
 * floor of every figure it reports), forks, execs the command, waits for it
 * with wait4 and writes "WALL_NS MAXRSS_KB STATUS" into RESULT_FILE.
 * It exits with the command's exit code (128+N if killed by signal N).
 *
 * usage: runwait RESULT_FILE COMMAND [ARGS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long long t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: %s RESULT_FILE COMMAND [ARGS...]\n", argv[0]);
		return 127;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("execvp");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("wait4");
		return 127;
	}
	t1 = now_ns();
	f = fopen(argv[1], "w");
	if (!f) {
		perror("fopen");
		return 127;
	}
	fprintf(f, "%llu %ld %d\n", t1 - t0, ru.ru_maxrss, status);
	if (fclose(f))
		return 127;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
