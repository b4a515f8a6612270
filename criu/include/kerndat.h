/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_KERNDAT_H
#define CRIU_KERNDAT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * What the running kernel can do, probed once per boot and cached in a file
 * (like CRIU's /run/criu.kdat): the probes fork, ptrace and open sockets, too
 * slow to repeat on every dump.  Read the global `kdat` after kerndat_init().
 */

enum dirty_track_kind {
	DIRTY_TRACK_NONE = 0,
	DIRTY_TRACK_SOFT_DIRTY, /* clear_refs 4 + pagemap bit 55 */
	DIRTY_TRACK_UFFD_WP, /* userfaultfd WP_ASYNC + PAGEMAP_SCAN */
};

/* vDSO entry points whose offsets are recorded; see vdso_sym_names[]. */
enum vdso_sym {
	VDSO_SYM_CLOCK_GETTIME,
	VDSO_SYM_GETTIMEOFDAY,
	VDSO_SYM_TIME,
	VDSO_SYM_GETCPU,
	VDSO_SYM_CLOCK_GETRES,
	VDSO_SYM_NR,
};

extern const char *const vdso_sym_names[VDSO_SYM_NR];

struct kerndat_vdso {
	bool present;
	uint64_t vdso_size;
	/* All [vvar*] areas (6.13+ splits out [vvar_vclock]) as one block. */
	uint64_t vvar_size;
	/* vvar block start minus vdso start: negative when vvar comes first. */
	int64_t vvar_off;
	/* Offset of each symbol from the vdso start; 0 when not exported. */
	uint64_t sym_off[VDSO_SYM_NR];
	/* arch_prctl(ARCH_MAP_VDSO_64) exists: restore can map a fresh vDSO. */
	bool can_map_vdso;
};

struct kerndat {
	/* ptrace */
	bool has_ptrace_seize; /* PTRACE_SEIZE + PTRACE_INTERRUPT */
	bool has_peeksiginfo;
	bool has_suspend_seccomp; /* PTRACE_O_SUSPEND_SECCOMP */
	bool has_seccomp_filters; /* PTRACE_SECCOMP_GET_FILTER */
	bool has_get_rseq_conf; /* PTRACE_GET_RSEQ_CONFIGURATION */

	/* pids and namespaces */
	bool has_clone3;
	bool has_clone3_set_tid;
	bool has_ns_last_pid;
	bool has_nspid; /* NSpid: in /proc/PID/status */
	bool has_pidfd_open;
	bool has_pidfd_getfd;
	bool has_timens;
	bool has_cgroupns;
	bool has_userns;

	/* memory */
	bool has_map_files;
	bool has_soft_dirty;
	bool has_uffd;
	uint64_t uffd_features; /* what UFFDIO_API offers; 0 without uffd */
	bool has_pagemap_scan;
	bool has_uffd_wp_tracker; /* WP_ASYNC + PAGEMAP_SCAN tested end to end */
	enum dirty_track_kind dirty_track; /* the backend dumps will use */
	bool has_memfd;
	bool has_memfd_hugetlb;

	/* files */
	bool has_kcmp;
	bool has_kcmp_epoll_tfd;

	/* credentials */
	uint32_t cap_last_cap;

	/* rseq */
	bool has_rseq;
	uint32_t glibc_rseq_size; /* __rseq_size: 0 when glibc did not register */

	/* network */
	bool has_tcp_repair;
	bool has_tcp_repair_window;
	bool has_tcp_half_closed;
	bool sk_diag_unix;
	bool sk_diag_tcp;
	bool sk_diag_udp;
	bool sk_diag_tcp6;
	bool sk_diag_udp6;
	bool sk_diag_netlink;
	bool sk_diag_packet;

	/* cgroups */
	bool has_cgroup2; /* the kernel offers cgroup2 */
	bool cgroup2_mounted; /* and some cgroup2 is mounted here */

	struct kerndat_vdso vdso;
};

extern struct kerndat kdat;

/* What a cache file must match to be trusted: one boot of one kernel. */
struct kerndat_id {
	char boot_id[64];
	char release[65];
	char version[65];
};

/* Default cache location; the CRIU_KDAT_CACHE environment variable overrides it. */
#define KDAT_CACHE_DEFAULT "/run/criu.kdat"

/*
 * Fill kdat: from the cache when it was written on this boot of this
 * kernel, else by probing, then refresh the cache.  Idempotent.
 */
int kerndat_init(void);

/* True when kerndat_init() took the results from the cache file. */
bool kerndat_from_cache(void);

const char *kerndat_cache_path(void);
int kerndat_get_id(struct kerndat_id *id);

/* Probe everything on the running kernel; no cache involved. */
int kerndat_probe(struct kerndat *kd);

/*
 * The cache file itself.  kerndat_load() returns 0 when kd was filled, 1 when
 * the file is missing or does not match id (stale, or from another format),
 * -1 on an I/O error.  kerndat_save() replaces the file atomically.
 */
int kerndat_load(const char *path, const struct kerndat_id *id, struct kerndat *kd);
int kerndat_save(const char *path, const struct kerndat_id *id, const struct kerndat *kd);

const char *dirty_track_name(enum dirty_track_kind kind);

#endif
