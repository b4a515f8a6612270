// SPDX-License-Identifier: GPL-2.0
/* Memory probes: soft-dirty, userfaultfd, PAGEMAP_SCAN, and which dirty tracker works. */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/page.h"
#include "kerndat-probe.h"
#include "log.h"
#include "pagemap-scan.h"
#include "uffd.h"

#undef LOG_PREFIX
#define LOG_PREFIX "kerndat: "

#define PME_SOFT_DIRTY (1ULL << 55)
#define CLEAR_REFS_SOFT_DIRTY "4"

static int read_pme(unsigned long addr, uint64_t *pme)
{
	int fd;
	ssize_t n;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't open /proc/self/pagemap");
		return -1;
	}
	n = pread(fd, pme, sizeof(*pme), (addr / PAGE_SIZE) * sizeof(*pme));
	close(fd);
	if (n != sizeof(*pme)) {
		pr_perror("Can't read pagemap entry of %#lx", addr);
		return -1;
	}
	return 0;
}

static int clear_soft_dirty(void)
{
	int fd;
	ssize_t n;

	fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, CLEAR_REFS_SOFT_DIRTY, 1);
	close(fd);
	return n == 1 ? 0 : -1;
}

/*
 * Soft-dirty works when a page written after clear_refs has bit 55 again.
 * A kernel without CONFIG_MEM_SOFT_DIRTY accepts the clear but never sets
 * the bit.  Clearing our own bits harms nothing: criu never tracks itself.
 */
static bool probe_soft_dirty(void)
{
	volatile char *map;
	uint64_t pme = 0;
	bool ret = false;

	map = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		pr_perror("Can't map a probe page");
		return false;
	}
	map[0] = 1;
	if (clear_soft_dirty()) {
		pr_info("Can't clear soft-dirty bits: %s\n", strerror(errno));
		goto out;
	}
	if (read_pme((unsigned long)map, &pme))
		goto out;
	if (pme & PME_SOFT_DIRTY) {
		pr_info("Soft-dirty bit survived clear_refs\n");
		goto out;
	}
	map[0] = 2;
	if (read_pme((unsigned long)map, &pme))
		goto out;
	ret = !!(pme & PME_SOFT_DIRTY);
out:
	munmap((void *)map, PAGE_SIZE);
	return ret;
}

/*
 * Run the write-protect tracker end to end on our own pages: arm, write
 * one page, and the scan must report exactly that page as written, then
 * report nothing once it re-armed the protection.
 */
static bool probe_uffd_wp_tracker(void)
{
	const unsigned long len = 4 * PAGE_SIZE;
	struct page_region vec[4];
	struct pm_scan_arg arg;
	unsigned long start;
	volatile char *map;
	int uffd, pm_fd = -1;
	bool ret = false;
	long n;

	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		pr_perror("Can't map a probe area");
		return false;
	}
	start = (unsigned long)map;

	uffd = uffd_open_features(O_CLOEXEC | O_NONBLOCK, UFFD_WP_TRACK_FEATURES, NULL);
	if (uffd < 0) {
		pr_info("No userfaultfd with async write-protect: %s\n", strerror(errno));
		goto out_unmap;
	}
	if (uffd_register(uffd, start, len, UFFDIO_REGISTER_MODE_WP, NULL)) {
		pr_info("Can't register for write-protect: %s\n", strerror(errno));
		goto out_close;
	}
	pm_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pm_fd < 0) {
		pr_perror("Can't open /proc/self/pagemap");
		goto out_unreg;
	}

	/* Arm: protect everything, whatever was written so far. */
	if (uffd_writeprotect(uffd, start, len, true)) {
		pr_info("Can't write-protect the probe area: %s\n", strerror(errno));
		goto out_unreg;
	}
	map[2 * PAGE_SIZE] = 1;

	pm_scan_arg_init(&arg, start, start + len, vec, ARRAY_SIZE(vec));
	arg.flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC;
	arg.category_mask = PAGE_IS_WRITTEN;
	arg.return_mask = PAGE_IS_WRITTEN;
	n = pagemap_scan(pm_fd, &arg);
	if (n != 1 || vec[0].start != start + 2 * PAGE_SIZE ||
	    vec[0].end != start + 3 * PAGE_SIZE) {
		pr_info("Write-protect scan saw %ld regions, wanted the one written page\n", n);
		goto out_unreg;
	}

	pm_scan_arg_init(&arg, start, start + len, vec, ARRAY_SIZE(vec));
	arg.flags = PM_SCAN_CHECK_WPASYNC;
	arg.category_mask = PAGE_IS_WRITTEN;
	arg.return_mask = PAGE_IS_WRITTEN;
	n = pagemap_scan(pm_fd, &arg);
	if (n != 0) {
		pr_info("Write-protect was not re-armed by the scan (%ld regions)\n", n);
		goto out_unreg;
	}
	ret = true;
out_unreg:
	if (pm_fd >= 0)
		close(pm_fd);
	uffd_unregister(uffd, start, len);
out_close:
	close(uffd);
out_unmap:
	munmap((void *)map, len);
	return ret;
}

int kerndat_probe_mem(struct kerndat *kd)
{
	int ret;

	kd->has_map_files = access("/proc/self/map_files", R_OK | X_OK) == 0;
	kd->has_soft_dirty = probe_soft_dirty();

	if (uffd_query_features(&kd->uffd_features) == 0) {
		char buf[256];

		kd->has_uffd = true;
		uffd_features_str(kd->uffd_features, buf, sizeof(buf));
		pr_info("userfaultfd features %#llx: %s\n", (unsigned long long)kd->uffd_features,
			buf);
	} else {
		pr_info("No userfaultfd: %s\n", strerror(errno));
		kd->uffd_features = 0;
	}

	ret = pagemap_scan_probe();
	if (ret < 0)
		return -1;
	kd->has_pagemap_scan = ret;

	if (kd->has_pagemap_scan && (kd->uffd_features & UFFD_FEATURE_WP_ASYNC))
		kd->has_uffd_wp_tracker = probe_uffd_wp_tracker();

	/* Soft-dirty first: no fd has to live inside the target between dumps. */
	if (kd->has_soft_dirty)
		kd->dirty_track = DIRTY_TRACK_SOFT_DIRTY;
	else if (kd->has_uffd_wp_tracker)
		kd->dirty_track = DIRTY_TRACK_UFFD_WP;
	else
		kd->dirty_track = DIRTY_TRACK_NONE;

	kd->has_memfd = false;
	ret = syscall(__NR_memfd_create, "criu-kdat", MFD_CLOEXEC);
	if (ret >= 0) {
		kd->has_memfd = true;
		close(ret);
	}
	ret = syscall(__NR_memfd_create, "criu-kdat", MFD_CLOEXEC | MFD_HUGETLB);
	kd->has_memfd_hugetlb = ret >= 0;
	if (ret >= 0)
		close(ret);
	return 0;
}
