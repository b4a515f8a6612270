// SPDX-License-Identifier: GPL-2.0
/*
 * Zombies that still lead something: pstree_dead_leaders with the group and
 * session leaders left unreaped.  After restore the survivors must still be
 * in the dead leaders' group and session, and the leaders must be zombies
 * with their exit codes.
 */
#define ZOMBIES
#include "pstree_dead_leaders.c"
