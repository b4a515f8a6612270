// SPDX-License-Identifier: GPL-2.0
/*
 * regs_gpr with the dump failing on purpose at stage "collect:after": the dump must
 * fail and leave the task exactly as it was, which regs_gpr then checks.
 */
#include "regs_gpr.c"
