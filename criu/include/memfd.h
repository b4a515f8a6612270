/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_MEMFD_H
#define CRIU_MEMFD_H

#include <stdint.h>
#include <sys/types.h>

struct files_rst_ctx;

/*
 * memfd fds (memfd.c, an fd kind of files.h).  All descriptions of one
 * memfd are opened by one task (one files group); that task makes the
 * memfd and keeps an fd of it for the mappings of the same memfd
 * (shmem.c), which take it over.
 */

/* The task that opens the fds of memfd @inode_id; 0 if no task has one. */
pid_t memfd_rst_owner(struct files_rst_ctx *ctx, uint64_t inode_id);
/* In that task, after its files: the memfd, now the caller's to close; -1 if none. */
int memfd_rst_take(struct files_rst_ctx *ctx, uint64_t inode_id);

#endif
