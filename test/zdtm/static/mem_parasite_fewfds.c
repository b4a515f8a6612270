// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite in a task that can open five fds more: just enough for the
 * dump parasite's control socket and log pipe, which must be gone after.
 */
#define FREE_FDS 4
#include "mem_parasite.c"
