// SPDX-License-Identifier: GPL-2.0
/* The /proc reads the tests compare before and after compel touched a task. */

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

char *proc_file(pid_t pid, const char *name)
{
	size_t size = 0, cap = 4096;
	char path[64], *buf;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	while (buf && (n = read(fd, buf + size, cap - size - 1)) > 0) {
		size += n;
		if (cap - size < 2)
			buf = realloc(buf, cap *= 2);
	}
	close(fd);
	if (buf)
		buf[size] = 0;
	return buf;
}

static int count_entries(pid_t pid, const char *dir)
{
	char path[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, dir);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

int proc_count_fds(pid_t pid)
{
	int n = count_entries(pid, "fd");

	/* Our own count includes the fd opendir() used. */
	return pid == getpid() ? n - 1 : n;
}

/* Live threads: an exited leader stays listed as a zombie. */
int proc_count_tasks(pid_t pid)
{
	char path[64], name[300], *status;
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "task/%s/status", de->d_name);
		status = proc_file(pid, name);
		n += status && !strstr(status, "State:\tZ");
		free(status);
	}
	closedir(d);
	return n;
}

long proc_status_value(pid_t pid, const char *key)
{
	char *status = proc_file(pid, "status"), *p;
	long val = -1;

	if (!status)
		return -1;
	p = strstr(status, key);
	if (p)
		val = strtol(p + strlen(key) + 1, NULL, 10);
	free(status);
	return val;
}

char proc_state(pid_t pid)
{
	char *status = proc_file(pid, "status"), *p, state = 0;

	if (!status)
		return 0;
	p = strstr(status, "State:");
	if (p)
		state = p[7];
	free(status);
	return state;
}

int wait_state(pid_t pid, char state)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (proc_state(pid) == state)
			return 0;
		usleep(10000);
	}
	fprintf(stderr, "%d never got into state %c\n", pid, state);
	return -1;
}
