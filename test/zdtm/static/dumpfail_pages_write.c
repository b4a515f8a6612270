// SPDX-License-Identifier: GPL-2.0
/*
 * dumpfail_pages_copy with the task writing its pages into the image itself
 * (CRIU_PAGES_VIA=parasite-write): its writev() of the run it can't read
 * fails with EFAULT, the dump fails, and the task must be as it was, maps,
 * fds (no image fd left in it) and signal mask included.
 */
#define STRICT_MAPS
#include "mem_parasite.c"
