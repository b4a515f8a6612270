/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_PARASITE_H
#define CRIU_PARASITE_H

/*
 * What criu and its dump parasite (criu/pie/parasite.c) agree on.  Both
 * sides include this header, so it stays freestanding: fixed size types only.
 */
#include <stdint.h>

#include "compel/rpc.h"

enum {
	/* Make up to nr_pipes pipes of pipe_size bytes; answers how many it made. */
	PARASITE_CMD_PIPES = COMPEL_CMD_USER,
	/* Send the read ends of the pipes made (SCM_RIGHTS) and close them here. */
	PARASITE_CMD_SEND_PIPES,
	/* Close the write ends: the task is left with the fds it had. */
	PARASITE_CMD_CLOSE_PIPES,
	/*
	 * PARASITE_CMD_DRAIN + N: vmsplice drain[N].iovs[] into that batch's
	 * pipes, in order, filling one pipe after the other.  Two batches let
	 * criu empty one while the task fills the other.
	 */
	PARASITE_CMD_DRAIN,
	PARASITE_CMD_DRAIN_LAST = PARASITE_CMD_DRAIN + 1,
};

/*
 * Pipes are filled with whole pages only, so a pipe of N bytes takes N bytes;
 * the pages stay referenced, not copied, until criu splices them out.
 */
#define PARASITE_MAX_PIPES 16
#define PARASITE_MAX_IOVS 1024 /* the kernel's UIO_MAXIOV */

struct parasite_iov {
	uint64_t base;
	uint64_t len;
};

#define PARASITE_NR_DRAINS 2

struct parasite_drain {
	uint32_t first_pipe, nr_pipes;       /* the pipes of this batch */
	uint32_t nr_iovs;                    /* entries of iovs[] */
	uint32_t pad;
	uint64_t filled[PARASITE_MAX_PIPES]; /* out: bytes put into each of its pipes */
	struct parasite_iov iovs[PARASITE_MAX_IOVS];
};

struct parasite_pages_args {
	uint32_t nr_pipes;  /* PIPES: wanted in, made out */
	uint32_t pipe_size; /* PIPES: size asked for each pipe */
	uint32_t size[PARASITE_MAX_PIPES]; /* out: each pipe's capacity in bytes */
	int32_t wr_fd[PARASITE_MAX_PIPES]; /* the write ends, fds of the task */
	int32_t rd_fd[PARASITE_MAX_PIPES]; /* the read ends until SEND_PIPES */
	struct parasite_drain drain[PARASITE_NR_DRAINS];
};

#endif
