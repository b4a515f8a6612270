// SPDX-License-Identifier: GPL-2.0
/*
 * The vDSO when restore rebuilds it as a proxy (forced with
 * CRIU_FORCE_VDSO_PROXY, as restore on a kernel with another vDSO does):
 * libc's cached pointers into the old vDSO still give correct time and
 * cpu, the old vDSO image is still readable where AT_SYSINFO_EHDR says, and
 * the kernel's own vDSO is mapped somewhere.
 */
#include <sched.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "zdtmtst.h"

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* vdso <= syscall <= vdso for @clk: the vDSO's clock is the kernel's. */
static int check_clock(clockid_t clk, const char *name)
{
	struct timespec a, b, c;

	if (clock_gettime(clk, &a) || syscall(SYS_clock_gettime, clk, &b) ||
	    clock_gettime(clk, &c)) {
		fail("%s: clock_gettime failed", name);
		return 1;
	}
	if (ns(&a) > ns(&b) || ns(&b) > ns(&c)) {
		fail("%s: vdso %lld, syscall %lld, vdso %lld out of order", name,
		     (long long)ns(&a), (long long)ns(&b), (long long)ns(&c));
		return 1;
	}
	return 0;
}

static int has_vdso_line(void)
{
	static char buf[1 << 16];

	return read_file("/proc/self/maps", buf, sizeof(buf)) > 0 && strstr(buf, "[vdso]");
}

int main(int argc, char **argv)
{
	unsigned long ehdr = getauxval(AT_SYSINFO_EHDR);
	struct timeval tv1, tv2;
	int ret = 0, cpu;

	test_init(argc, argv);
	if (!ehdr || check_clock(CLOCK_MONOTONIC, "monotonic"))
		return 1;

	test_daemon();
	test_waitsig();

	ret |= check_clock(CLOCK_MONOTONIC, "monotonic");
	ret |= check_clock(CLOCK_REALTIME, "realtime");
	ret |= check_clock(CLOCK_BOOTTIME, "boottime");
	if (gettimeofday(&tv1, NULL) || syscall(SYS_gettimeofday, &tv2, NULL) ||
	    tv2.tv_sec < tv1.tv_sec || tv2.tv_sec - tv1.tv_sec > 2) {
		fail("gettimeofday disagrees with the kernel");
		ret = 1;
	}
	/* time() reads the coarse clock, up to a tick behind gettimeofday. */
	if (time(NULL) < tv1.tv_sec - 1 || time(NULL) - tv1.tv_sec > 2) {
		fail("time() disagrees with gettimeofday");
		ret = 1;
	}
	cpu = sched_getcpu();
	if (cpu < 0 || cpu >= 4096) {
		fail("sched_getcpu() returned %d", cpu);
		ret = 1;
	}
	if (memcmp((const void *)ehdr, "\177ELF", 4)) {
		fail("no ELF image at AT_SYSINFO_EHDR %#lx any more", ehdr);
		ret = 1;
	}
	if (!has_vdso_line()) {
		fail("no [vdso] mapping after restore");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
