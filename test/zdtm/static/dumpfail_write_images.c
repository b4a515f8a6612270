// SPDX-License-Identifier: GPL-2.0
/*
 * thread_many with the dump failing on purpose at stage "write-images:after": the dump must
 * fail and leave the task exactly as it was, which thread_many then checks.
 */
#include "thread_many.c"
