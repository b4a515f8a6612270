// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite with the dump parasite failing to hand out a page while the
 * previous batch is still in criu's pipes (CRIU_FAIL_STAGE=pages-drain): the
 * dump must fail and leave the task as it was, maps and fds included.
 */
#define STRICT_MAPS
#include "mem_parasite.c"
