// SPDX-License-Identifier: GPL-2.0
/* Small probes: kcmp, capabilities, rseq, cgroup2. */

#include <errno.h>
#include <linux/kcmp.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/rseq.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kerndat-probe.h"
#include "log.h"

#undef LOG_PREFIX
#define LOG_PREFIX "kerndat: "

static void probe_kcmp(struct kerndat *kd)
{
	struct kcmp_epoll_slot slot = {};
	struct epoll_event ev = { .events = EPOLLIN };
	pid_t pid = getpid();
	int efd, tfd;

	efd = epoll_create1(EPOLL_CLOEXEC);
	if (efd < 0)
		return;
	kd->has_kcmp = syscall(__NR_kcmp, pid, pid, KCMP_FILE, efd, efd) == 0;

	tfd = eventfd(0, EFD_CLOEXEC);
	if (tfd >= 0 && !epoll_ctl(efd, EPOLL_CTL_ADD, tfd, &ev)) {
		slot.efd = efd;
		slot.tfd = tfd;
		kd->has_kcmp_epoll_tfd = syscall(__NR_kcmp, pid, pid, KCMP_EPOLL_TFD, tfd, &slot) ==
					 0;
	}
	if (tfd >= 0)
		close(tfd);
	close(efd);
}

static void probe_cap_last_cap(struct kerndat *kd)
{
	unsigned int last = 0;
	FILE *f;

	f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (!f) {
		pr_info("Can't read cap_last_cap: %s\n", strerror(errno));
		return;
	}
	if (fscanf(f, "%u", &last) == 1)
		kd->cap_last_cap = last;
	fclose(f);
}

/*
 * glibc 2.35+ registers rseq itself and says so in __rseq_size.  Otherwise a
 * registration with a zero length tells: EINVAL from a kernel that has the
 * syscall, ENOSYS from one that does not.
 */
static void probe_rseq(struct kerndat *kd)
{
	kd->glibc_rseq_size = __rseq_size;
	if (__rseq_size) {
		kd->has_rseq = true;
		return;
	}
	if (syscall(__NR_rseq, NULL, 0, 0, 0) == 0 || errno != ENOSYS)
		kd->has_rseq = true;
}

static bool is_cgroup2(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

/* Any cgroup2 mount proves it; else the kernel listing the filesystem type will do. */
static void probe_cgroup2(struct kerndat *kd)
{
	char line[4096], mnt[4096], fstype[64];
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *sep = strstr(line, " - ");

			if (!sep || sscanf(sep, " - %63s", fstype) != 1 ||
			    strcmp(fstype, "cgroup2"))
				continue;
			if (sscanf(line, "%*d %*d %*s %*s %4095s", mnt) == 1 && is_cgroup2(mnt)) {
				kd->cgroup2_mounted = true;
				break;
			}
		}
		fclose(f);
	}
	if (kd->cgroup2_mounted) {
		kd->has_cgroup2 = true;
		return;
	}

	f = fopen("/proc/filesystems", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "nodev %63s", fstype) == 1 && !strcmp(fstype, "cgroup2")) {
			kd->has_cgroup2 = true;
			break;
		}
	}
	fclose(f);
}

int kerndat_probe_misc(struct kerndat *kd)
{
	probe_kcmp(kd);
	probe_cap_last_cap(kd);
	probe_rseq(kd);
	probe_cgroup2(kd);
	return 0;
}
