/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_RPC_H
#define COMPEL_RPC_H

/*
 * What compel and a parasite agree on.  This header is seen by both sides,
 * so it must stay freestanding: fixed size types only, no libc.
 */
#include <stdint.h>

#define COMPEL_PARASITE_MAGIC 0x4c45504dU

/*
 * Commands below COMPEL_CMD_USER belong to compel; a parasite's own commands
 * start at COMPEL_CMD_USER.
 */
enum {
	COMPEL_CMD_DAEMON = 1, /* entry only: serve commands on the control socket */
	COMPEL_CMD_FINI = 2, /* leave the daemon loop and trap back to compel */
	COMPEL_CMD_PING = 3, /* answer 0; proves the parasite is alive */
	COMPEL_CMD_USER = 64,
};

/* Set in a command sent to the daemon: run it as the leader's per-thread command. */
#define COMPEL_CMD_THREAD_FLAG 0x80000000U

/* One message on the control socket, in either direction. */
struct compel_rpc_msg {
	uint32_t cmd;
	int32_t ret; /* answer only: the command's result, negative on failure */
};

/*
 * Written by compel in front of the argument area before the parasite runs.
 * The parasite entry gets (hdr, cmd, args) as its three arguments.
 */
struct compel_parasite_hdr {
	uint32_t magic;
	int32_t ctl_fd; /* parasite end of the control socket, -1 in trap mode */
	int32_t log_fd; /* write end of the (non-blocking) log pipe */
	uint32_t log_level;
	uint64_t leader_sigmask; /* leader's blocked mask when frozen */
	uint64_t thread_sigmask; /* same for the thread a trap command runs on */
	int32_t thread_tid; /* that thread's id */
	int32_t pad;
	uint64_t args_size;
};

/* At most this many fds travel in one SCM_RIGHTS message. */
#define COMPEL_MAX_FDS_PER_MSG 16

#endif
