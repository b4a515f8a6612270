// SPDX-License-Identifier: GPL-2.0
/*
 * The vDSO after restore: it must be where the auxiliary vector says
 * (AT_SYSINFO_EHDR, also the [vdso] line of /proc/self/maps), its
 * functions must resolve again and work (clock_gettime, gettimeofday, time,
 * getcpu), as must the entry points resolved before the checkpoint and the
 * libc calls that use them.  Times are checked against the system calls:
 * vdso <= syscall <= vdso, and never earlier than before the checkpoint.
 */
#include <elf.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "zdtmtst.h"

typedef int (*clock_gettime_t)(clockid_t, struct timespec *);
typedef int (*gettimeofday_t)(struct timeval *, void *);
typedef time_t (*time_t_fn)(time_t *);
typedef long (*getcpu_t)(unsigned int *, unsigned int *, void *);

struct vdso {
	clock_gettime_t clock_gettime;
	gettimeofday_t gettimeofday;
	time_t_fn time;
	getcpu_t getcpu;
};

static void *vdso_sym(unsigned long base, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)base;
	Elf64_Phdr *ph = (Elf64_Phdr *)(base + eh->e_phoff);
	Elf64_Dyn *dyn = NULL;
	Elf64_Sym *symtab = NULL;
	const char *strtab = NULL;
	Elf32_Word *hash = NULL;
	unsigned long load = 0;
	int i, found = 0;

	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !found) {
			load = base + ph[i].p_offset - ph[i].p_vaddr;
			found = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (Elf64_Dyn *)(base + ph[i].p_offset);
		}
	}
	if (!found || !dyn)
		return NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			symtab = (Elf64_Sym *)(load + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_STRTAB)
			strtab = (const char *)(load + dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_HASH)
			hash = (Elf32_Word *)(load + dyn->d_un.d_ptr);
	}
	if (!symtab || !strtab || !hash)
		return NULL;
	/* hash[1] is the number of symbols */
	for (i = 0; i < (int)hash[1]; i++) {
		if (ELF64_ST_TYPE(symtab[i].st_info) != STT_FUNC || !symtab[i].st_shndx)
			continue;
		if (!strcmp(strtab + symtab[i].st_name, name))
			return (void *)(load + symtab[i].st_value);
	}
	return NULL;
}

static int resolve(struct vdso *v)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);

	if (!base)
		return -1;
	v->clock_gettime = (clock_gettime_t)vdso_sym(base, "__vdso_clock_gettime");
	v->gettimeofday = (gettimeofday_t)vdso_sym(base, "__vdso_gettimeofday");
	v->time = (time_t_fn)vdso_sym(base, "__vdso_time");
	v->getcpu = (getcpu_t)vdso_sym(base, "__vdso_getcpu");
	if (!v->clock_gettime || !v->gettimeofday || !v->time || !v->getcpu)
		return -1;
	return 0;
}

static unsigned long maps_vdso(void)
{
	static char buf[1 << 20];
	unsigned long start, end;
	char *line, *save;

	if (read_file("/proc/self/maps", buf, sizeof(buf)) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &start, &end) == 2)
			return start;
	return 0;
}

static long long ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long long us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000LL + tv->tv_usec;
}

static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
				    CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
				    CLOCK_MONOTONIC_COARSE };
static long long clock_before[ARRAY_SIZE(clocks)];

static int check(const struct vdso *v, const char *who, int after)
{
	struct timespec t1, t2, ts;
	struct timeval tv1, tv2, tv;
	unsigned int cpu = ~0U, node = ~0U;
	time_t a, b, c;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(clocks); i++) {
		if (v->clock_gettime(clocks[i], &t1) ||
		    syscall(SYS_clock_gettime, clocks[i], &ts) ||
		    v->clock_gettime(clocks[i], &t2)) {
			fail("%s: clock_gettime(%d) failed", who, clocks[i]);
			ret = 1;
			continue;
		}
		/* coarse clocks tick behind the precise one the syscall reads */
		if (clocks[i] != CLOCK_REALTIME_COARSE && clocks[i] != CLOCK_MONOTONIC_COARSE &&
		    (ns(&t1) > ns(&ts) || ns(&ts) > ns(&t2))) {
			fail("%s: clock %d: vdso %lld, syscall %lld, vdso %lld", who, clocks[i],
			     ns(&t1), ns(&ts), ns(&t2));
			ret = 1;
		}
		if (ns(&t1) > ns(&t2)) {
			fail("%s: clock %d goes back", who, clocks[i]);
			ret = 1;
		}
		if (!after)
			clock_before[i] = ns(&t2);
		else if (clocks[i] != CLOCK_REALTIME && clocks[i] != CLOCK_REALTIME_COARSE &&
			 ns(&t1) < clock_before[i]) {
			fail("%s: clock %d is before the checkpoint's", who, clocks[i]);
			ret = 1;
		}
	}
	if (v->gettimeofday(&tv1, NULL) || syscall(SYS_gettimeofday, &tv, NULL) ||
	    v->gettimeofday(&tv2, NULL) || us(&tv1) > us(&tv) || us(&tv) > us(&tv2)) {
		fail("%s: gettimeofday: vdso %lld, syscall %lld, vdso %lld", who, us(&tv1), us(&tv),
		     us(&tv2));
		ret = 1;
	}
	a = v->time(NULL);
	b = syscall(SYS_time, NULL);
	c = v->time(NULL);
	if (a > b || b > c) {
		fail("%s: time: vdso %ld, syscall %ld, vdso %ld", who, (long)a, (long)b, (long)c);
		ret = 1;
	}
	if (v->getcpu(&cpu, &node, NULL) || cpu >= (unsigned int)sysconf(_SC_NPROCESSORS_CONF) ||
	    node > 1024) {
		fail("%s: getcpu: cpu %u node %u", who, cpu, node);
		ret = 1;
	}
	return ret;
}

static long libc_getcpu(unsigned int *cpu, unsigned int *node, void *unused)
{
	return getcpu(cpu, node);
}

int main(int argc, char **argv)
{
	struct vdso old, now, libc = {
		.clock_gettime = clock_gettime,
		.gettimeofday = (gettimeofday_t)gettimeofday,
		.time = time,
		.getcpu = libc_getcpu,
	};
	unsigned long ehdr;
	int ret = 0;

	test_init(argc, argv);
	ehdr = getauxval(AT_SYSINFO_EHDR);
	if (!ehdr)
		test_skip("no vDSO");
	if (resolve(&old)) {
		pr_err("can't resolve the vDSO functions");
		return 1;
	}
	if (maps_vdso() != ehdr) {
		pr_err("[vdso] at %#lx, AT_SYSINFO_EHDR %#lx", maps_vdso(), ehdr);
		return 1;
	}
	if (check(&old, "before", 0))
		return 1;

	test_daemon();
	test_waitsig();

	if (getauxval(AT_SYSINFO_EHDR) != ehdr) {
		fail("AT_SYSINFO_EHDR %#lx, expected %#lx", getauxval(AT_SYSINFO_EHDR), ehdr);
		ret = 1;
	}
	if (maps_vdso() != ehdr) {
		fail("[vdso] at %#lx, expected %#lx", maps_vdso(), ehdr);
		ret = 1;
	}
	if (resolve(&now)) {
		fail("can't resolve the vDSO functions");
		return 1;
	}
	ret |= check(&now, "resolved again", 1);
	ret |= check(&old, "resolved before", 1);
	ret |= check(&libc, "libc", 1);
	if (!ret)
		pass();
	return 0;
}
