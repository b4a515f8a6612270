// SPDX-License-Identifier: GPL-2.0
/* The little compel needs from /proc: task state, threads, an executable VMA. */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compel-priv/log.h"
#include "compel-priv/proc.h"

int proc_read_status(pid_t pid, pid_t tid, struct proc_status *st)
{
	char path[64], line[256];
	FILE *f;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "State:", 6))
			sscanf(line + 6, " %c", &st->state);
		else if (!strncmp(line, "SigPnd:", 7))
			st->sigpnd = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "ShdPnd:", 7))
			st->shdpnd = strtoull(line + 7, NULL, 16);
		else if (!strncmp(line, "TracerPid:", 10))
			st->tracer = atoi(line + 10);
	}
	fclose(f);
	return st->state ? 0 : -1;
}

int proc_for_each_thread(pid_t pid, int (*fn)(pid_t tid, void *arg), void *arg)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d) {
		pr_perror("can't open %s", path);
		return -1;
	}
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ret = fn(atoi(de->d_name), arg);
	}
	closedir(d);
	return ret;
}

unsigned long proc_find_exec_vma(pid_t tid, unsigned long min_size)
{
	unsigned long start, end, found = 0;
	char path[64], line[512], perms[8];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	f = fopen(path, "r");
	if (!f) {
		pr_perror("can't open %s", path);
		return 0;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3)
			continue;
		/*
		 * [vsyscall] is not a real VMA and ptrace can't write it; a shared
		 * mapping would carry the poked code into its file.
		 */
		if (strstr(line, "[vsyscall]") || perms[2] != 'x' || perms[3] != 'p' ||
		    end - start < min_size)
			continue;
		found = start;
	}
	fclose(f);
	if (!found)
		pr_err("no executable mapping in %d\n", tid);
	return found;
}
