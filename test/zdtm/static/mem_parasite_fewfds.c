// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite in a task that can open five fds more: just enough for the
 * dump parasite's control socket, log pipe and the pages image it writes,
 * which must all be gone after.
 */
#define FREE_FDS 4
#include "mem_parasite.c"
