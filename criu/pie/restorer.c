// SPDX-License-Identifier: GPL-2.0
/*
 * The last stage of restore, run in every restored task once criu's own code
 * is no longer needed: it unmaps criu, puts the task's memory in place, sets
 * the process-wide state, starts the threads, and parks every thread so that
 * criu can load the registers through ptrace and let the tree go.
 *
 * Freestanding: no libc; only the restore area stays mapped while it runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <unistd_64.h>

#include "compel/plugins/std/log.h"
#include "compel/plugins/std/string.h"
#include "compel/plugins/std/syscall.h"
#include "compel/rpc.h"
#include "restorer.h"

/* Kernel ABI values this file needs (no libc headers here). */
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define ARCH_MAP_VDSO_64 0x2003
#define PR_SET_PDEATHSIG 1
#define PR_SET_DUMPABLE 4
#define SECBIT_NO_SETUID_FIXUP (1 << 2)
#define PR_SET_NAME 15
#define PR_SET_SECUREBITS 28
#define PR_SET_TIMERSLACK 29
#define PR_CAPBSET_DROP 24
#define PR_SET_MM 35
#define PR_SET_MM_MAP 14
#define PR_SET_CHILD_SUBREAPER 36
#define PR_SET_NO_NEW_PRIVS 38
#define PR_SET_THP_DISABLE 41
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_THREAD 0x10000
#define CLONE_SYSVSEM 0x40000
#define SIGKILL 9
#define SIGSTOP 19
#define TASK_SIZE_MAX 0x7ffffffff000UL
#define PR_TIMER_CREATE_RESTORE_IDS 77 /* Linux 6.15 */
#define PR_TIMER_CREATE_RESTORE_IDS_OFF 0
#define PR_TIMER_CREATE_RESTORE_IDS_ON 1
#define TIMER_ABSTIME 1
#define CLOCK_MONOTONIC 1
#define EINVAL 22
#define NSEC_PER_SEC 1000000000LL
#define CAP_LAST_U32 2
#define CAP_SETPCAP 8
#define LINUX_CAPABILITY_VERSION_3 0x20080522

struct rst_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

struct cap_header {
	uint32_t version;
	int pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

/* The kernel's sigevent: 64 bytes, the thread id first in the union. */
struct rst_sigevent {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	int32_t tid;
	int32_t pad[11];
};

struct rst_timespec {
	int64_t sec, nsec;
};

struct rst_itimerspec {
	struct rst_timespec interval, value;
};

static struct task_restore_args *rst_args;

/* The std plugin's formatter asks for a parasite header; there is none here. */
struct compel_parasite_hdr *std_hdr(void)
{
	return NULL;
}

static int rst_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = std_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static int rst_vlog(char *buf, size_t size, const char *fmt, va_list ap)
{
	int len = rst_fmt(buf, size, "pie: %d: ", (int)sys_gettid());

	if (len > (int)size - 1)
		len = size - 1;
	len += std_vsnprintf(buf + len, size - len, fmt, ap);
	if (len > (int)size - 1)
		len = size - 1;
	return len;
}

static void rst_info(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int len;

	if (rst_args->log_fd < 0 || rst_args->log_level < 3)
		return;
	va_start(ap, fmt);
	len = rst_vlog(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sys_write(rst_args->log_fd, buf, len);
}

static struct rst_sync *rst_sync(void)
{
	return (struct rst_sync *)(uintptr_t)rst_args->sync;
}

/*
 * Report the failure to criu through the sync page and die: criu then kills
 * the whole tree, so no half-restored process is left behind.
 */
static void __attribute__((noreturn)) rst_fail(const char *fmt, ...)
{
	struct rst_sync *sync = rst_sync();
	char buf[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = rst_vlog(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (rst_args->log_fd >= 0)
		sys_write(rst_args->log_fd, buf, len);
	if (__atomic_compare_exchange_n(&sync->error, &(int32_t){ 0 }, rst_args->pid, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		memcpy(sync->errmsg, buf, len < (int)sizeof(sync->errmsg) ? len : 255);
	}
	__atomic_add_fetch(&sync->nr_ready, 1, __ATOMIC_SEQ_CST);
	sys_futex(&sync->nr_ready, STD_FUTEX_WAKE, 1, NULL);
	for (;;)
		std_syscall1(__NR_exit_group, 1);
}

#define CHECK_SYS(expr, what, ...)                                                  \
	do {                                                                        \
		long __r = (expr);                                                  \
		if (__r < 0)                                                        \
			rst_fail("%s failed: errno %d\n", what, (int)-__r);          \
	} while (0)

/* Everything outside the restore area belonged to criu: drop it. */
static void unmap_criu(void)
{
	uint64_t lo = rst_args->area_start, hi = rst_args->area_end;

	if (lo > 0)
		CHECK_SYS(sys_munmap((void *)0, lo), "munmap below the restore area");
	if (hi < TASK_SIZE_MAX)
		CHECK_SYS(sys_munmap((void *)(uintptr_t)hi, TASK_SIZE_MAX - hi),
			  "munmap above the restore area");
}

static void apply_madvise(const struct rst_vma *v)
{
	int adv;

	for (adv = 0; adv < 64; adv++) {
		if (!(v->madv & (1ULL << adv)))
			continue;
		CHECK_SYS(std_syscall3(__NR_madvise, v->start, v->end - v->start, adv), "madvise");
	}
}

static void restore_vma(const struct rst_vma *v)
{
	uint64_t len = v->end - v->start;
	long r;

	switch (v->how) {
	case RST_VMA_PREMAPPED:
		r = std_syscall6(__NR_mremap, v->premap, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
				 v->start, 0);
		if (r != (long)v->start)
			rst_fail("mremap %lx -> %lx (%lx bytes) failed: %ld\n",
				 (unsigned long)v->premap, (unsigned long)v->start,
				 (unsigned long)len, r);
		CHECK_SYS(std_syscall3(__NR_mprotect, v->start, len, v->prot), "mprotect");
		break;
	case RST_VMA_ANON:
		r = sys_mmap((void *)(uintptr_t)v->start, len, v->prot,
			     (v->flags & ~MAP_SHARED) | MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			     0);
		if (r != (long)v->start)
			rst_fail("mmap anon at %lx failed: %ld\n", (unsigned long)v->start, r);
		break;
	case RST_VMA_FILE:
		r = sys_mmap((void *)(uintptr_t)v->start, len, v->prot, v->flags | MAP_FIXED, v->fd,
			     (long)v->pgoff);
		if (r != (long)v->start)
			rst_fail("mmap fd %d at %lx failed: %ld\n", v->fd,
				 (unsigned long)v->start, r);
		break;
	default:
		rst_fail("bad vma kind %u\n", v->how);
	}
	apply_madvise(v);
}

static void restore_mm(void)
{
	const struct rst_vma *vmas = (const struct rst_vma *)(uintptr_t)rst_args->vmas;
	uint32_t i;
	long r;

	for (i = 0; i < rst_args->nr_vmas; i++)
		restore_vma(&vmas[i]);

	if (rst_args->vdso_block_start) {
		/* A fresh vDSO of this kernel exactly where the image had its own. */
		r = std_syscall2(__NR_arch_prctl, ARCH_MAP_VDSO_64, rst_args->vdso_block_start);
		if (r < 0)
			rst_fail("mapping the vDSO at %lx failed: %ld\n",
				 (unsigned long)rst_args->vdso_block_start, r);
	}

	CHECK_SYS(std_syscall6(__NR_prctl, PR_SET_MM, PR_SET_MM_MAP, (long)&rst_args->mm,
			       sizeof(rst_args->mm), 0, 0),
		  "prctl(PR_SET_MM_MAP)");
}

static void restore_signals(void)
{
	int sig;

	for (sig = 1; sig <= RST_NSIG; sig++) {
		const struct rst_sigaction *sa = &rst_args->sigactions[sig - 1];

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		CHECK_SYS(sys_rt_sigaction(sig, (const struct std_sigaction *)sa, NULL),
			  "rt_sigaction");
	}
}

/*
 * The kernel adds a tick to CPU-time timers (virtual, prof) when they are
 * armed; take it back off so no timer gets more time than it had.
 */
static void restore_itimer(int which, struct rst_itimer *want)
{
	struct rst_itimer got;
	int64_t w, g;

	CHECK_SYS(std_syscall3(__NR_setitimer, which, (long)want, 0), "setitimer");
	if (which == 0 || (!want->value_sec && !want->value_usec))
		return;
	CHECK_SYS(std_syscall2(__NR_getitimer, which, (long)&got), "getitimer");
	w = want->value_sec * 1000000 + want->value_usec;
	g = got.value_sec * 1000000 + got.value_usec;
	if (g > w && w > g - w) {
		w -= g - w;
		want->value_sec = w / 1000000;
		want->value_usec = w % 1000000;
		CHECK_SYS(std_syscall3(__NR_setitimer, which, (long)want, 0), "setitimer");
	}
}

static void restore_process_state(void)
{
	uint32_t i;

	for (i = 0; i < rst_args->nr_rlimits && i < RST_NR_RLIMITS; i++)
		CHECK_SYS(std_syscall4(__NR_prlimit64, 0, i, (long)&rst_args->rlimits[i], 0),
			  "prlimit64");
	for (i = 0; i < 3; i++)
		restore_itimer(i, &rst_args->itimers[i]);
	CHECK_SYS(std_syscall1(__NR_personality, rst_args->personality), "personality");
	std_syscall1(__NR_umask, rst_args->umask);
	CHECK_SYS(std_syscall2(__NR_prctl, PR_SET_CHILD_SUBREAPER, rst_args->child_subreaper),
		  "prctl(PR_SET_CHILD_SUBREAPER)");
	CHECK_SYS(std_syscall2(__NR_prctl, PR_SET_THP_DISABLE, rst_args->thp_disabled),
		  "prctl(PR_SET_THP_DISABLE)");
}

static void queue_signals(uint64_t addr, uint32_t nr, int tid)
{
	const struct rst_siginfo *si = (const struct rst_siginfo *)(uintptr_t)addr;
	int tgid = rst_args->pid;
	uint32_t i;

	for (i = 0; i < nr; i++) {
		int signo = *(const int *)si[i].info;

		/* Queued to ourselves, any si_code is allowed. */
		if (tid)
			CHECK_SYS(std_syscall4(__NR_rt_tgsigqueueinfo, tgid, tid, signo,
					       (long)si[i].info),
				  "rt_tgsigqueueinfo");
		else
			CHECK_SYS(std_syscall3(__NR_rt_sigqueueinfo, tgid, signo, (long)si[i].info),
				  "rt_sigqueueinfo");
	}
}

static void set_caps(uint64_t inh, uint64_t prm, uint64_t eff)
{
	struct cap_header hdr = { LINUX_CAPABILITY_VERSION_3, 0 };
	struct cap_data data[CAP_LAST_U32] = {
		{ (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
	};

	CHECK_SYS(std_syscall2(__NR_capset, (long)&hdr, (long)data), "capset");
}

static void restore_ambient(uint64_t amb)
{
	int cap;

	CHECK_SYS(std_syscall2(__NR_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL), "ambient");
	for (cap = 0; cap < 64; cap++)
		if (amb & (1ULL << cap))
			CHECK_SYS(std_syscall3(__NR_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap),
				  "prctl(PR_CAP_AMBIENT_RAISE)");
}

/*
 * Credentials are per thread: every thread sets its own, last.  With
 * SECBIT_NO_SETUID_FIXUP the uid changes keep the capabilities criu started
 * with.  The sets come next, with CAP_SETPCAP kept for a while: the
 * ambient set can only be raised from the final permitted and inheritable
 * sets and before the securebits (SECBIT_NO_CAP_AMBIENT_RAISE forbids
 * it), and setting the securebits takes CAP_SETPCAP.  A last capset drops
 * it if the thread did not have it.
 */
static void restore_creds(const struct rst_thread *t)
{
	const uint64_t setpcap = 1ULL << CAP_SETPCAP;
	int cap;

	CHECK_SYS(std_syscall2(__NR_prctl, PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP),
		  "prctl(PR_SET_SECUREBITS)");
	CHECK_SYS(std_syscall2(__NR_setgroups, rst_args->nr_groups, rst_args->groups),
		  "setgroups");
	CHECK_SYS(std_syscall3(__NR_setresgid, t->gids[0], t->gids[1], t->gids[2]), "setresgid");
	std_syscall1(__NR_setfsgid, t->gids[3]);
	CHECK_SYS(std_syscall3(__NR_setresuid, t->uids[0], t->uids[1], t->uids[2]), "setresuid");
	std_syscall1(__NR_setfsuid, t->uids[3]);

	for (cap = 0; cap < 64; cap++) {
		if (t->cap_bnd & (1ULL << cap))
			continue;
		/* EINVAL past the kernel's last capability. */
		if (std_syscall2(__NR_prctl, PR_CAPBSET_DROP, cap) == -EINVAL)
			break;
	}
	set_caps(t->cap_inh, t->cap_prm | setpcap, t->cap_eff | setpcap);
	restore_ambient(t->cap_amb);
	CHECK_SYS(std_syscall2(__NR_prctl, PR_SET_SECUREBITS, t->secbits),
		  "prctl(PR_SET_SECUREBITS)");
	set_caps(t->cap_inh, t->cap_prm, t->cap_eff);
	if (t->no_new_privs)
		CHECK_SYS(std_syscall2(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1),
			  "prctl(PR_SET_NO_NEW_PRIVS)");
}

static struct rst_posix_timer *posix_timers(void)
{
	return (struct rst_posix_timer *)(uintptr_t)rst_args->posix_timers;
}

/* timer_create for @t; the id comes back in @id (and is read from it in restore-ids mode). */
static long create_timer(const struct rst_posix_timer *t, int32_t *id)
{
	struct rst_sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.value = t->sival;
	sev.signo = t->signo;
	sev.notify = t->notify;
	sev.tid = t->notify_tid;
	return std_syscall3(__NR_timer_create, t->clock, (long)&sev, (long)id);
}

/* Linux 6.15+: timer_create takes the id it is given. */
static void create_timers_with_ids(void)
{
	struct rst_posix_timer *timers = posix_timers();
	uint32_t i;

	for (i = 0; i < rst_args->nr_posix_timers; i++) {
		int32_t id = timers[i].id;

		CHECK_SYS(create_timer(&timers[i], &id), "timer_create");
		if (id != timers[i].id)
			rst_fail("timer %d was created as %d\n", timers[i].id, id);
	}
}

/* The timer with the lowest id above @above, or NULL. */
static struct rst_posix_timer *next_timer_by_id(int64_t above)
{
	struct rst_posix_timer *timers = posix_timers(), *best = NULL;
	uint32_t i;

	for (i = 0; i < rst_args->nr_posix_timers; i++)
		if (timers[i].id > above && (!best || timers[i].id < best->id))
			best = &timers[i];
	return best;
}

/*
 * Older kernels hand out ids 0, 1, 2... to a process that never had a
 * timer, as this one: create and delete until each wanted id comes up.
 */
static void create_timers_in_id_order(void)
{
	struct rst_posix_timer *t;
	int64_t last = -1;
	int32_t id;

	while ((t = next_timer_by_id(last))) {
		for (;;) {
			CHECK_SYS(create_timer(t, &id), "timer_create");
			if (id == t->id)
				break;
			if (id > t->id)
				rst_fail("timer ids skip past %d (got %d)\n", t->id, id);
			CHECK_SYS(std_syscall1(__NR_timer_delete, id), "timer_delete");
		}
		last = t->id;
	}
}

static int64_t ts_ns(const struct rst_timespec *ts)
{
	return ts->sec * NSEC_PER_SEC + ts->nsec;
}

static void ns_ts(int64_t ns, struct rst_timespec *ts)
{
	ts->sec = ns / NSEC_PER_SEC;
	ts->nsec = ns % NSEC_PER_SEC;
}

/*
 * Until it fires, timer_gettime of an expired timer says 1ns is left;
 * after, an interval timer shows its next expiry and a one-shot one 0.
 */
static void wait_timer_fired(const struct rst_posix_timer *t)
{
	struct rst_itimerspec cur;
	struct rst_timespec now;
	int64_t deadline;

	CHECK_SYS(std_syscall2(__NR_clock_gettime, CLOCK_MONOTONIC, (long)&now), "clock_gettime");
	deadline = ts_ns(&now) + 10 * NSEC_PER_SEC;
	for (;;) {
		CHECK_SYS(std_syscall2(__NR_timer_gettime, t->id, (long)&cur), "timer_gettime");
		if (cur.value.sec || cur.value.nsec != 1)
			return;
		/* Spinning also feeds the CPU-time clocks a tick needs to fire them. */
		std_syscall0(__NR_sched_yield);
		CHECK_SYS(std_syscall2(__NR_clock_gettime, CLOCK_MONOTONIC, (long)&now),
			  "clock_gettime");
		if (ts_ns(&now) > deadline)
			rst_fail("timer %d does not fire\n", t->id);
	}
}

/*
 * The timer's signal was pending: expire it now so the kernel queues its
 * own signal (a copy queued by hand would be a second, unrelated signal).
 * The expiry is set one interval before the next one the dump saw, so the
 * timer keeps its phase, and the expiries that pass until the signal is
 * taken become its overrun.  The overrun gathered before the dump is
 * lost: no interface reads it while the signal is pending.
 */
static void fire_timer(const struct rst_posix_timer *t)
{
	struct rst_itimerspec its = { { t->interval_sec, t->interval_nsec }, { 0, 0 } };
	struct rst_timespec now;
	int64_t at;

	CHECK_SYS(std_syscall2(__NR_clock_gettime, t->clock, (long)&now), "clock_gettime");
	at = ts_ns(&now) + t->value_sec * NSEC_PER_SEC + t->value_nsec - ts_ns(&its.interval);
	ns_ts(at > 0 ? at : 1, &its.value);
	CHECK_SYS(std_syscall4(__NR_timer_settime, t->id, TIMER_ABSTIME, (long)&its, 0),
		  "timer_settime");
	wait_timer_fired(t);
}

static void arm_timer(const struct rst_posix_timer *t)
{
	struct rst_itimerspec its = { { t->interval_sec, t->interval_nsec },
				      { t->value_sec, t->value_nsec } };

	if (t->fire)
		fire_timer(t);
	else if (t->value_sec || t->value_nsec)
		CHECK_SYS(std_syscall4(__NR_timer_settime, t->id, 0, (long)&its, 0),
			  "timer_settime");
}

/* After the threads exist: a SIGEV_THREAD_ID timer needs its thread. */
static void restore_posix_timers(void)
{
	uint32_t i;
	long r;

	if (!rst_args->nr_posix_timers)
		return;
	r = std_syscall2(__NR_prctl, PR_TIMER_CREATE_RESTORE_IDS, PR_TIMER_CREATE_RESTORE_IDS_ON);
	if (r == 0)
		create_timers_with_ids();
	else if (r == -EINVAL)
		create_timers_in_id_order();
	else
		rst_fail("prctl(PR_TIMER_CREATE_RESTORE_IDS) failed: %ld\n", r);
	if (r == 0)
		CHECK_SYS(std_syscall2(__NR_prctl, PR_TIMER_CREATE_RESTORE_IDS,
				       PR_TIMER_CREATE_RESTORE_IDS_OFF),
			  "prctl(PR_TIMER_CREATE_RESTORE_IDS)");
	for (i = 0; i < rst_args->nr_posix_timers; i++) {
		rst_info("timer %d: clock %d, %s\n", posix_timers()[i].id, posix_timers()[i].clock,
			 posix_timers()[i].fire ? "its signal pending" : "armed");
		arm_timer(&posix_timers()[i]);
	}
}

/* Tell criu this task is done, and wait to be seized: never returns. */
static void __attribute__((noreturn)) park(void)
{
	struct rst_sync *sync = rst_sync();

	for (;;)
		sys_futex(&sync->go, STD_FUTEX_WAIT, 0, NULL);
}

/*
 * Park a thread that was in a relative sleep inside the same sleep, with
 * the time the kernel left at its rmtp: criu's interruption then leaves the
 * restart data (end time, clock, rmtp) that restart_syscall, where its
 * registers point, continues from.  A sleep that ends first is done: later
 * ones of a millisecond stand in for it, so the thread wakes at most that
 * late.  On error (a clock the call refuses) the restart gives EINTR.
 */
static void __attribute__((noreturn)) park_thread(const struct rst_thread *t)
{
	struct rst_timespec tick = { 0, 1000000 };
	long r;

	if (!t->sleep_rmtp)
		park();
	r = std_syscall4(__NR_clock_nanosleep, t->sleep_clock, 0, t->sleep_rmtp, t->sleep_rmtp);
	while (r == 0)
		r = std_syscall4(__NR_clock_nanosleep, t->sleep_clock, 0, (long)&tick,
				 t->sleep_rmtp);
	park();
}

static void restore_thread_state(const struct rst_thread *t)
{
	struct {
		uint64_t sp;
		int32_t flags;
		int32_t pad;
		uint64_t size;
	} ss = { t->sas_sp, (int32_t)t->sas_flags, 0, t->sas_size };

	std_syscall1(__NR_set_tid_address, t->clear_child_tid);
	CHECK_SYS(std_syscall2(__NR_sigaltstack, (long)&ss, 0), "sigaltstack");
	if (t->rseq_len)
		CHECK_SYS(std_syscall4(__NR_rseq, t->rseq_abi, t->rseq_len, 0, t->rseq_sig),
			  "rseq");
	CHECK_SYS(std_syscall2(__NR_prctl, PR_SET_NAME, (long)t->comm), "prctl(PR_SET_NAME)");
	if (t->sched_policy >= 0) {
		int32_t param = t->sched_prio;

		CHECK_SYS(std_syscall3(__NR_sched_setscheduler, 0, t->sched_policy, (long)&param),
			  "sched_setscheduler");
		CHECK_SYS(std_syscall3(__NR_setpriority, 0, 0, t->nice), "setpriority");
	}
	/* After the policy: a change of scheduling class resets the slack. */
	CHECK_SYS(std_syscall2(__NR_prctl, PR_SET_TIMERSLACK, t->timerslack_ns),
		  "prctl(PR_SET_TIMERSLACK)");
	queue_signals(t->pending, t->nr_pending, t->tid);
	restore_creds(t);
	/* After the creds: a uid change clears the parent-death signal. */
	if (t->pdeath_sig)
		CHECK_SYS(std_syscall2(__NR_prctl, PR_SET_PDEATHSIG, t->pdeath_sig),
			  "prctl(PR_SET_PDEATHSIG)");
}

static void __attribute__((noreturn, used)) thread_main(struct rst_thread *t)
{
	restore_thread_state(t);
	__atomic_add_fetch(&rst_args->threads_parked, 1, __ATOMIC_SEQ_CST);
	sys_futex(&rst_args->threads_parked, STD_FUTEX_WAKE, 1, NULL);
	park_thread(t);
}

/* The leader goes last: dumpable is reset by the other threads' uid changes. */
static void wait_threads(void)
{
	uint32_t n;

	while ((n = __atomic_load_n(&rst_args->threads_parked, __ATOMIC_SEQ_CST)) <
	       rst_args->nr_threads - 1)
		sys_futex(&rst_args->threads_parked, STD_FUTEX_WAIT, n, NULL);
}

/* clone3 a thread with its own id; the child runs thread_main(t) on @t's stack. */
static long clone_thread(struct rst_thread *t)
{
	int64_t tid = t->tid;
	struct rst_clone_args ca = {
		.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			 CLONE_SYSVSEM,
		.stack = t->stack_top - 16 * 1024 * 4,
		.stack_size = 16 * 1024 * 4,
		.set_tid = (uint64_t)(uintptr_t)&tid,
		.set_tid_size = 1,
	};
	register long fn asm("r12") = (long)thread_main;
	register long arg asm("r13") = (long)t;
	long ret;

	asm volatile("syscall\n\t"
		     "test %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "xor %%rbp, %%rbp\n\t"
		     "mov %%r13, %%rdi\n\t"
		     "call *%%r12\n\t"
		     "ud2\n"
		     "1:\n\t"
		     : "=a"(ret)
		     : "a"(__NR_clone3), "D"(&ca), "S"(sizeof(ca)), "r"(fn), "r"(arg)
		     : "rcx", "r11", "memory");
	return ret;
}

void __attribute__((noreturn)) restorer_main(struct task_restore_args *args)
{
	struct rst_thread *threads;
	struct rst_sync *sync;
	uint32_t i;

	rst_args = args;
	threads = (struct rst_thread *)(uintptr_t)args->threads;
	sync = rst_sync();
	if (args->magic != RST_MAGIC)
		rst_fail("bad restorer arguments\n");

	rst_info("restoring %u mappings, %u threads\n", args->nr_vmas, args->nr_threads);
	unmap_criu();
	restore_mm();
	for (i = 0; i < args->nr_close_fds; i++)
		sys_close(args->close_fds[i]);
	restore_signals();
	restore_process_state();

	for (i = 1; i < args->nr_threads; i++) {
		long r = clone_thread(&threads[i]);

		if (r != threads[i].tid)
			rst_fail("clone3 of thread %d returned %ld\n", threads[i].tid, r);
	}
	queue_signals(args->shared_pending, args->nr_shared_pending, 0);
	/* A leader that had exited gets no thread state of its own back. */
	if (!args->leader_exited)
		restore_thread_state(&threads[0]);
	wait_threads();
	restore_posix_timers();
	CHECK_SYS(std_syscall2(__NR_prctl, PR_SET_DUMPABLE, args->dumpable),
		  "prctl(PR_SET_DUMPABLE)");

	rst_info("task ready\n");
	/* criu's log was the last fd of criu's in this task. */
	if (args->log_fd >= 0)
		sys_close(args->log_fd);
	args->log_fd = -1;
	__atomic_add_fetch(&sync->nr_ready, 1, __ATOMIC_SEQ_CST);
	sys_futex(&sync->nr_ready, STD_FUTEX_WAKE, 1, NULL);
	/* Only this thread ends: it stays a zombie while the others run on. */
	if (args->leader_exited)
		for (;;)
			std_syscall1(__NR_exit, 0);
	park_thread(&threads[0]);
}
