/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_PAGEMAP_SCAN_H
#define CRIU_PAGEMAP_SCAN_H

#include <stddef.h>

#include "uapi/pagemap-scan.h"

/*
 * The one place that issues PAGEMAP_SCAN (Linux 6.7): kerndat probes it,
 * memory dumping and the userfaultfd dirty tracker use it.
 */

/* Scan [start, end) reporting into vec; masks left 0, to be filled by the caller. */
void pm_scan_arg_init(struct pm_scan_arg *arg, unsigned long start, unsigned long end,
		      struct page_region *vec, size_t vec_len);

/*
 * One PAGEMAP_SCAN on an open /proc/PID/pagemap.  Returns the number of
 * regions written to arg->vec, or -1 with errno set.  arg->walk_end tells
 * where the walk stopped: a full vec stops it early.
 */
long pagemap_scan(int pagemap_fd, struct pm_scan_arg *arg);

/* 1 when this kernel has PAGEMAP_SCAN, 0 when not, -1 on an unexpected error. */
int pagemap_scan_probe(void);

#endif
