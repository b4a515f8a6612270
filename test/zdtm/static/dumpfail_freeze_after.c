// SPDX-License-Identifier: GPL-2.0
/*
 * sig_pending with the dump failing on purpose at stage "freeze:after": the dump must
 * fail and leave the task exactly as it was, which sig_pending then checks.
 */
#include "sig_pending.c"
