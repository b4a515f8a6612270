/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_RESTORER_H
#define CRIU_RESTORER_H

/*
 * What criu hands the restorer blob (criu/pie/restorer.c) in each restored
 * task.  Both sides see this header, so it is freestanding: fixed-size types,
 * no libc, no pointers but absolute addresses inside the restore area.
 *
 * The restore area is one range of addresses that no mapping of the restored
 * tree uses; criu reserves it before forking the tree, so every task has it
 * free.  It holds the sync page shared by all tasks, then per task: the
 * restorer blob, these arguments, the thread stacks and the premapped
 * memory.  The restorer unmaps everything outside it, puts every mapping in
 * place, sets the process-wide state, starts the threads and parks them;
 * criu then seizes the tree, loads each thread's registers through ptrace,
 * unmaps the restore area and lets the tree go.
 */
#include <stdint.h>

#define RST_MAGIC 0x52535452U /* "RSTR" */

/* rst_vma.how */
enum {
	RST_VMA_PREMAPPED = 1, /* filled at premap: move it into place */
	RST_VMA_ANON = 2,      /* private anonymous without data: map fresh */
	RST_VMA_FILE = 3,      /* map @fd at @pgoff (shared file, memfd, shmem) */
};

struct rst_vma {
	uint64_t start, end; /* final place */
	uint64_t premap;     /* where RST_VMA_PREMAPPED memory is now */
	uint64_t pgoff;      /* bytes */
	uint64_t madv;       /* bit N set: madvise(MADV N) */
	uint32_t prot;
	uint32_t flags;      /* MAP_* */
	int32_t fd;          /* RST_VMA_FILE */
	uint32_t how;
};

struct rst_siginfo {
	uint8_t info[128]; /* siginfo_t as the kernel lays it out */
};

struct rst_thread {
	int32_t tid;
	uint32_t nr_pending;       /* signals queued to this thread alone */
	uint64_t pending;          /* address of rst_siginfo[nr_pending] */
	uint64_t clear_child_tid;
	uint64_t sas_sp, sas_size; /* sigaltstack */
	uint32_t sas_flags;
	uint32_t rseq_len;         /* 0: no rseq registration */
	uint64_t rseq_abi;
	uint32_t rseq_sig;
	int32_t pdeath_sig;
	char comm[16];
	uint64_t stack_top;        /* restorer stack of this thread */
	/* Credentials are per thread in the kernel. */
	uint32_t uids[4], gids[4]; /* real, effective, saved, fs */
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	uint32_t secbits;
	uint32_t no_new_privs;
	uint64_t timerslack_ns;
	int32_t sched_policy; /* -1: leave as is */
	int32_t sched_prio;
	int32_t nice;
	/*
	 * Interrupted in a relative sleep: park in clock_nanosleep(sleep_clock)
	 * for what is left at sleep_rmtp, so that the interruption by criu
	 * leaves the kernel's restart data the thread's restart_syscall needs.
	 */
	int32_t sleep_clock;
	uint64_t sleep_rmtp; /* 0: park on the futex */
};

struct rst_sigaction {
	uint64_t handler, flags, restorer, mask;
};

struct rst_itimer {
	int64_t interval_sec, interval_usec, value_sec, value_usec;
};

/* A POSIX timer, created again with its id by the leader once its threads exist. */
struct rst_posix_timer {
	int32_t id;
	int32_t clock;
	int32_t notify; /* sigev_notify, SIGEV_THREAD_ID included */
	int32_t signo;
	int32_t notify_tid;
	/*
	 * Its signal was pending at dump: the timer fires at once so that the
	 * kernel queues its own signal again, and later expiries count as
	 * overruns of that signal, as they did before.
	 */
	uint32_t fire;
	uint64_t sival;
	int64_t interval_sec, interval_nsec, value_sec, value_nsec;
};

struct rst_rlimit {
	uint64_t cur, max;
};

/* struct prctl_mm_map of PR_SET_MM_MAP (Linux 3.18). */
struct rst_mm_map {
	uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t auxv;      /* address of the saved auxv words */
	uint32_t auxv_size; /* bytes */
	uint32_t exe_fd;
};

#define RST_NSIG 64
#define RST_NR_RLIMITS 16

/* The sync page shared by criu and every restored task. */
struct rst_sync {
	uint32_t nr_tasks;   /* tasks that will report */
	uint32_t nr_forked;  /* tasks that exist with their children (futex word) */
	uint32_t nr_ready;   /* tasks parked and ready to be seized (futex word) */
	int32_t error;       /* first failure: the task's pid, 0 if none */
	uint32_t go;         /* futex word the parked threads sleep on, never woken */
	uint32_t pad;
	uint64_t pages_restored; /* summed by the tasks, for stats-restore */
	char errmsg[256];
};

struct task_restore_args {
	uint32_t magic;
	int32_t pid;
	int32_t log_fd;
	uint32_t log_level;

	uint64_t area_start, area_end; /* the restore area, kept while restoring */
	uint64_t sync;                  /* struct rst_sync in the area */

	uint32_t nr_vmas;
	uint32_t nr_threads; /* thread 0 is the leader */
	uint64_t vmas;       /* address of rst_vma[nr_vmas] */
	uint64_t threads;    /* address of rst_thread[nr_threads] */

	/* The vDSO: mapped fresh by the kernel where the image had it. */
	uint64_t vdso_block_start; /* start of [vvar...][vdso] as dumped; 0: none */

	struct rst_mm_map mm;
	uint32_t dumpable;
	uint32_t thp_disabled;
	uint32_t personality;
	uint32_t umask;
	uint32_t child_subreaper;
	uint32_t leader_exited; /* the leader only sets the process up, then exits */
	uint32_t nr_groups;
	uint64_t groups; /* address of uint32_t[nr_groups] */

	struct rst_sigaction sigactions[RST_NSIG];
	struct rst_itimer itimers[3]; /* ITIMER_REAL, _VIRTUAL, _PROF */
	struct rst_rlimit rlimits[RST_NR_RLIMITS];
	uint32_t nr_rlimits;
	uint32_t nr_shared_pending; /* signals queued to the whole process */
	uint64_t shared_pending;    /* address of rst_siginfo[] */

	uint32_t nr_posix_timers;
	uint32_t pad2;
	uint64_t posix_timers; /* address of rst_posix_timer[], in creation order */

	/* Threads other than the leader that are done and parked (futex word). */
	uint32_t threads_parked;
	uint32_t pad;

	/* Fds the restorer closes once the mappings no longer need them. */
	uint32_t nr_close_fds;
	int32_t close_fds[64];
};

#endif
