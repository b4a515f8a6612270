// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite with the pages written into the image by the task itself
 * (CRIU_PAGES_VIA=parasite-write) instead of copied through the shared
 * slots: the image fd handed to it must be gone after.
 */
#include "mem_parasite.c"
