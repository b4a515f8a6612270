// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite with the dump parasite given a run it can't read
 * (CRIU_FAIL_STAGE=pages-copy): writing its pages into the image, its
 * writev() fails with EFAULT, the dump fails, and the task must be as it
 * was, maps, fds (no image fd left) and signal mask included.  The copying
 * way, where the parasite crashes instead: dumpfail_pages_copy_slots.
 */
#define STRICT_MAPS
#include "mem_parasite.c"
