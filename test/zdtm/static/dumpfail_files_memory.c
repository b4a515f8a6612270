// SPDX-License-Identifier: GPL-2.0
/*
 * mem_prot with the dump failing on purpose at stage "files-memory:after": the dump must
 * fail and leave the task exactly as it was, which mem_prot then checks.
 */
#include "mem_prot.c"
