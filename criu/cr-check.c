// SPDX-License-Identifier: GPL-2.0
/*
 * `criu check`: turn the kerndat answers into a verdict, naming for each
 * missing feature what the user loses without it.
 */

#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/compiler.h"
#include "cr-check.h"
#include "cr_options.h"
#include "kerndat.h"
#include "log.h"
#include "uffd.h"

enum chk_cat {
	CHK_BASIC, /* always checked: dump or restore can't work without it */
	CHK_EXTRA, /* with --extra: needed by some process trees */
	CHK_ALL, /* with --all: the building blocks behind the above */
};

enum chk_result {
	CHK_OK,
	CHK_MISSING,
	CHK_COVERED, /* missing, but another feature does the job here */
};

struct chk_feature {
	const char *name;
	enum chk_cat cat;
	bool alias; /* another name of a check listed before: skipped in bulk runs */
	enum chk_result (*check)(char *note, size_t len);
	const char *cost;
};

static enum chk_result yes_no(bool present, char *note, size_t len, const char *why)
{
	if (!present && why)
		snprintf(note, len, "%s", why);
	return present ? CHK_OK : CHK_MISSING;
}

static enum chk_result chk_map_files(char *note, size_t len)
{
	return yes_no(kdat.has_map_files, note, len, "/proc/PID/map_files is not accessible");
}

static enum chk_result chk_ptrace_seize(char *note, size_t len)
{
	return yes_no(kdat.has_ptrace_seize, note, len, "PTRACE_SEIZE/PTRACE_INTERRUPT failed");
}

static enum chk_result chk_suspend_seccomp(char *note, size_t len)
{
	return yes_no(kdat.has_suspend_seccomp, note, len,
		      "PTRACE_O_SUSPEND_SECCOMP refused (needs CONFIG_SECCOMP, CAP_SYS_ADMIN)");
}

static enum chk_result chk_seccomp_filters(char *note, size_t len)
{
	return yes_no(kdat.has_seccomp_filters, note, len, "PTRACE_SECCOMP_GET_FILTER missing");
}

static enum chk_result chk_get_rseq_conf(char *note, size_t len)
{
	return yes_no(kdat.has_get_rseq_conf, note, len,
		      "PTRACE_GET_RSEQ_CONFIGURATION missing (Linux 5.13)");
}

static enum chk_result chk_ns_last_pid(char *note, size_t len)
{
	if (kdat.has_ns_last_pid)
		return CHK_OK;
	snprintf(note, len, "/proc/sys/kernel/ns_last_pid is missing");
	return kdat.has_clone3_set_tid ? CHK_COVERED : CHK_MISSING;
}

static enum chk_result chk_clone3_set_tid(char *note, size_t len)
{
	return yes_no(kdat.has_clone3_set_tid, note, len,
		      kdat.has_clone3 ? "clone3 has no set_tid (Linux 5.5)" : "no clone3 syscall");
}

static enum chk_result chk_pidfd_store(char *note, size_t len)
{
	if (!kdat.has_pidfd_open)
		return yes_no(false, note, len, "no pidfd_open syscall (Linux 5.3)");
	return yes_no(kdat.has_pidfd_getfd, note, len, "no pidfd_getfd syscall (Linux 5.6)");
}

static enum chk_result chk_ns_pid(char *note, size_t len)
{
	return yes_no(kdat.has_nspid, note, len, "no NSpid in /proc/PID/status");
}

static enum chk_result chk_timens(char *note, size_t len)
{
	return yes_no(kdat.has_timens, note, len, "no /proc/self/ns/time (Linux 5.6)");
}

static enum chk_result chk_cgroupns(char *note, size_t len)
{
	return yes_no(kdat.has_cgroupns, note, len, "no /proc/self/ns/cgroup");
}

static enum chk_result chk_userns(char *note, size_t len)
{
	return yes_no(kdat.has_userns, note, len, "no /proc/self/ns/user");
}

static enum chk_result chk_kcmp(char *note, size_t len)
{
	return yes_no(kdat.has_kcmp, note, len, "kcmp syscall failed (CONFIG_KCMP)");
}

static enum chk_result chk_kcmp_epoll(char *note, size_t len)
{
	return yes_no(kdat.has_kcmp_epoll_tfd, note, len, "no KCMP_EPOLL_TFD (Linux 4.13)");
}

static enum chk_result chk_memfd(char *note, size_t len)
{
	return yes_no(kdat.has_memfd, note, len, "memfd_create failed");
}

static enum chk_result chk_memfd_hugetlb(char *note, size_t len)
{
	return yes_no(kdat.has_memfd_hugetlb, note, len, "memfd_create(MFD_HUGETLB) failed");
}

static enum chk_result chk_uffd(char *note, size_t len)
{
	return yes_no(kdat.has_uffd, note, len,
		      "no userfaultfd (CONFIG_USERFAULTFD, or not allowed)");
}

static enum chk_result uffd_feature(uint64_t mask, char *note, size_t len, const char *what)
{
	if (!kdat.has_uffd)
		return chk_uffd(note, len);
	return yes_no((kdat.uffd_features & mask) == mask, note, len, what);
}

static enum chk_result chk_uffd_noncoop(char *note, size_t len)
{
	return uffd_feature(UFFD_NONCOOP_FEATURES, note, len,
			    "userfaultfd lacks EVENT_FORK/REMAP/REMOVE/UNMAP");
}

static enum chk_result chk_uffd_wp(char *note, size_t len)
{
	return uffd_feature(UFFD_FEATURE_PAGEFAULT_FLAG_WP, note, len,
			    "userfaultfd has no write-protect mode");
}

static enum chk_result chk_uffd_wp_async(char *note, size_t len)
{
	return uffd_feature(UFFD_FEATURE_WP_ASYNC, note, len,
			    "userfaultfd has no UFFD_FEATURE_WP_ASYNC (Linux 6.7)");
}

static enum chk_result chk_uffd_minor(char *note, size_t len)
{
	return uffd_feature(UFFD_FEATURE_MINOR_SHMEM, note, len,
			    "userfaultfd has no minor faults on shmem (Linux 5.14)");
}

static enum chk_result chk_pagemap_scan(char *note, size_t len)
{
	return yes_no(kdat.has_pagemap_scan, note, len, "no PAGEMAP_SCAN ioctl (Linux 6.7)");
}

static enum chk_result chk_soft_dirty(char *note, size_t len)
{
	if (kdat.has_soft_dirty)
		return CHK_OK;
	if (kdat.has_uffd_wp_tracker) {
		snprintf(note, len,
			 "pagemap bit 55 stays clear, no CONFIG_MEM_SOFT_DIRTY; "
			 "the userfaultfd write-protect tracker is available instead");
		return CHK_COVERED;
	}
	snprintf(note, len, "pagemap bit 55 stays clear, no CONFIG_MEM_SOFT_DIRTY");
	return CHK_MISSING;
}

static const char *dirty_track_desc(enum dirty_track_kind kind)
{
	switch (kind) {
	case DIRTY_TRACK_SOFT_DIRTY:
		return "soft-dirty: clear_refs + pagemap bit 55";
	case DIRTY_TRACK_UFFD_WP:
		return "uffd-wp: userfaultfd WP_ASYNC + PAGEMAP_SCAN";
	default:
		return "none";
	}
}

static enum chk_result chk_mem_dirty_track(char *note, size_t len)
{
	if (kdat.dirty_track == DIRTY_TRACK_NONE) {
		snprintf(note, len,
			 "neither soft-dirty nor userfaultfd WP_ASYNC + PAGEMAP_SCAN works");
		return CHK_MISSING;
	}
	snprintf(note, len, "backend %s%s", dirty_track_desc(kdat.dirty_track),
		 kdat.has_soft_dirty ? "" : "; soft-dirty is missing");
	return CHK_OK;
}

static enum chk_result chk_rseq(char *note, size_t len)
{
	return yes_no(kdat.has_rseq, note, len, "no rseq syscall (Linux 4.18)");
}

static enum chk_result chk_tcp_repair(char *note, size_t len)
{
	return yes_no(kdat.has_tcp_repair, note, len, "setsockopt(TCP_REPAIR) refused");
}

static enum chk_result chk_tcp_half_closed(char *note, size_t len)
{
	return yes_no(kdat.has_tcp_half_closed, note, len,
		      "TCP_REPAIR refused on a half-closed socket");
}

static enum chk_result chk_diag_unix(char *note, size_t len)
{
	return yes_no(kdat.sk_diag_unix, note, len, "no unix sock_diag (CONFIG_UNIX_DIAG)");
}

static enum chk_result chk_diag_inet(char *note, size_t len)
{
	if (!kdat.sk_diag_tcp || !kdat.sk_diag_udp)
		return yes_no(false, note, len,
			      "no tcp/udp sock_diag (CONFIG_INET_DIAG, CONFIG_INET_UDP_DIAG)");
	return yes_no(kdat.sk_diag_tcp6 && kdat.sk_diag_udp6, note, len,
		      "no IPv6 tcp/udp sock_diag");
}

static enum chk_result chk_diag_netlink(char *note, size_t len)
{
	return yes_no(kdat.sk_diag_netlink, note, len,
		      "no netlink sock_diag (CONFIG_NETLINK_DIAG)");
}

static enum chk_result chk_diag_packet(char *note, size_t len)
{
	return yes_no(kdat.sk_diag_packet, note, len, "no packet sock_diag (CONFIG_PACKET_DIAG)");
}

static enum chk_result chk_cgroup2(char *note, size_t len)
{
	if (!kdat.has_cgroup2)
		return yes_no(false, note, len, "the kernel offers no cgroup2 filesystem");
	if (!kdat.cgroup2_mounted)
		snprintf(note, len, "offered by the kernel, not mounted here");
	return CHK_OK;
}

static enum chk_result chk_vdso(char *note, size_t len)
{
	const struct kerndat_vdso *v = &kdat.vdso;

	if (!v->present)
		return yes_no(false, note, len, "no [vdso] mapping");
	if (!v->sym_off[VDSO_SYM_CLOCK_GETTIME])
		return yes_no(false, note, len, "no clock_gettime in the vDSO symbol table");
	snprintf(note, len, "vdso %#llx bytes, vvar %#llx bytes at %+lld",
		 (unsigned long long)v->vdso_size, (unsigned long long)v->vvar_size,
		 (long long)v->vvar_off);
	return CHK_OK;
}

static enum chk_result chk_can_map_vdso(char *note, size_t len)
{
	return yes_no(kdat.vdso.can_map_vdso, note, len, "no arch_prctl(ARCH_MAP_VDSO_*)");
}

static bool holds_cap_checkpoint_restore(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(__NR_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_CHECKPOINT_RESTORE)].effective &
	       CAP_TO_MASK(CAP_CHECKPOINT_RESTORE);
}

static enum chk_result chk_cap_checkpoint_restore(char *note, size_t len)
{
	if (kdat.cap_last_cap < CAP_CHECKPOINT_RESTORE)
		return yes_no(false, note, len, "the kernel predates CAP_CHECKPOINT_RESTORE (5.9)");
	snprintf(note, len, "this process %s it",
		 holds_cap_checkpoint_restore() ? "holds" : "does not hold");
	return CHK_OK;
}

#define NO_DUMP "no dump at all: "

static const struct chk_feature features[] = {
	/* Basic: what every dump and restore relies on. */
	{ "ptrace-seize", CHK_BASIC, false, chk_ptrace_seize, NO_DUMP "tasks can't be frozen" },
	{ "map_files", CHK_BASIC, false, chk_map_files,
	  NO_DUMP "file and shared mappings can't be identified" },
	{ "kcmp", CHK_BASIC, false, chk_kcmp,
	  NO_DUMP "files, mm and fs shared between tasks can't be told apart" },
	{ "sock-diag-unix", CHK_BASIC, false, chk_diag_unix,
	  NO_DUMP "unix sockets, which almost every task has, can't be dumped" },
	{ "sock-diag-inet", CHK_BASIC, false, chk_diag_inet,
	  "tasks with TCP or UDP sockets can't be dumped" },
	{ "tcp-repair", CHK_BASIC, false, chk_tcp_repair,
	  "established TCP connections can't be dumped or restored (--tcp-established)" },
	{ "ns_last_pid", CHK_BASIC, false, chk_ns_last_pid,
	  "restore can't give tasks their original pids" },

	/* Extra: CRIU's names first, so callers of CRIU keep working. */
	{ "mem_dirty_track", CHK_EXTRA, false, chk_mem_dirty_track,
	  "pre-dump, incremental dumps and iterative migration can't skip unchanged memory" },
	{ "seccomp_suspend", CHK_EXTRA, false, chk_suspend_seccomp,
	  "tasks under a seccomp filter can't be dumped" },
	{ "seccomp_filters", CHK_EXTRA, false, chk_seccomp_filters,
	  "seccomp filters can't be dumped, so filtered tasks can't be dumped" },
	{ "get_rseq_conf", CHK_EXTRA, false, chk_get_rseq_conf,
	  "tasks with a registered rseq area can't be dumped" },
	{ "clone3_set_tid", CHK_EXTRA, false, chk_clone3_set_tid,
	  "restore falls back to ns_last_pid, racy and impossible in nested pid namespaces" },
	{ "pidfd_store", CHK_EXTRA, false, chk_pidfd_store,
	  "pid reuse between pre-dumps can't be detected (--pidfd-store)" },
	{ "ns_pid", CHK_EXTRA, false, chk_ns_pid,
	  "tasks in nested pid namespaces can't be dumped" },
	{ "timens", CHK_EXTRA, false, chk_timens,
	  "monotonic and boot clocks jump on restore, and time namespaces can't be dumped" },
	{ "cgroupns", CHK_EXTRA, false, chk_cgroupns, "cgroup namespaces can't be dumped" },
	{ "userns", CHK_EXTRA, false, chk_userns, "user namespaces can't be dumped" },
	{ "kcmp_epoll", CHK_EXTRA, false, chk_kcmp_epoll,
	  "epoll targets shared between tasks can't be told apart" },
	{ "memfd_hugetlb", CHK_EXTRA, false, chk_memfd_hugetlb,
	  "hugetlb-backed memfds can't be restored" },
	{ "tcp_half_closed", CHK_EXTRA, false, chk_tcp_half_closed,
	  "half-closed TCP connections can't be dumped" },
	{ "uffd", CHK_EXTRA, false, chk_uffd,
	  "no lazy restore or post-copy migration (--lazy-pages)" },
	{ "uffd-noncoop", CHK_EXTRA, false, chk_uffd_noncoop,
	  "lazy restore breaks for tasks that fork, mremap or munmap before it completes" },
	{ "can_map_vdso", CHK_EXTRA, false, chk_can_map_vdso,
	  "restore has to move the vDSO with mremap and can't fix a size mismatch" },
	{ "sock-diag-netlink", CHK_EXTRA, false, chk_diag_netlink,
	  "tasks with netlink sockets can't be dumped" },
	{ "sock-diag-packet", CHK_EXTRA, false, chk_diag_packet,
	  "tasks with packet sockets can't be dumped" },
	{ "cgroup2", CHK_EXTRA, false, chk_cgroup2,
	  "cgroup v2 hierarchies can't be dumped or restored (--manage-cgroups)" },

	/* --all: the building blocks the checks above are made of. */
	{ "soft-dirty", CHK_ALL, false, chk_soft_dirty,
	  "memory changes can be tracked only by the userfaultfd tracker (if present), "
	  "which keeps an fd inside each dumped task between pre-dumps" },
	{ "uffd-wp", CHK_ALL, false, chk_uffd_wp,
	  "no userfaultfd write-protection: no userfaultfd dirty tracking" },
	{ "uffd-wp-async", CHK_ALL, false, chk_uffd_wp_async,
	  "the userfaultfd dirty tracker can't work; only soft-dirty can track memory" },
	{ "uffd-minor", CHK_ALL, false, chk_uffd_minor,
	  "lazy restore of shared memory must copy pages instead of mapping them" },
	{ "pagemap-scan", CHK_ALL, false, chk_pagemap_scan,
	  "memory dumps read pagemap entry by entry (slower) and the userfaultfd tracker can't "
	  "work" },
	{ "memfd", CHK_ALL, false, chk_memfd, "memfd files can't be restored" },
	{ "rseq", CHK_ALL, false, chk_rseq,
	  "tasks dumped with an rseq area registered can't be restored here" },
	{ "vdso", CHK_ALL, false, chk_vdso,
	  "restore can't check or reuse the vDSO of dumped tasks; tasks using it may crash" },
	{ "cap-checkpoint-restore", CHK_ALL, false, chk_cap_checkpoint_restore,
	  "only root can checkpoint and restore (no --unprivileged)" },

	/* Our names for checks CRIU names differently. */
	{ "suspend-seccomp", CHK_ALL, true, chk_suspend_seccomp,
	  "tasks under a seccomp filter can't be dumped" },
	{ "time-ns", CHK_ALL, true, chk_timens,
	  "monotonic and boot clocks jump on restore, and time namespaces can't be dumped" },
	{ "clone3-set-tid", CHK_ALL, true, chk_clone3_set_tid,
	  "restore falls back to ns_last_pid, racy and impossible in nested pid namespaces" },
};

static const struct chk_feature *find_feature(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(features); i++)
		if (!strcmp(features[i].name, name))
			return &features[i];
	return NULL;
}

static void print_missing(const struct chk_feature *f, enum chk_result r, const char *note,
			  unsigned int level)
{
	const char *sep = note[0] ? " (" : "";
	const char *end = note[0] ? ")" : "";

	if (r == CHK_COVERED)
		pr_warn("%s is missing%s%s%s; it costs nothing here\n", f->name, sep, note, end);
	else if (level == LOG_ERROR)
		pr_err("%s is missing%s%s%s: %s\n", f->name, sep, note, end, f->cost);
	else
		pr_warn("%s is missing%s%s%s: %s\n", f->name, sep, note, end, f->cost);
}

/* --feature NAME...: every one must be present. */
static int check_named(const char **names)
{
	char note[256];
	int ret = 0;

	for (; *names; names++) {
		const struct chk_feature *f = find_feature(*names);
		enum chk_result r;

		note[0] = '\0';
		r = f->check(note, sizeof(note));
		if (r == CHK_OK) {
			pr_msg("%s is supported%s%s%s\n", f->name, note[0] ? " (" : "", note,
			       note[0] ? ")" : "");
			continue;
		}
		/* Covered or not, the named feature itself is absent. */
		print_missing(f, CHK_MISSING, note, LOG_ERROR);
		ret = 1;
	}
	return ret;
}

static void list_features(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(features); i++)
		pr_msg("%s\n", features[i].name);
}

#define CHECK_GOOD "Looks good."
#define CHECK_BAD "Does not look good."
#define CHECK_MAYBE                                          \
	"Looks good but some kernel features are missing\n"  \
	"which, depending on your process tree, may cause\n" \
	"dump or restore failure."

static int check_all(enum chk_cat upto)
{
	bool maybe = false;
	char note[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(features); i++) {
		const struct chk_feature *f = &features[i];
		enum chk_result r;

		if (f->cat > upto || f->alias)
			continue;
		note[0] = '\0';
		r = f->check(note, sizeof(note));
		if (r == CHK_OK) {
			pr_info("%s is supported%s%s\n", f->name, note[0] ? ": " : "", note);
			continue;
		}
		if (f->cat == CHK_BASIC && r == CHK_MISSING) {
			/* Like CRIU: stop at the first hard failure, it is the one to fix. */
			print_missing(f, r, note, LOG_ERROR);
			pr_msg("%s\n", CHECK_BAD);
			return 1;
		}
		print_missing(f, r, note, LOG_WARN);
		if (r == CHK_MISSING)
			maybe = true;
	}

	if (upto >= CHK_EXTRA)
		pr_msg("Memory dirty tracking: %s%s\n", dirty_track_desc(kdat.dirty_track),
		       kdat.has_soft_dirty ? "" : "; soft-dirty is not available");
	pr_msg("%s\n", maybe ? CHECK_MAYBE : CHECK_GOOD);
	return maybe ? 1 : 0;
}

int cr_check_feature(const char *name)
{
	const struct chk_feature *f = find_feature(name);
	char note[256];

	if (!f || kerndat_init())
		return -1;
	return f->check(note, sizeof(note)) == CHK_OK;
}

/* Unknown names fail before any probing, so the typo is the only message. */
static int names_known(const char **names)
{
	for (; *names; names++) {
		if (!find_feature(*names)) {
			pr_err("Unknown feature %s; `criu check --feature list` names them\n",
			       *names);
			return 0;
		}
	}
	return 1;
}

static bool asks_list(const char **names)
{
	for (; *names; names++)
		if (!strcmp(*names, "list"))
			return true;
	return false;
}

int cr_check(const struct cr_options *o)
{
	const char **names = o->features;
	enum chk_cat upto = CHK_BASIC;

	if (names && names[0]) {
		if (asks_list(names)) {
			list_features();
			return 0;
		}
		if (!names_known(names))
			return 1;
	}

	if (geteuid())
		pr_warn("Not running as root: some features may look missing\n");
	if (kerndat_init()) {
		pr_err("Could not find out what the kernel supports\n");
		return 1;
	}

	if (names && names[0])
		return check_named(names);

	if (o->check_all)
		upto = CHK_ALL;
	else if (o->check_extra)
		upto = CHK_EXTRA;
	return check_all(upto);
}
