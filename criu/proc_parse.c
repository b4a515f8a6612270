// SPDX-License-Identifier: GPL-2.0
/* Parsers of /proc files: the one place that knows their formats. */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/compiler.h"
#include "log.h"
#include "proc_parse.h"

static void proc_path(char *buf, size_t len, pid_t pid, pid_t tid, const char *file)
{
	if (!pid)
		snprintf(buf, len, "/proc/self/%s", file);
	else if (tid)
		snprintf(buf, len, "/proc/%d/task/%d/%s", pid, tid, file);
	else
		snprintf(buf, len, "/proc/%d/%s", pid, file);
}

/* Reads a whole small /proc file into buf (NUL-terminated). */
ssize_t read_proc_file(const char *path, char *buf, size_t size)
{
	ssize_t n, off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		pr_perror("Can't open %s", path);
		return -1;
	}
	while ((size_t)off < size - 1) {
		n = read(fd, buf + off, size - 1 - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			pr_perror("Can't read %s", path);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		off += n;
	}
	close(fd);
	buf[off] = '\0';
	return off;
}

/* "unlimited" or a decimal number, then at least one space. */
static const char *limit_value(const char *p, uint64_t *v)
{
	char *end;

	while (*p == ' ')
		p++;
	if (!strncmp(p, "unlimited", 9)) {
		*v = RLIM_INFINITY;
		end = (char *)p + 9;
	} else {
		if (!isdigit((unsigned char)*p))
			return NULL;
		errno = 0;
		*v = strtoull(p, &end, 10);
		if (errno)
			return NULL;
	}
	return *end == ' ' ? end : NULL;
}

/*
 * The kernel prints one line per resource in RLIMIT_* order after a header:
 * the name padded to 25 columns, then soft and hard limit ("unlimited" or
 * the raw number) padded to 20, then units.
 */
int parse_limits(const char *buf, struct rlimit *rl, unsigned int nr)
{
	const char *line = strchr(buf, '\n'), *p;
	unsigned int i;
	uint64_t cur, max;

	if (strncmp(buf, "Limit ", 6) || !line)
		return -1;
	for (i = 0; i < nr; i++) {
		line++;
		if (strlen(line) < 26 || line[25] != ' ')
			return -1;
		p = limit_value(line + 26, &cur);
		if (!p || !limit_value(p, &max))
			return -1;
		rl[i].rlim_cur = cur;
		rl[i].rlim_max = max;
		line = strchr(line, '\n');
		if (!line)
			return -1;
	}
	return 0;
}

int parse_pid_limits(pid_t pid, struct rlimit *rl, unsigned int nr)
{
	char path[64], buf[4096];

	proc_path(path, sizeof(path), pid, 0, "limits");
	if (read_proc_file(path, buf, sizeof(buf)) < 0)
		return -1;
	if (parse_limits(buf, rl, nr)) {
		pr_err("%s: unexpected format\n", path);
		return -1;
	}
	return 0;
}

int parse_stat_line(const char *buf, struct proc_pid_stat *st)
{
	const char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
	size_t comm_len;
	int n;

	/* comm may hold spaces and parens: it spans from the first '(' to the last ')'. */
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -1;
	memset(st, 0, sizeof(*st));
	st->pid = atoi(buf);
	comm_len = min((size_t)(close_paren - open_paren - 1), sizeof(st->comm) - 1);
	memcpy(st->comm, open_paren + 1, comm_len);
	st->comm[comm_len] = '\0';

	n = sscanf(close_paren + 2,
		   "%c %d %d %d %d %*d %lu %*u %*u %*u %*u %*u %*u %*d %*d %ld %ld %u %*d "
		   "%llu %lu %lu %*u %lu %lu %lu %*u %*u %*u %*u %*u %*u %*u %*u %*u %d %*d "
		   "%u %u %*u %*u %*d %lu %lu %lu %lu %lu %lu %lu %d",
		   &st->state, &st->ppid, &st->pgid, &st->sid, &st->tty_nr, &st->flags,
		   &st->priority, &st->nice, &st->num_threads, &st->start_time, &st->vsize,
		   &st->rss, &st->start_code, &st->end_code, &st->start_stack, &st->exit_signal,
		   &st->rt_priority, &st->policy, &st->start_data, &st->end_data, &st->start_brk,
		   &st->arg_start, &st->arg_end, &st->env_start, &st->env_end, &st->exit_code);
	return n == 26 ? 0 : -1;
}

int parse_pid_stat(pid_t pid, pid_t tid, struct proc_pid_stat *st)
{
	char path[64], buf[4096];

	proc_path(path, sizeof(path), pid, tid, "stat");
	if (read_proc_file(path, buf, sizeof(buf)) < 0)
		return -1;
	if (parse_stat_line(buf, st)) {
		pr_err("Can't parse %s: %.200s\n", path, buf);
		return -1;
	}
	return 0;
}

static int parse_ids(const char *val, unsigned int ids[4])
{
	return sscanf(val, "%u %u %u %u", &ids[0], &ids[1], &ids[2], &ids[3]) == 4 ? 0 : -1;
}

static int parse_groups(const char *val, struct proc_status *st)
{
	char *end;

	st->ngroups = 0;
	while (*val) {
		unsigned long g;

		while (isspace((unsigned char)*val))
			val++;
		if (!*val)
			break;
		if (st->ngroups >= ARRAY_SIZE(st->groups))
			return -1;
		g = strtoul(val, &end, 10);
		if (end == val)
			return -1;
		st->groups[st->ngroups++] = (unsigned int)g;
		val = end;
	}
	return 0;
}

static int parse_nspid(const char *val, struct proc_status *st)
{
	char *end;

	st->nr_nspid = 0;
	while (*val) {
		long p = strtol(val, &end, 10);

		if (end == val)
			break;
		if (st->nr_nspid >= ARRAY_SIZE(st->nspid))
			return -1;
		st->nspid[st->nr_nspid++] = (pid_t)p;
		val = end;
	}
	return st->nr_nspid ? 0 : -1;
}

static int parse_hex(const char *val, uint64_t *v)
{
	return sscanf(val, "%" SCNx64, v) == 1 ? 0 : -1;
}

static int status_field(struct proc_status *st, const char *key, const char *val)
{
	static const struct {
		const char *key;
		size_t off;
	} hex[] = {
		{ "CapInh", offsetof(struct proc_status, cap_inh) },
		{ "CapPrm", offsetof(struct proc_status, cap_prm) },
		{ "CapEff", offsetof(struct proc_status, cap_eff) },
		{ "CapBnd", offsetof(struct proc_status, cap_bnd) },
		{ "CapAmb", offsetof(struct proc_status, cap_amb) },
		{ "SigPnd", offsetof(struct proc_status, sig_pnd) },
		{ "ShdPnd", offsetof(struct proc_status, shd_pnd) },
		{ "SigBlk", offsetof(struct proc_status, sig_blk) },
		{ "SigIgn", offsetof(struct proc_status, sig_ign) },
		{ "SigCgt", offsetof(struct proc_status, sig_cgt) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hex); i++)
		if (!strcmp(key, hex[i].key))
			return parse_hex(val, (uint64_t *)((char *)st + hex[i].off));
	if (!strcmp(key, "Uid"))
		return parse_ids(val, st->uids);
	if (!strcmp(key, "Gid"))
		return parse_ids(val, st->gids);
	if (!strcmp(key, "Groups"))
		return parse_groups(val, st);
	if (!strcmp(key, "NSpid"))
		return parse_nspid(val, st);
	if (!strcmp(key, "Tgid"))
		st->tgid = atoi(val);
	else if (!strcmp(key, "Pid"))
		st->pid = atoi(val);
	else if (!strcmp(key, "PPid"))
		st->ppid = atoi(val);
	else if (!strcmp(key, "State"))
		st->state = val[0];
	else if (!strcmp(key, "Seccomp"))
		st->seccomp_mode = atoi(val);
	else if (!strcmp(key, "NoNewPrivs"))
		st->no_new_privs = atoi(val);
	else if (!strcmp(key, "Umask"))
		st->umask = (int)strtol(val, NULL, 8);
	return 0;
}

int parse_pid_status(pid_t pid, pid_t tid, struct proc_status *st)
{
	char path[64], *line = NULL;
	size_t len = 0;
	FILE *f;
	int ret = 0;

	proc_path(path, sizeof(path), pid, tid, "status");
	f = fopen(path, "re");
	if (!f) {
		pr_perror("Can't open %s", path);
		return -1;
	}
	memset(st, 0, offsetof(struct proc_status, groups));
	st->ngroups = 0;
	st->nr_nspid = 0;
	st->seccomp_mode = 0;
	st->no_new_privs = 0;
	st->umask = -1;
	while (getline(&line, &len, f) > 0) {
		char *colon = strchr(line, ':'), *val;

		if (!colon)
			continue;
		*colon = '\0';
		val = colon + 1;
		while (*val == ' ' || *val == '\t')
			val++;
		val[strcspn(val, "\n")] = '\0';
		if (status_field(st, line, val)) {
			pr_err("Can't parse %s: field %s: %s\n", path, line, val);
			ret = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

/* "7f12a000-7f12b000 rw-p 00001000 fd:01 1234   /usr/lib/x (deleted)" */
int parse_maps_line(const char *line, struct proc_vma *vma)
{
	char perms[8];
	int path_off = 0;
	size_t len;
	static const char deleted[] = " (deleted)";

	memset(vma, 0, sizeof(*vma));
	if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %n", &vma->start, &vma->end, perms,
		   &vma->pgoff, &vma->dev_maj, &vma->dev_min, &vma->ino, &path_off) < 7)
		return -1;
	if (strlen(perms) != 4 || vma->end <= vma->start)
		return -1;
	if (perms[0] == 'r')
		vma->prot |= PROT_READ;
	if (perms[1] == 'w')
		vma->prot |= PROT_WRITE;
	if (perms[2] == 'x')
		vma->prot |= PROT_EXEC;
	vma->shared = perms[3] == 's';

	if (path_off) {
		snprintf(vma->path, sizeof(vma->path), "%s", line + path_off);
		vma->path[strcspn(vma->path, "\n")] = '\0';
	}
	len = strlen(vma->path);
	if (len > sizeof(deleted) - 1 && !strcmp(vma->path + len - (sizeof(deleted) - 1), deleted)) {
		vma->path[len - (sizeof(deleted) - 1)] = '\0';
		vma->deleted = true;
	}
	return 0;
}

unsigned long parse_vmflags(const char *s)
{
	static const char codes[][3] = {
		"gd", "lo", "io", "sr", "rr", "dc", "de", "ac", "nr", "ht", "nl", "ar",
		"wf", "dd", "mg", "hg", "nh", "pf", "mm", "um", "uw", "sd", "ss", "sl",
	};
	unsigned long flags = 0;
	size_t i;

	while (*s) {
		while (*s == ' ')
			s++;
		if (!s[0] || !s[1])
			break;
		for (i = 0; i < ARRAY_SIZE(codes); i++)
			if (s[0] == codes[i][0] && s[1] == codes[i][1])
				flags |= 1UL << i;
		s += 2;
	}
	return flags;
}

static bool is_vma_line(const char *line)
{
	/* Mapping lines start with a hex address; field lines with "Name:". */
	const char *p = line;

	while (isxdigit((unsigned char)*p))
		p++;
	return p != line && *p == '-';
}

static int parse_vma_file(pid_t pid, const char *name, proc_vma_fn fn, void *arg)
{
	char path[64], *line = NULL;
	struct proc_vma *vma;
	bool have = false;
	size_t len = 0;
	int ret = 0;
	FILE *f;

	proc_path(path, sizeof(path), pid, 0, name);
	vma = malloc(sizeof(*vma));
	if (!vma)
		return -1;
	f = fopen(path, "re");
	if (!f) {
		pr_perror("Can't open %s", path);
		free(vma);
		return -1;
	}
	while (!ret && getline(&line, &len, f) > 0) {
		if (is_vma_line(line)) {
			if (have)
				ret = fn(vma, arg);
			if (!ret && parse_maps_line(line, vma)) {
				pr_err("Can't parse %s line: %s", path, line);
				ret = -1;
			}
			have = true;
		} else if (!strncmp(line, "VmFlags:", 8)) {
			vma->vm_flags = parse_vmflags(line + 8);
		} else if (!strncmp(line, "Rss:", 4)) {
			vma->rss_kb = strtoul(line + 4, NULL, 10);
		} else if (!strncmp(line, "Anonymous:", 10)) {
			vma->anon_kb = strtoul(line + 10, NULL, 10);
		} else if (!strncmp(line, "Swap:", 5)) {
			vma->swap_kb = strtoul(line + 5, NULL, 10);
		} else if (!strncmp(line, "ProtectionKey:", 14)) {
			vma->pkey = (unsigned int)strtoul(line + 14, NULL, 10);
		} else if (!strncmp(line, "THPeligible:", 12)) {
			vma->thp_eligible = strtoul(line + 12, NULL, 10);
		}
	}
	if (!ret && have)
		ret = fn(vma, arg);
	free(line);
	fclose(f);
	free(vma);
	return ret;
}

int parse_smaps(pid_t pid, proc_vma_fn fn, void *arg)
{
	return parse_vma_file(pid, "smaps", fn, arg);
}

int parse_maps(pid_t pid, proc_vma_fn fn, void *arg)
{
	return parse_vma_file(pid, "maps", fn, arg);
}

int proc_dir_each(const char *path, proc_dir_fn fn, void *arg)
{
	struct dirent *de;
	int ret = 0;
	DIR *d = opendir(path);

	if (!d) {
		pr_perror("Can't open %s", path);
		return -1;
	}
	while (!ret && (de = readdir(d))) {
		char *end;
		long n = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || n < 0 || n > INT_MAX)
			continue;
		ret = fn((int)n, arg);
	}
	closedir(d);
	return ret;
}

int parse_children(pid_t pid, pid_t tid, pid_t **pids, size_t *nr)
{
	char path[64];
	FILE *f;
	int child;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, tid);
	f = fopen(path, "re");
	if (!f) {
		pr_perror("Can't open %s", path);
		return -1;
	}
	while (fscanf(f, "%d", &child) == 1) {
		pid_t *p = realloc(*pids, (*nr + 1) * sizeof(*p));

		if (!p) {
			fclose(f);
			return -1;
		}
		*pids = p;
		(*pids)[(*nr)++] = child;
	}
	fclose(f);
	return 0;
}
