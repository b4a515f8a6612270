// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite with the pages copied through the parasite's shared slots
 * (CRIU_PAGES_VIA=parasite-copy), the way taken for a task in another
 * memory cgroup than criu's.
 */
#include "mem_parasite.c"
