// SPDX-License-Identifier: GPL-2.0
/*
 * avx512_zmm with the dump failing on purpose at stage "collect": the dump must
 * fail and leave the task exactly as it was, which avx512_zmm then checks.
 */
#include "avx512_zmm.c"
