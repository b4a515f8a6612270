/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UAPI_USERFAULTFD_H
#define UAPI_USERFAULTFD_H

/*
 * The build host's <linux/userfaultfd.h> (Debian 12: Linux 6.1) lacks the
 * feature bits the dirty tracker and lazy pages rely on.  Each one is
 * guarded so newer headers win.
 */
#include <linux/types.h>
#include <linux/userfaultfd.h>

/* Linux 6.4: write-protect also applies to not yet populated pages. */
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif

/* Linux 6.6: UFFDIO_POISON. */
#ifndef UFFD_FEATURE_POISON
#define UFFD_FEATURE_POISON (1 << 14)
#endif

/*
 * Linux 6.7: write faults on write-protected pages are resolved by the
 * kernel itself, leaving PAGE_IS_WRITTEN for PAGEMAP_SCAN to report.
 */
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

/* Linux 6.8: UFFDIO_MOVE. */
#ifndef UFFD_FEATURE_MOVE
#define UFFD_FEATURE_MOVE (1 << 16)
#endif

/* Linux 6.1: /dev/userfaultfd hands out userfaultfds through this ioctl. */
#ifndef USERFAULTFD_IOC
#define USERFAULTFD_IOC 0xAA
#endif
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(USERFAULTFD_IOC, 0x00)
#endif

/* Linux 5.11: restrict the userfaultfd to faults from user mode. */
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

#endif
