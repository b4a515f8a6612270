// SPDX-License-Identifier: GPL-2.0
/* Starting the target programs and talking to them over two pipes. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static int target_path(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -1;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = 0;
	snprintf(buf, len, "%s/../compel-targets/%s", self, name);
	return 0;
}

int target_start(struct target *t, const char *name, const char *arg)
{
	char path[PATH_MAX + 64], line[64];
	int in[2], out[2];

	if (target_path(name, path, sizeof(path)) || pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -1;
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (!t->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(path, name, arg, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	t->to = in[1];
	t->from = out[0];
	if (target_read_line(t, line, sizeof(line), 10000) || strcmp(line, "ready")) {
		fprintf(stderr, "target %s did not get ready\n", name);
		target_kill(t);
		return -1;
	}
	return 0;
}

int target_read_line(struct target *t, char *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = t->from, .events = POLLIN };
	size_t n = 0;

	while (n + 1 < len) {
		if (poll(&pfd, 1, timeout_ms) <= 0 || read(t->from, buf + n, 1) != 1)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = 0;
	return 0;
}

int target_write(struct target *t, const char *s)
{
	size_t len = strlen(s);

	return write(t->to, s, len) == (ssize_t)len ? 0 : -1;
}

int target_wait(struct target *t)
{
	int status;

	close(t->to);
	close(t->from);
	if (waitpid(t->pid, &status, 0) != t->pid)
		return -1;
	if (WIFSIGNALED(status))
		fprintf(stderr, "target %d killed by signal %d\n", t->pid, WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void target_kill(struct target *t)
{
	kill(t->pid, SIGKILL);
	target_wait(t);
}
