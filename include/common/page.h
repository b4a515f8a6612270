/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMMON_PAGE_H
#define COMMON_PAGE_H

/*
 * Both supported architectures are run here with 4 KiB pages; arm64 kernels
 * built with 16K/64K pages would need this to become a run-time value.
 */
/* <sys/user.h> has its own spelling of these; ours win. */
#undef PAGE_SHIFT
#undef PAGE_SIZE
#undef PAGE_MASK
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

#endif
