/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_PROC_PARSE_H
#define CRIU_PROC_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Fields of /proc/PID/stat (and .../task/TID/stat) that checkpointing needs. */
struct proc_pid_stat {
	pid_t pid;
	char comm[17];
	char state;
	pid_t ppid;
	pid_t pgid;
	pid_t sid;
	int tty_nr;
	unsigned long flags;
	long priority;
	long nice;
	unsigned int num_threads;
	unsigned long long start_time;
	unsigned long vsize;
	unsigned long rss;
	unsigned long start_code;
	unsigned long end_code;
	unsigned long start_stack;
	int exit_signal;
	unsigned int rt_priority;
	unsigned int policy;
	unsigned long start_data;
	unsigned long end_data;
	unsigned long start_brk;
	unsigned long arg_start;
	unsigned long arg_end;
	unsigned long env_start;
	unsigned long env_end;
	int exit_code;
};

/* Identity and signal state from /proc/PID/status. */
struct proc_status {
	pid_t tgid;
	pid_t pid;
	pid_t ppid;
	char state;
	unsigned int uids[4]; /* real, effective, saved, fs */
	unsigned int gids[4];
	unsigned int ngroups;
	unsigned int groups[65536];
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	uint64_t sig_pnd, shd_pnd, sig_blk, sig_ign, sig_cgt;
	int seccomp_mode;
	int no_new_privs;
	int umask; /* -1 when the kernel does not show it */
	unsigned int nr_nspid;
	pid_t nspid[32]; /* pid in each pid namespace, outermost first */
};

/* One line of /proc/PID/smaps (plus its VmFlags). */
struct proc_vma {
	unsigned long start, end;
	unsigned long pgoff;
	unsigned int prot;  /* PROT_* */
	bool shared;        /* 's' in the flags column */
	unsigned int dev_maj, dev_min;
	unsigned long ino;
	char path[4096];    /* "" for anonymous, "[heap]", "[stack]", "[vdso]" ... */
	bool deleted;       /* path ended in " (deleted)", stripped from path */
	unsigned long vm_flags; /* PROC_VMF_* from the VmFlags line */
	unsigned long rss_kb, anon_kb, swap_kb;
	unsigned long thp_eligible;
	unsigned int pkey; /* ProtectionKey: (0 also where the CPU has none) */
};

/* VmFlags two-letter codes that matter to checkpointing. */
enum {
	PROC_VMF_GROWSDOWN = 1 << 0, /* gd */
	PROC_VMF_LOCKED = 1 << 1,    /* lo */
	PROC_VMF_IO = 1 << 2,        /* io */
	PROC_VMF_SEQ_READ = 1 << 3,  /* sr */
	PROC_VMF_RAND_READ = 1 << 4, /* rr */
	PROC_VMF_DONTCOPY = 1 << 5,  /* dc */
	PROC_VMF_DONTEXPAND = 1 << 6, /* de */
	PROC_VMF_ACCOUNT = 1 << 7,   /* ac */
	PROC_VMF_NORESERVE = 1 << 8, /* nr */
	PROC_VMF_HUGETLB = 1 << 9,   /* ht */
	PROC_VMF_NONLINEAR = 1 << 10, /* nl */
	PROC_VMF_ARCH = 1 << 11,     /* ar */
	PROC_VMF_WIPEONFORK = 1 << 12, /* wf */
	PROC_VMF_DONTDUMP = 1 << 13, /* dd */
	PROC_VMF_MERGEABLE = 1 << 14, /* mg */
	PROC_VMF_HUGEPAGE = 1 << 15, /* hg */
	PROC_VMF_NOHUGEPAGE = 1 << 16, /* nh */
	PROC_VMF_PFNMAP = 1 << 17,   /* pf */
	PROC_VMF_MIXEDMAP = 1 << 18, /* mm */
	PROC_VMF_UFFD_MISSING = 1 << 19, /* um */
	PROC_VMF_UFFD_WP = 1 << 20,  /* uw */
	PROC_VMF_SOFTDIRTY = 1 << 21, /* sd */
	PROC_VMF_SHADOW_STACK = 1 << 22, /* ss */
	PROC_VMF_SEALED = 1 << 23,   /* sl */
};

/*
 * Parsers return 0 on success, -1 with the file named in the log on error.
 * pid 0 means "self"; tid 0 means the process, not a thread.
 */
int parse_pid_stat(pid_t pid, pid_t tid, struct proc_pid_stat *st);
int parse_pid_status(pid_t pid, pid_t tid, struct proc_status *st);

/* Calls fn for every VMA in address order; a non-zero return stops the walk. */
typedef int (*proc_vma_fn)(const struct proc_vma *vma, void *arg);
int parse_smaps(pid_t pid, proc_vma_fn fn, void *arg);
/*
 * The same from /proc/PID/maps: no VmFlags, ProtectionKey or sizes (all 0),
 * but no walk of the page tables either (smaps: 11 ms per GiB mapped).
 */
int parse_maps(pid_t pid, proc_vma_fn fn, void *arg);

/* Pure line parsers, exposed for unit tests. */
int parse_stat_line(const char *buf, struct proc_pid_stat *st);
int parse_maps_line(const char *line, struct proc_vma *vma);
unsigned long parse_vmflags(const char *flags);

/* A whole small /proc file into @buf, NUL-terminated; bytes read or -1 (logged). */
ssize_t read_proc_file(const char *path, char *buf, size_t size);

/*
 * The first @nr resource limits of @pid from /proc/PID/limits (readable
 * without CAP_SYS_RESOURCE, unlike prlimit(2) on another user's task).
 */
int parse_pid_limits(pid_t pid, struct rlimit *rl, unsigned int nr);
/* The same from the file's text; -1 if it is not shaped as the kernel prints it. */
int parse_limits(const char *buf, struct rlimit *rl, unsigned int nr);

/* Appends the children of thread @tid of @pid to *pids (realloc'ed). */
int parse_children(pid_t pid, pid_t tid, pid_t **pids, size_t *nr);

/* Lists the numeric entries of a /proc directory (tasks, fds). */
typedef int (*proc_dir_fn)(int num, void *arg);
int proc_dir_each(const char *path, proc_dir_fn fn, void *arg);

#endif
