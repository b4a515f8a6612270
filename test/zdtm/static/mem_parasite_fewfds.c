// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite in a task that can open five fds more: the dump parasite gets
 * its control socket and log pipe but a single page pipe, so batches can't
 * alternate.
 */
#define FREE_FDS 4
#include "mem_parasite.c"
