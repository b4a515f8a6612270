// SPDX-License-Identifier: GPL-2.0
/*
 * The state of a frozen task that is not memory or files: registers, signal
 * state, credentials, limits, timers.  Values only the task itself can tell
 * are fetched by remote system calls (compel) writing into a scratch page.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "arch-regs.h"
#include "common/page.h"
#include "compel/compel.h"
#include "dump.h"
#include "image.h"
#include "log.h"
#include "restart.h"
#include "pstree.h"

/* Linux 5.13; glibc 2.36's enum lacks it. */
#define PTRACE_GET_RSEQ_CONFIGURATION_REQ 0x420f
#define NR_RLIMITS 16
#define NR_SIGS 64

struct rseq_conf {
	uint64_t rseq_abi_pointer;
	uint32_t rseq_abi_size;
	uint32_t signature;
	uint32_t flags;
	uint32_t pad;
};

/* Everything a core image points to, freed in one go. */
struct core_bufs {
	CoreEntry core;
	TaskCoreEntry tc;
	ThreadCoreEntry th;
	CredsEntry creds;
	ThreadSasEntry sas;
	RseqEntry rseq;
	TaskTimersEntry timers;
	ItimerEntry itimers[3];
	TaskRlimitsEntry rlimits;
	RlimitEntry rl[NR_RLIMITS];
	RlimitEntry *rlp[NR_RLIMITS];
	SaEntry sa[NR_SIGS];
	SaEntry *sap[NR_SIGS];
	TaskKobjIdsEntry ids;
	SignalQueueEntry sigq_p, sigq_s;
	uint32_t caps[5][2];
	PosixTimerEntry **ptimerp;
	uint32_t *groups;
	char comm[17];
};

/* A page in the target for system calls that return data through memory. */
struct scratch {
	unsigned long addr;
	int mem_fd;
};

static int scratch_open(struct compel_task *task, struct scratch *s)
{
	char path[32];
	long ret;

	s->addr = 0;
	s->mem_fd = -1;
	if (compel_syscall(task, SYS_mmap, &ret, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, (unsigned long)-1, 0) ||
	    (ret < 0 && ret > -4096)) {
		pr_err("Can't map a scratch page in task %d\n", compel_task_pid(task));
		return -1;
	}
	s->addr = (unsigned long)ret;
	/* Thread 0, not the pid: a leader that has exited has no memory. */
	snprintf(path, sizeof(path), "/proc/%d/mem", compel_thread_tid(task, 0));
	s->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->mem_fd < 0) {
		pr_perror("Can't open %s", path);
		return -1;
	}
	return 0;
}

static void scratch_close(struct compel_task *task, struct scratch *s)
{
	long ret;

	if (s->addr && (compel_syscall(task, SYS_munmap, &ret, s->addr, PAGE_SIZE, 0, 0, 0, 0) ||
			ret))
		pr_err("Can't unmap the scratch page of task %d\n", compel_task_pid(task));
	if (s->mem_fd >= 0)
		close(s->mem_fd);
	s->addr = 0;
	s->mem_fd = -1;
}

static int scratch_read(struct scratch *s, void *buf, size_t len)
{
	if (pread(s->mem_fd, buf, len, (off_t)s->addr) != (ssize_t)len) {
		pr_perror("Can't read the scratch page");
		return -1;
	}
	return 0;
}

/* Run @nr in thread @idx; -1 if it could not run or returned an error. */
static int rsys(struct compel_task *task, unsigned int idx, long nr, long *ret, unsigned long a1,
		unsigned long a2, unsigned long a3, unsigned long a4)
{
	const unsigned long args[6] = { a1, a2, a3, a4, 0, 0 };
	long r;

	if (compel_thread_syscall(task, idx, nr, &r, args))
		return -1;
	if (ret)
		*ret = r;
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		pr_perror("Remote system call %ld in thread %d", nr, compel_thread_tid(task, idx));
		return -1;
	}
	return 0;
}

static void init_core(struct core_bufs *b, bool leader)
{
	memset(b, 0, sizeof(*b));
	core_entry__init(&b->core);
	thread_core_entry__init(&b->th);
	creds_entry__init(&b->creds);
	b->core.mtype = arch_core_mtype();
	b->core.thread_core = &b->th;
	b->th.creds = &b->creds;
	if (!leader)
		return;
	task_core_entry__init(&b->tc);
	task_kobj_ids_entry__init(&b->ids);
	b->core.tc = &b->tc;
	b->core.ids = &b->ids;
}

struct sleep_args {
	int clock;
	uint64_t req, rmtp;
};

/*
 * The arguments of the relative sleep a thread was interrupted in.  After
 * an earlier restart (a dump that left the task running) the call number
 * is restart_syscall, but the arguments are still in their registers:
 * clock_nanosleep's start with a clock id and zero flags, nanosleep's with
 * the request address.  read_sleep() rejects what is not a sleep.
 */
static bool sleep_args(const struct compel_regs *r, struct sleep_args *a)
{
	long nr = (long)r->gp.orig_rax;

	if (nr == SYS_restart_syscall)
		nr = r->gp.rsi == 0 && ((int)r->gp.rdi < 0 || r->gp.rdi < 16) ? SYS_clock_nanosleep
									       : SYS_nanosleep;
	switch (nr) {
	case SYS_nanosleep:
		a->clock = CLOCK_MONOTONIC;
		a->req = r->gp.rdi;
		a->rmtp = r->gp.rsi;
		return true;
	case SYS_clock_nanosleep:
		a->clock = (int)r->gp.rdi;
		a->req = r->gp.rdx;
		a->rmtp = r->gp.r10;
		return true;
	}
	return false;
}

static bool read_timespec(struct scratch *s, uint64_t addr, struct timespec *ts)
{
	if (!addr || pread(s->mem_fd, ts, sizeof(*ts), (off_t)addr) != (ssize_t)sizeof(*ts))
		return false;
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L;
}

/*
 * The kernel wrote the time left at rmtp: a valid time, at most the request
 * plus the timer slack (the time left counts to the timer's end, slack
 * included: 20 ms asked, 20.000687 ms left was seen).  A second of margin
 * covers any slack a program would set and still rejects what is no sleep.
 */
static bool read_sleep(struct scratch *s, const struct sleep_args *a)
{
	struct timespec req, rem;

	if (!read_timespec(s, a->req, &req) || !read_timespec(s, a->rmtp, &rem)) {
		pr_debug("No sleep times at %#llx/%#llx\n", (unsigned long long)a->req,
			 (unsigned long long)a->rmtp);
		return false;
	}
	pr_debug("Sleep of %ld.%09ld s, %ld.%09ld s left\n", (long)req.tv_sec, req.tv_nsec,
		 (long)rem.tv_sec, rem.tv_nsec);
	req.tv_sec += 1;
	return rem.tv_sec < req.tv_sec || (rem.tv_sec == req.tv_sec && rem.tv_nsec <= req.tv_nsec);
}

/*
 * A relative sleep leaves its remaining time at its user rmtp when it is
 * interrupted, and keeps the end in the thread's restart data, which no
 * interface shows.  With an rmtp, restore can rebuild that restart data, so
 * the registers go through restart_syscall like the kernel's own restart.
 * Returns false if the sleep cannot be resumed (no rmtp: nothing tells how
 * long is left; or not a sleep at all: futex and poll restart this way too).
 */
static bool save_sleep_restart(const struct compel_regs *r, ThreadCoreEntry *th,
			       struct scratch *s)
{
	struct sleep_args a;

	if (!sleep_args(r, &a) || !read_sleep(s, &a))
		return false;
	th->has_sleep_clock = th->has_sleep_rmtp = true;
	th->sleep_clock = a.clock;
	th->sleep_rmtp = a.rmtp;
	return true;
}

/*
 * A thread stopped inside a system call: store the registers the way it
 * will continue, restarting the call (or, for calls whose restart needs
 * kernel state that does not survive, returning EINTR), as CRIU does.
 */
static void fixup_syscall_restart(struct compel_regs *r, ThreadCoreEntry *th, struct scratch *s)
{
	if ((long)r->gp.orig_rax < 0)
		return;
	switch ((long)r->gp.rax) {
	case -ERESTARTNOHAND:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
		r->gp.rax = r->gp.orig_rax;
		r->gp.rip -= 2;
		break;
	case -ERESTART_RESTARTBLOCK:
		if (save_sleep_restart(r, th, s)) {
			r->gp.rax = SYS_restart_syscall;
			r->gp.rip -= 2;
			break;
		}
		pr_warn("Thread will get EINTR from its interrupted system call %ld\n",
			(long)r->gp.orig_rax);
		r->gp.rax = (unsigned long)-EINTR;
		break;
	}
}

static int dump_creds(pid_t pid, pid_t tid, struct core_bufs *b, struct compel_task *task,
		      unsigned int idx)
{
	struct proc_status *st = malloc(sizeof(*st));
	CredsEntry *c = &b->creds;
	long secbits;
	int i;

	if (!st || parse_pid_status(pid, tid, st)) {
		free(st);
		return -1;
	}
	c->uid = st->uids[0];
	c->euid = st->uids[1];
	c->suid = st->uids[2];
	c->fsuid = st->uids[3];
	c->gid = st->gids[0];
	c->egid = st->gids[1];
	c->sgid = st->gids[2];
	c->fsgid = st->gids[3];
	{
		const uint64_t caps[5] = { st->cap_inh, st->cap_prm, st->cap_eff, st->cap_bnd,
					   st->cap_amb };

		for (i = 0; i < 5; i++) {
			b->caps[i][0] = (uint32_t)caps[i];
			b->caps[i][1] = (uint32_t)(caps[i] >> 32);
		}
	}
	c->n_cap_inh = c->n_cap_prm = c->n_cap_eff = c->n_cap_bnd = c->n_cap_amb = 2;
	c->cap_inh = b->caps[0];
	c->cap_prm = b->caps[1];
	c->cap_eff = b->caps[2];
	c->cap_bnd = b->caps[3];
	c->cap_amb = b->caps[4];
	c->has_no_new_privs = true;
	c->no_new_privs = st->no_new_privs != 0;
	if (st->seccomp_mode) {
		pr_err("Thread %d uses seccomp: not supported yet\n", tid);
		free(st);
		return -1;
	}
	b->groups = calloc(st->ngroups + 1, sizeof(uint32_t));
	if (!b->groups) {
		free(st);
		return -1;
	}
	memcpy(b->groups, st->groups, st->ngroups * sizeof(uint32_t));
	c->n_groups = st->ngroups;
	c->groups = b->groups;
	free(st);
	if (rsys(task, idx, SYS_prctl, &secbits, PR_GET_SECUREBITS, 0, 0, 0))
		return -1;
	c->secbits = (uint32_t)secbits;
	return 0;
}

static int peek_signals(pid_t tid, bool shared, SignalQueueEntry *q)
{
	struct __ptrace_peeksiginfo_args a = {
		.off = 0, .flags = shared ? PTRACE_PEEKSIGINFO_SHARED : 0, .nr = 16
	};
	siginfo_t si[16];
	long n, i;

	signal_queue_entry__init(q);
	for (;;) {
		n = ptrace(PTRACE_PEEKSIGINFO, tid, &a, si);
		if (n < 0) {
			pr_perror("Can't read the pending signals of %d", tid);
			return -1;
		}
		if (n == 0)
			return 0;
		for (i = 0; i < n; i++) {
			SiginfoEntry **v = realloc(q->signals, (q->n_signals + 1) * sizeof(*v));
			SiginfoEntry *e = calloc(1, sizeof(*e) + sizeof(siginfo_t));

			if (!v || !e) {
				free(e);
				if (v)
					q->signals = v;
				return -1;
			}
			q->signals = v;
			siginfo_entry__init(e);
			e->siginfo.len = sizeof(siginfo_t);
			e->siginfo.data = (uint8_t *)(e + 1);
			memcpy(e->siginfo.data, &si[i], sizeof(siginfo_t));
			q->signals[q->n_signals++] = e;
		}
		a.off += n;
	}
}

static int dump_thread(struct dump_ctx *ctx, struct pstree_item *it, unsigned int idx,
		       struct scratch *s)
{
	struct dump_item *di = dump_item(it);
	struct compel_task *task = di->task;
	pid_t tid = compel_thread_tid(task, idx);
	struct core_bufs *b = calloc(1, sizeof(*b));
	struct compel_regs regs;
	struct rseq_conf rc;
	uint64_t tidaddr = 0;
	struct {
		uint64_t sp;
		int32_t flags;
		int32_t pad;
		uint64_t size;
	} ss;
	char path[64];
	int pdeath = 0;
	long slack;

	if (!b)
		return -1;
	init_core(b, idx == 0);
	di->cores[idx] = &b->core;

	regs = *compel_thread_regs(task, idx);
	fixup_syscall_restart(&regs, &b->th, s);
	if (rsys(task, idx, SYS_prctl, NULL, PR_GET_TID_ADDRESS, s->addr, 0, 0) ||
	    scratch_read(s, &tidaddr, sizeof(tidaddr)))
		return -1;
	if (arch_regs_to_core(&b->core, &regs, tidaddr))
		return -1;

	b->th.has_blk_sigset = true;
	b->th.blk_sigset = compel_thread_sigmask(task, idx);
	if (rsys(task, idx, SYS_sigaltstack, NULL, 0, s->addr, 0, 0) ||
	    scratch_read(s, &ss, sizeof(ss)))
		return -1;
	thread_sas_entry__init(&b->sas);
	b->sas.ss_sp = ss.sp;
	b->sas.ss_size = ss.size;
	b->sas.ss_flags = (uint32_t)ss.flags;
	b->th.sas = &b->sas;

	if (rsys(task, idx, SYS_prctl, NULL, PR_GET_PDEATHSIG, s->addr, 0, 0) ||
	    scratch_read(s, &pdeath, sizeof(pdeath)))
		return -1;
	b->th.has_pdeath_sig = true;
	b->th.pdeath_sig = (uint32_t)pdeath;

	/* Per thread, and only the thread itself can tell it. */
	if (rsys(task, idx, SYS_prctl, &slack, PR_GET_TIMERSLACK, 0, 0, 0))
		return -1;
	b->th.has_timer_slack_ns = true;
	b->th.timer_slack_ns = (uint64_t)slack;

	memset(&rc, 0, sizeof(rc));
	if (ptrace((enum __ptrace_request)PTRACE_GET_RSEQ_CONFIGURATION_REQ, tid, sizeof(rc), &rc) < 0 && errno != EIO) {
		pr_perror("Can't read the rseq registration of %d", tid);
		return -1;
	}
	if (rc.rseq_abi_pointer) {
		rseq_entry__init(&b->rseq);
		b->rseq.rseq_abi_pointer = rc.rseq_abi_pointer;
		b->rseq.rseq_abi_size = rc.rseq_abi_size;
		b->rseq.signature = rc.signature;
		b->th.rseq_entry = &b->rseq;
	}

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", it->pid, tid);
	if (read_proc_file(path, b->comm, sizeof(b->comm)) < 0)
		return -1;
	b->comm[strcspn(b->comm, "\n")] = '\0';
	b->th.comm = b->comm;

	errno = 0;
	b->th.sched_nice = getpriority(PRIO_PROCESS, tid);
	b->th.has_sched_nice = errno == 0;
	b->th.sched_policy = (uint32_t)sched_getscheduler(tid);
	b->th.has_sched_policy = true;
	{
		struct sched_param sp;

		if (sched_getparam(tid, &sp) == 0) {
			b->th.has_sched_prio = true;
			b->th.sched_prio = (uint32_t)sp.sched_priority;
		}
	}

	if (dump_creds(it->pid, tid, b, task, idx) || peek_signals(tid, false, &b->sigq_p))
		return -1;
	b->th.signals_p = &b->sigq_p;
	(void)ctx;
	return 0;
}

static int dump_sigactions(struct compel_task *task, struct core_bufs *b, struct scratch *s)
{
	int sig;

	for (sig = 1; sig <= NR_SIGS; sig++) {
		SaEntry *e = &b->sa[sig - 1];
		struct {
			uint64_t handler, flags, restorer, mask;
		} ka = { 0 };

		sa_entry__init(e);
		b->sap[sig - 1] = e;
		if (sig != SIGKILL && sig != SIGSTOP &&
		    (rsys(task, 0, SYS_rt_sigaction, NULL, sig, 0, s->addr, 8) ||
		     scratch_read(s, &ka, sizeof(ka))))
			return -1;
		e->sigaction = ka.handler;
		e->flags = ka.flags;
		e->restorer = ka.restorer;
		e->mask = ka.mask;
	}
	b->tc.n_sigactions = NR_SIGS;
	b->tc.sigactions = b->sap;
	return 0;
}

static int dump_itimers(struct compel_task *task, struct core_bufs *b, struct scratch *s)
{
	int i;

	task_timers_entry__init(&b->timers);
	for (i = 0; i < 3; i++) {
		struct {
			int64_t isec, iusec, vsec, vusec;
		} it;

		if (rsys(task, 0, SYS_getitimer, NULL, i, s->addr, 0, 0) ||
		    scratch_read(s, &it, sizeof(it)))
			return -1;
		itimer_entry__init(&b->itimers[i]);
		b->itimers[i].isec = it.isec;
		b->itimers[i].iusec = it.iusec;
		b->itimers[i].vsec = it.vsec;
		b->itimers[i].vusec = it.vusec;
	}
	b->timers.real = &b->itimers[0];
	b->timers.virt = &b->itimers[1];
	b->timers.prof = &b->itimers[2];
	b->tc.timers = &b->timers;
	return 0;
}

/* Add an entry for the block of /proc/PID/timers that starts with "ID: n". */
static PosixTimerEntry *add_posix_timer(struct core_bufs *b, int id)
{
	size_t n = b->timers.n_posix;
	PosixTimerEntry *e = calloc(1, sizeof(*e));
	PosixTimerEntry **v = realloc(b->ptimerp, (n + 1) * sizeof(*v));

	if (!e || !v) {
		free(e);
		if (v)
			b->ptimerp = v;
		return NULL;
	}
	b->ptimerp = v;
	posix_timer_entry__init(e);
	e->it_id = (uint32_t)id;
	v[n] = e;
	b->timers.n_posix = n + 1;
	b->timers.posix = v;
	return e;
}

/*
 * "notify: signal/pid.N", "none/pid.N", "thread/pid.N" or "signal/tid.N"
 * for SIGEV_THREAD_ID: the sigev_notify the task passed to timer_create.
 */
static int parse_timer_notify(PosixTimerEntry *e, const char *val)
{
	char how[16], who[8];
	int n;

	if (sscanf(val, "%15[a-z]/%7[a-z].%d", how, who, &n) != 3)
		return -1;
	if (!strcmp(how, "signal"))
		e->it_sigev_notify = SIGEV_SIGNAL;
	else if (!strcmp(how, "none"))
		e->it_sigev_notify = SIGEV_NONE;
	else if (!strcmp(how, "thread"))
		e->it_sigev_notify = SIGEV_THREAD;
	else
		return -1;
	if (!strcmp(who, "tid")) {
		e->it_sigev_notify |= SIGEV_THREAD_ID;
		e->has_notify_thread_id = true;
		e->notify_thread_id = n;
	}
	return 0;
}

static int parse_timer_line(struct core_bufs *b, PosixTimerEntry **cur, const char *line)
{
	unsigned long long ptr;
	int n;

	if (sscanf(line, "ID: %d", &n) == 1) {
		*cur = add_posix_timer(b, n);
		return *cur ? 0 : -1;
	}
	if (!*cur)
		return -1;
	if (!strncmp(line, "signal: ", 8)) {
		if (sscanf(line + 8, "%d/%llx", &n, &ptr) != 2)
			return -1;
		(*cur)->si_signo = (uint32_t)n;
		(*cur)->sival_ptr = ptr;
		return 0;
	}
	if (!strncmp(line, "notify: ", 8))
		return parse_timer_notify(*cur, line + 8);
	if (sscanf(line, "ClockID: %d", &n) == 1) {
		(*cur)->clock_id = (uint32_t)n;
		return 0;
	}
	return 0;
}

/* What timer_create was told, as /proc/PID/timers shows it (newest first). */
static int parse_posix_timers(pid_t pid, struct core_bufs *b)
{
	PosixTimerEntry *cur = NULL;
	char path[64], *line = NULL;
	size_t len = 0;
	int ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/timers", pid);
	f = fopen(path, "re");
	if (!f) {
		pr_perror("Can't open %s", path);
		return -1;
	}
	while (!ret && getline(&line, &len, f) > 0) {
		ret = parse_timer_line(b, &cur, line);
		if (ret)
			pr_err("Can't parse \"%s\" in %s\n", line, path);
	}
	free(line);
	fclose(f);
	return ret;
}

/*
 * The state only the task can tell: time left (timer_gettime moves an
 * interval timer whose signal is pending past now, as any reader would)
 * and the overrun of the last signal delivered.
 */
static int dump_posix_timers(pid_t pid, struct compel_task *task, struct core_bufs *b,
			     struct scratch *s)
{
	size_t i;

	if (parse_posix_timers(pid, b))
		return -1;
	for (i = 0; i < b->timers.n_posix; i++) {
		PosixTimerEntry *e = b->timers.posix[i];
		struct {
			int64_t isec, insec, vsec, vnsec;
		} its;
		long overrun;

		if (rsys(task, 0, SYS_timer_gettime, NULL, e->it_id, s->addr, 0, 0) ||
		    scratch_read(s, &its, sizeof(its)) ||
		    rsys(task, 0, SYS_timer_getoverrun, &overrun, e->it_id, 0, 0, 0))
			return -1;
		e->isec = (uint64_t)its.isec;
		e->insec = (uint64_t)its.insec;
		e->vsec = (uint64_t)its.vsec;
		e->vnsec = (uint64_t)its.vnsec;
		e->overrun = (uint32_t)overrun;
	}
	return 0;
}

/*
 * Read from /proc/PID/limits: prlimit(2) on another user's task needs
 * CAP_SYS_RESOURCE, which root may lack (it does in containers), and asking
 * from inside the task costs a remote system call per limit.
 */
static int dump_rlimits(pid_t pid, struct core_bufs *b)
{
	struct rlimit rl[NR_RLIMITS];
	int i;

	if (parse_pid_limits(pid, rl, NR_RLIMITS))
		return -1;
	task_rlimits_entry__init(&b->rlimits);
	for (i = 0; i < NR_RLIMITS; i++) {
		rlimit_entry__init(&b->rl[i]);
		b->rl[i].cur = rl[i].rlim_cur;
		b->rl[i].max = rl[i].rlim_max;
		b->rlp[i] = &b->rl[i];
	}
	b->rlimits.n_rlimits = NR_RLIMITS;
	b->rlimits.rlimits = b->rlp;
	b->tc.rlimits = &b->rlimits;
	return 0;
}

static int dump_task_misc(struct pstree_item *it, struct core_bufs *b, struct scratch *s)
{
	struct dump_item *di = dump_item(it);
	struct compel_task *task = di->task;
	char path[64], buf[32];
	long v;
	int subreaper = 0;

	b->tc.task_state = compel_task_was_stopped(task) ? TASK_STATE_STOPPED : TASK_STATE_ALIVE;
	if (b->tc.task_state == TASK_STATE_STOPPED) {
		b->tc.has_stop_signo = true;
		b->tc.stop_signo = SIGSTOP;
	}
	b->tc.exit_code = 0;
	snprintf(path, sizeof(path), "/proc/%d/personality", it->pid);
	if (read_proc_file(path, buf, sizeof(buf)) < 0)
		return -1;
	b->tc.personality = (uint32_t)strtoul(buf, NULL, 16);
	b->tc.flags = (uint32_t)di->stat.flags;
	b->tc.blk_sigset = compel_thread_sigmask(task, 0);
	b->tc.comm = dump_item(it)->cores[0]->thread_core->comm;
	if (rsys(task, 0, SYS_prctl, NULL, PR_GET_CHILD_SUBREAPER, s->addr, 0, 0) ||
	    scratch_read(s, &subreaper, sizeof(subreaper)))
		return -1;
	b->tc.has_child_subreaper = true;
	b->tc.child_subreaper = subreaper != 0;
	if (rsys(task, 0, SYS_brk, &v, 0, 0, 0, 0))
		return -1;
	di->brk = (uint64_t)v;
	if (rsys(task, 0, SYS_prctl, &v, PR_GET_DUMPABLE, 0, 0, 0))
		return -1;
	di->dumpable = (int)v;
	if (rsys(task, 0, SYS_prctl, &v, PR_GET_THP_DISABLE, 0, 0, 0))
		return -1;
	di->thp_disabled = (int)v;
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", it->pid);
	if (read_proc_file(path, buf, sizeof(buf)) < 0)
		return -1;
	b->tc.has_oom_score_adj = true;
	b->tc.oom_score_adj = atoi(buf);
	/* Through a traced thread: a leader that has exited is not one. */
	if (peek_signals(compel_thread_tid(task, 0), true, &b->sigq_s))
		return -1;
	b->tc.signals_s = &b->sigq_s;
	b->ids.vm_id = b->ids.files_id = b->ids.fs_id = b->ids.sighand_id = (uint32_t)it->pid;
	return 0;
}

/* A zombie: only its identity and how it died. */
static int dump_zombie_core(struct pstree_item *it)
{
	struct dump_item *di = dump_item(it);
	struct core_bufs *b = calloc(1, sizeof(*b));

	if (!b)
		return -1;
	init_core(b, true);
	di->cores[0] = &b->core;
	b->tc.task_state = TASK_STATE_DEAD;
	b->tc.exit_code = (uint32_t)di->stat.exit_code;
	snprintf(b->comm, sizeof(b->comm), "%s", di->stat.comm);
	b->tc.comm = b->comm;
	b->ids.vm_id = b->ids.files_id = b->ids.fs_id = b->ids.sighand_id = (uint32_t)it->pid;
	/* Its registers are gone: the image still needs a thread_info. */
	{
		struct compel_regs none = { 0 };
		static uint8_t fx[576];

		none.xstate = fx;
		none.xstate_size = sizeof(fx);
		if (arch_regs_to_core(&b->core, &none, 0))
			return -1;
	}
	return 0;
}

int dump_task_core(struct dump_ctx *ctx, struct pstree_item *it)
{
	struct dump_item *di = dump_item(it);
	struct scratch s = { 0, -1 };
	struct core_bufs *b;
	unsigned int i;
	int ret = -1;

	di->cores = calloc(it->nr_threads, sizeof(*di->cores));
	if (!di->cores)
		return -1;
	if (!di->task)
		return dump_zombie_core(it);
	if (scratch_open(di->task, &s))
		goto out;
	for (i = 0; i < it->nr_threads; i++)
		if (dump_thread(ctx, it, i, &s))
			goto out;
	b = container_of(di->cores[0], struct core_bufs, core);
	if (dump_task_misc(it, b, &s) || dump_sigactions(di->task, b, &s) ||
	    dump_itimers(di->task, b, &s) || dump_posix_timers(it->pid, di->task, b, &s) ||
	    dump_rlimits(pstree_proc_pid(it), b))
		goto out;
	ret = 0;
out:
	scratch_close(di->task, &s);
	return ret;
}

int write_task_cores(struct dump_ctx *ctx, struct pstree_item *it)
{
	unsigned int i;

	for (i = 0; i < it->nr_threads; i++) {
		struct cr_img *img = open_image_at(ctx->dfd, CR_FD_CORE, O_DUMP, it->threads[i]);

		if (!img)
			return -1;
		if (pb_write_one(img, dump_item(it)->cores[i], PB_CORE)) {
			close_image(img);
			return -1;
		}
		if (close_image(img))
			return -1;
	}
	return 0;
}

static void free_sigq(SignalQueueEntry *q)
{
	size_t i;

	for (i = 0; i < q->n_signals; i++)
		free(q->signals[i]);
	free(q->signals);
}

static void free_posix_timers(struct core_bufs *b)
{
	size_t i;

	for (i = 0; i < b->timers.n_posix; i++)
		free(b->ptimerp[i]);
	free(b->ptimerp);
}

void free_task_cores(struct pstree_item *it)
{
	struct dump_item *di = dump_item(it);
	unsigned int i;

	if (!di || !di->cores)
		return;
	for (i = 0; i < it->nr_threads; i++) {
		struct core_bufs *b;

		if (!di->cores[i])
			continue;
		b = container_of(di->cores[i], struct core_bufs, core);
		arch_free_core_regs(&b->core);
		free_sigq(&b->sigq_p);
		free_sigq(&b->sigq_s);
		free(b->groups);
		free_posix_timers(b);
		free(b);
	}
	free(di->cores);
	di->cores = NULL;
}
