// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite with the dump parasite given a run it can't read while criu
 * writes out the batches before it (CRIU_FAIL_STAGE=pages-copy): the parasite
 * crashes on it, the dump fails, and the task must be as it was, maps, fds
 * and signal mask included.  The writing way: dumpfail_pages_write.
 */
#define STRICT_MAPS
#include "mem_parasite.c"
