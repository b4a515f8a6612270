// SPDX-License-Identifier: GPL-2.0
/*
 * dumpfail_pages_copy with the pages copied through the shared slots
 * (CRIU_PAGES_VIA=parasite-copy): the parasite crashes on the run it can't
 * read while criu writes out the previous slot; the task must be cured as
 * it was, maps, fds and signal mask included.
 */
#define STRICT_MAPS
#include "mem_parasite.c"
