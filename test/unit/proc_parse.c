// SPDX-License-Identifier: GPL-2.0
/* /proc parsers: synthetic lines with awkward contents, then this process. */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "proc_parse.h"
#include "unit.h"

static void test_stat_line(void)
{
	struct proc_pid_stat st;
	/* comm with spaces and a ')' inside must not confuse the field count. */
	const char *line = "42 (a b) c) S 1 42 42 34816 42 4194560 100 0 0 0 5 6 0 0 20 0 3 0 "
			   "12345 1000000 50 18446744073709551615 4194304 4198400 140737488 0 0 "
			   "0 0 0 0 0 0 0 17 1 0 0 0 0 0 6295552 6296000 7000000 140000000 "
			   "140000100 140000100 140000200 0\n";

	CHECK(parse_stat_line(line, &st) == 0, "parse");
	CHECK(st.pid == 42, "pid %d", st.pid);
	CHECK(!strcmp(st.comm, "a b) c"), "comm '%s'", st.comm);
	CHECK(st.state == 'S' && st.ppid == 1 && st.pgid == 42 && st.sid == 42, "ids");
	CHECK(st.num_threads == 3, "threads %u", st.num_threads);
	CHECK(st.start_code == 4194304 && st.end_code == 4198400, "code");
	CHECK(st.exit_signal == 17, "exit_signal %d", st.exit_signal);
	CHECK(st.start_brk == 7000000 && st.arg_start == 140000000, "brk/args");
	CHECK(st.env_end == 140000200 && st.exit_code == 0, "env/exit");
	CHECK(parse_stat_line("garbage", &st) < 0, "garbage rejected");
	CHECK(parse_stat_line("1 (x) S 1", &st) < 0, "short line rejected");
}

static void test_limits(void)
{
	static const char text[] =
		"Limit                     Soft Limit           Hard Limit           Units     \n"
		"Max cpu time              unlimited            unlimited            seconds   \n"
		"Max file size             12345                unlimited            bytes     \n"
		"Max open files            1024                 524288               files     \n"
		"Max realtime timeout      0                    18446744073709551614 us        \n";
	struct rlimit rl[4], self[16], direct;
	int i, same = 0;

	CHECK(parse_limits(text, rl, 4) == 0, "limits parsed");
	CHECK(rl[0].rlim_cur == RLIM_INFINITY && rl[0].rlim_max == RLIM_INFINITY, "unlimited");
	CHECK(rl[1].rlim_cur == 12345 && rl[1].rlim_max == RLIM_INFINITY, "file size");
	CHECK(rl[2].rlim_cur == 1024 && rl[2].rlim_max == 524288, "open files");
	CHECK(rl[3].rlim_cur == 0 && rl[3].rlim_max == 18446744073709551614ULL, "rttime");
	CHECK(parse_limits(text, rl, 5) < 0, "a missing line is an error");
	CHECK(parse_limits("Limit x\nMax cpu time              lots                 1\n", rl, 1) < 0,
	      "a word is an error");
	CHECK(parse_limits("garbage", rl, 1) < 0, "garbage rejected");
	/* This kernel's own file, against getrlimit(). */
	CHECK(parse_pid_limits(0, self, 16) == 0, "/proc/self/limits parsed");
	for (i = 0; i < 16; i++)
		same += !getrlimit(i, &direct) && direct.rlim_cur == self[i].rlim_cur &&
			direct.rlim_max == self[i].rlim_max;
	CHECK(same == 16, "%d of 16 limits as getrlimit() says", same);
}

static void test_maps_line(void)
{
	struct proc_vma v;

	CHECK(!parse_maps_line("7f0000000000-7f0000002000 r-xs 00003000 fd:01 1234 "
			       "/tmp/a file (deleted)\n", &v), "parse");
	CHECK(v.start == 0x7f0000000000UL && v.end == 0x7f0000002000UL, "range");
	CHECK(v.prot == (PROT_READ | PROT_EXEC) && v.shared, "prot/shared");
	CHECK(v.pgoff == 0x3000 && v.dev_maj == 0xfd && v.dev_min == 1 && v.ino == 1234, "file");
	CHECK(!strcmp(v.path, "/tmp/a file") && v.deleted, "path '%s'", v.path);

	CHECK(!parse_maps_line("1000-2000 ---p 00000000 00:00 0\n", &v), "anon");
	CHECK(v.prot == 0 && !v.shared && v.path[0] == '\0' && !v.deleted, "anon fields");
	CHECK(parse_maps_line("2000-1000 ---p 00000000 00:00 0\n", &v) < 0, "inverted range");
	CHECK(parse_maps_line("zzz\n", &v) < 0, "garbage");

	CHECK(parse_vmflags(" rd wr mr mw me gd ac dd hg") ==
		      (PROC_VMF_GROWSDOWN | PROC_VMF_ACCOUNT | PROC_VMF_DONTDUMP |
		       PROC_VMF_HUGEPAGE), "vmflags");
}

struct find_arg {
	unsigned long addr;
	struct proc_vma found;
	int hits, vdso;
};

static int find_vma(const struct proc_vma *v, void *arg)
{
	struct find_arg *f = arg;

	if (!strcmp(v->path, "[vdso]"))
		f->vdso++;
	if (v->start <= f->addr && f->addr < v->end) {
		f->found = *v;
		f->hits++;
	}
	return 0;
}

static void test_self(void)
{
	struct proc_pid_stat st;
	struct proc_status *ps = malloc(sizeof(*ps));
	struct find_arg fa = { 0 };
	char *p;

	CHECK(parse_pid_stat(getpid(), 0, &st) == 0, "stat");
	CHECK(st.pid == getpid() && st.ppid == getppid(), "pid %d ppid %d", st.pid, st.ppid);
	CHECK(ps && parse_pid_status(0, 0, ps) == 0, "status");
	if (ps) {
		CHECK(ps->pid == getpid() && ps->tgid == getpid(), "status pid");
		CHECK(ps->uids[0] == getuid() && ps->gids[0] == getgid(), "ids");
		CHECK(ps->nr_nspid >= 1 && ps->nspid[0] == getpid(), "nspid");
	}
	free(ps);

	p = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap");
	madvise(p, 3 * 4096, MADV_DONTDUMP);
	fa.addr = (unsigned long)p + 4096;
	CHECK(parse_smaps(0, find_vma, &fa) == 0, "smaps");
	CHECK(fa.hits == 1 && fa.found.start == (unsigned long)p, "found our mapping");
	CHECK(fa.found.prot == PROT_READ && (fa.found.vm_flags & PROC_VMF_DONTDUMP), "flags");
	CHECK(fa.vdso == 1, "one vdso");
	munmap(p, 3 * 4096);
}

int main(void)
{
	test_stat_line();
	test_limits();
	test_maps_line();
	test_self();
	return unit_done();
}
