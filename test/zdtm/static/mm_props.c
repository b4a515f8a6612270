// SPDX-License-Identifier: GPL-2.0
/*
 * Properties of the address space that live in mm_struct: the command line,
 * the environment, the auxiliary vector, the executable link and the
 * boundaries of code, data, heap, arguments and environment as shown in
 * /proc/self/stat.  After restore all must be identical.
 */
#include <limits.h>

#include "zdtmtst.h"

/* /proc/self/stat fields, numbered as in proc(5) */
static const int stat_fields[] = {
	26, /* start_code */
	27, /* end_code */
	28, /* start_stack */
	45, /* start_data */
	46, /* end_data */
	47, /* start_brk */
	48, /* arg_start */
	49, /* arg_end */
	50, /* env_start */
	51, /* env_end */
};

#define NFIELDS ARRAY_SIZE(stat_fields)

static const char *const field_names[] = {
	"start_code", "end_code", "start_stack", "start_data", "end_data",
	"start_brk", "arg_start", "arg_end", "env_start", "env_end",
};

struct props {
	char cmdline[4096];
	ssize_t cmdline_len;
	char environ[65536];
	ssize_t environ_len;
	char auxv[4096];
	ssize_t auxv_len;
	char exe[PATH_MAX];
	unsigned long stat[NFIELDS];
};

static ssize_t read_raw(const char *path, char *buf, size_t size)
{
	ssize_t len = read_file(path, buf, size);

	if (len < 0 || (size_t)len >= size - 1)
		return -1;
	return len;
}

static int read_stat(unsigned long *vals)
{
	char buf[2048], *p;
	unsigned int f, i = 0;

	if (read_file("/proc/self/stat", buf, sizeof(buf)) < 0)
		return -1;
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	p += 2; /* field 3 */
	for (f = 3; p && i < NFIELDS; f++) {
		if (f == (unsigned int)stat_fields[i])
			vals[i++] = strtoul(p, NULL, 10);
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return i == NFIELDS ? 0 : -1;
}

static int collect(struct props *p)
{
	ssize_t n;

	p->cmdline_len = read_raw("/proc/self/cmdline", p->cmdline, sizeof(p->cmdline));
	p->environ_len = read_raw("/proc/self/environ", p->environ, sizeof(p->environ));
	p->auxv_len = read_raw("/proc/self/auxv", p->auxv, sizeof(p->auxv));
	n = readlink("/proc/self/exe", p->exe, sizeof(p->exe) - 1);
	if (p->cmdline_len <= 0 || p->environ_len < 0 || p->auxv_len <= 0 || n <= 0)
		return -1;
	p->exe[n] = 0;
	return read_stat(p->stat);
}

static struct props before, after;

int main(int argc, char **argv)
{
	unsigned int i;
	int ret = 0;

	test_init(argc, argv);
	if (collect(&before)) {
		pr_perror("can't read /proc/self");
		return 1;
	}
	if (!before.stat[0] || !before.stat[6] || !before.stat[8]) {
		pr_err("/proc/self/stat hides the mm fields");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (collect(&after)) {
		fail("can't read /proc/self");
		return 1;
	}
	if (after.cmdline_len != before.cmdline_len ||
	    memcmp(after.cmdline, before.cmdline, before.cmdline_len)) {
		fail("cmdline differs");
		ret = 1;
	}
	if (after.environ_len != before.environ_len ||
	    memcmp(after.environ, before.environ, before.environ_len)) {
		fail("environ differs");
		ret = 1;
	}
	if (after.auxv_len != before.auxv_len || memcmp(after.auxv, before.auxv, before.auxv_len)) {
		fail("auxv differs");
		ret = 1;
	}
	if (strcmp(after.exe, before.exe)) {
		fail("exe is %s, expected %s", after.exe, before.exe);
		ret = 1;
	}
	for (i = 0; i < NFIELDS; i++) {
		if (after.stat[i] != before.stat[i]) {
			fail("%s is %#lx, expected %#lx", field_names[i], after.stat[i],
			     before.stat[i]);
			ret = 1;
		}
	}
	if (!ret)
		pass();
	return 0;
}
