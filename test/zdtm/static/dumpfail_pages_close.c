// SPDX-License-Identifier: GPL-2.0
/*
 * mem_parasite with the dump parasite unable to close its pipes
 * (CRIU_FAIL_STAGE=pages-close): criu closes them with system calls after the
 * cure and the dump fails; the task must be as it was, maps and fds included.
 */
#define STRICT_MAPS
#include "mem_parasite.c"
