/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PLUGINS_STD_STD_H
#define COMPEL_PLUGINS_STD_STD_H

/*
 * The std plugin: the runtime every parasite links.  It owns the entry point
 * and the daemon loop; the parasite supplies the two command handlers below.
 */
#include "compel/rpc.h"
#include "compel/plugins/std/log.h"
#include "compel/plugins/std/string.h"
#include "compel/plugins/std/syscall.h"

/*
 * Supplied by the parasite.  parasite_daemon_cmd() serves commands sent on the
 * control socket; parasite_trap_cmd() runs a per-thread command (on any
 * thread, the leader included).  Return >= 0 or -errno.
 */
int parasite_daemon_cmd(unsigned int cmd, void *args);
int parasite_trap_cmd(unsigned int cmd, void *args);

/* The header compel filled in for this run. */
struct compel_parasite_hdr *std_hdr(void);

/*
 * The parasite's side of compel_rpc_wait_word(): sleeps once, while *@word
 * == @val, until a futex wake on @word or a timeout; 0 (check again), or
 * -EPIPE if compel closed the control socket (nobody is left to wake it).
 * std_wake_word() wakes compel sleeping on @word.
 */
long std_wait_word(uint32_t *word, uint32_t val);
void std_wake_word(uint32_t *word);

/* Send @nr fds to compel over the control socket (compel_recv_fds() takes them). */
int std_send_fds(const int *fds, unsigned int nr);

/*
 * Take @nr fds compel_send_fds() sends during this command: 0, or -errno
 * with none kept (-EMFILE when the task's fd table has no room for them).
 */
int std_recv_fds(int *fds, unsigned int nr);

#endif
