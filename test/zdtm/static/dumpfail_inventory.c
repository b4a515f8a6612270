// SPDX-License-Identifier: GPL-2.0
/*
 * sigactions with the dump failing on purpose at stage "inventory:after": the dump must
 * fail and leave the task exactly as it was, which sigactions then checks.
 */
#include "sigactions.c"
