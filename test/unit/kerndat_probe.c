// SPDX-License-Identifier: GPL-2.0
/*
 * Probing leaves nothing behind (fds, mappings, children, mounts) and its
 * answers agree with each other.  Which features exist is the business of
 * test/others/check-*.sh; this holds on any kernel.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include "cr-check.h"
#include "kerndat.h"
#include "log.h"
#include "uffd.h"
#include "unit.h"

static int count_lines(const char *path)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

static int count_fds(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while ((de = readdir(d)))
		n++;
	closedir(d);
	return n;
}

static void check_consistent(const struct kerndat *kd)
{
	int s;

	CHECK(kd->has_uffd || kd->uffd_features == 0, "features without uffd");
	if (kd->has_uffd_wp_tracker)
		CHECK(kd->has_pagemap_scan && (kd->uffd_features & UFFD_FEATURE_WP_ASYNC),
		      "tracker without its parts");
	switch (kd->dirty_track) {
	case DIRTY_TRACK_SOFT_DIRTY:
		CHECK(kd->has_soft_dirty, "soft-dirty tracker without soft-dirty");
		break;
	case DIRTY_TRACK_UFFD_WP:
		CHECK(kd->has_uffd_wp_tracker && !kd->has_soft_dirty, "uffd tracker choice");
		break;
	case DIRTY_TRACK_NONE:
		CHECK(!kd->has_soft_dirty && !kd->has_uffd_wp_tracker, "a tracker was left unused");
		break;
	}
	CHECK(!kd->has_clone3_set_tid || kd->has_clone3, "set_tid without clone3");
	CHECK(!kd->has_pidfd_getfd || kd->has_pidfd_open, "pidfd_getfd without pidfd_open");
	CHECK(!kd->cgroup2_mounted || kd->has_cgroup2, "cgroup2 mounted but missing");
	if (kd->vdso.present) {
		CHECK(kd->vdso.vdso_size && !(kd->vdso.vdso_size & 4095), "vdso size %#llx",
		      (unsigned long long)kd->vdso.vdso_size);
		for (s = 0; s < VDSO_SYM_NR; s++)
			CHECK(kd->vdso.sym_off[s] < kd->vdso.vdso_size, "%s outside the vdso",
			      vdso_sym_names[s]);
	}
}

/* The quiet lookup agrees with kdat and refuses unknown names. */
static void test_check_feature(void)
{
	char path[] = "/tmp/kerndat-probe.XXXXXX";
	int fd = mkstemp(path);

	close(fd);
	unlink(path);
	setenv("CRIU_KDAT_CACHE", path, 1);
	CHECK(cr_check_feature("no-such-feature") == -1, "unknown name accepted");
	CHECK(cr_check_feature("mem_dirty_track") == (kdat.dirty_track != DIRTY_TRACK_NONE),
	      "mem_dirty_track disagrees with kdat");
	CHECK(cr_check_feature("soft-dirty") == kdat.has_soft_dirty, "soft-dirty");
	CHECK(cr_check_feature("pagemap-scan") == kdat.has_pagemap_scan, "pagemap-scan");
	unlink(path);
}

int main(void)
{
	int fds, maps, mounts;
	struct kerndat a, b;

	log_set_loglevel(LOG_ERROR);
	/* One round first: libc and the log may set things up lazily. */
	CHECK(kerndat_probe(&a) == 0, "probe");

	fds = count_fds();
	maps = count_lines("/proc/self/maps");
	mounts = count_lines("/proc/self/mountinfo");
	CHECK(kerndat_probe(&b) == 0, "probe again");
	CHECK(count_fds() == fds, "fd leak: %d -> %d", fds, count_fds());
	CHECK(count_lines("/proc/self/maps") == maps, "mapping leak: %d -> %d", maps,
	      count_lines("/proc/self/maps"));
	CHECK(count_lines("/proc/self/mountinfo") == mounts, "mount leak");
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "a probe child is left");

	/* The same kernel answers the same way twice. */
	CHECK(a.has_soft_dirty == b.has_soft_dirty && a.dirty_track == b.dirty_track &&
		      a.uffd_features == b.uffd_features &&
		      a.has_ptrace_seize == b.has_ptrace_seize &&
		      a.vdso.vdso_size == b.vdso.vdso_size,
	      "probes disagree");
	check_consistent(&b);
	test_check_feature();
	return unit_done();
}
