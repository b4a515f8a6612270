/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_UFFD_H
#define CRIU_UFFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/userfaultfd.h"

/*
 * The one place that talks to userfaultfd: kerndat probes it, lazy pages
 * and the write-protect dirty tracker use it.
 */

/* Events a non-cooperative lazy-pages daemon needs to follow the task. */
#define UFFD_NONCOOP_FEATURES                                                             \
	(UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_REMOVE | \
	 UFFD_FEATURE_EVENT_UNMAP)

/* What the async write-protect dirty tracker asks for. */
#define UFFD_WP_TRACK_FEATURES (UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED)

/*
 * A fresh, not yet enabled userfaultfd: the syscall first, /dev/userfaultfd
 * when the syscall is refused to us.  flags: O_CLOEXEC, O_NONBLOCK,
 * UFFD_USER_MODE_ONLY.  Returns the fd or -1 with errno set.
 */
int uffd_open(int flags);

/*
 * A userfaultfd with the given features enabled through UFFDIO_API.  On
 * success *ioctls (if not NULL) gets the ioctls the fd supports.  Returns the
 * fd, or -1 with errno set (EINVAL: a feature is not offered).
 */
int uffd_open_features(int flags, uint64_t features, uint64_t *ioctls);

/*
 * Every feature the kernel offers, asked on a throw-away fd.  Returns 0, or
 * -1 with errno set when userfaultfd is unavailable.
 */
int uffd_query_features(uint64_t *features);

/* UFFDIO_REGISTER of [addr, addr + len); *ioctls gets the range ioctls. */
int uffd_register(int uffd, unsigned long addr, unsigned long len, uint64_t mode, uint64_t *ioctls);
int uffd_unregister(int uffd, unsigned long addr, unsigned long len);

/* Set (wp true) or clear the write-protection of a registered range. */
int uffd_writeprotect(int uffd, unsigned long addr, unsigned long len, bool wp);

/* Names of the feature bits set in features, for logs: "WP_ASYNC MOVE ...". */
void uffd_features_str(uint64_t features, char *buf, size_t len);

#endif
