// SPDX-License-Identifier: GPL-2.0
/* unix_listen_path with listeners bound to abstract names. */
#define ABSTRACT 1
#include "unix_listen_path.c"
