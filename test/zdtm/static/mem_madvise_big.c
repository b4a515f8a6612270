// SPDX-License-Identifier: GPL-2.0
/*
 * mem_madvise in a task of 96 MiB more: big enough that dump copies the
 * pages out before smaps' VmFlags are read (criu/dump-mm.c), which must
 * still reach the image.
 */
#define BALLAST_MB 96
#include "mem_madvise.c"
