/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ZDTM_INTERNAL_H
#define ZDTM_INTERNAL_H

#include <stdarg.h>

/* Where test_msg() writes: the output file once test_init() opened it. */
extern int zdtm_set_log_fd(int fd);

#endif
