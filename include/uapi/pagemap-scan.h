/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UAPI_PAGEMAP_SCAN_H
#define UAPI_PAGEMAP_SCAN_H

/*
 * The PAGEMAP_SCAN ioctl on /proc/PID/pagemap, added in Linux 6.7 and
 * declared in <linux/fs.h> from then on.  The build host's headers are
 * older, so the interface is spelled out here when they lack it.
 */
#include <linux/fs.h>
#include <linux/types.h>
#include <sys/ioctl.h>

#ifndef PAGEMAP_SCAN

/* Page categories: used in the masks and reported per region. */
#define PAGE_IS_WPALLOWED (1 << 0)
#define PAGE_IS_WRITTEN (1 << 1)
#define PAGE_IS_FILE (1 << 2)
#define PAGE_IS_PRESENT (1 << 3)
#define PAGE_IS_SWAPPED (1 << 4)
#define PAGE_IS_PFNZERO (1 << 5)
#define PAGE_IS_HUGE (1 << 6)
#define PAGE_IS_SOFT_DIRTY (1 << 7)

/* One run of pages [start, end) sharing the reported categories. */
struct page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};

/* Re-arm the write-protection of the pages that matched. */
#define PM_SCAN_WP_MATCHING (1 << 0)
/* Stop at the first page not registered for async write-protection. */
#define PM_SCAN_CHECK_WPASYNC (1 << 1)

struct pm_scan_arg {
	__u64 size; /* sizeof(struct pm_scan_arg) */
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end; /* set by the kernel: where the walk stopped */
	__u64 vec; /* struct page_region array */
	__u64 vec_len;
	__u64 max_pages; /* 0: no limit */
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};

#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)

#endif /* PAGEMAP_SCAN */

#endif
