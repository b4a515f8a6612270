// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite in a task that can open one fd more, too few for the dump
 * parasite's control socket: criu falls back to reading its pages.
 */
#define FREE_FDS 0
#include "mem_parasite.c"
