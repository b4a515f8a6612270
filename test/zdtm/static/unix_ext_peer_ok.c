// SPDX-License-Identifier: GPL-2.0
/* unix_ext_peer dumped with --ext-unix-sk: restore connects to the peer again. */
#include "unix_ext_peer.c"
