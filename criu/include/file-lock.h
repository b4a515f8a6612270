/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_FILE_LOCK_H
#define CRIU_FILE_LOCK_H

#include <stdint.h>
#include <sys/types.h>

#include "files.h"

/*
 * File locks (flock, POSIX record locks, OFD locks) of the dumped tasks,
 * saved in filelocks.img with --file-locks, as CRIU does: one
 * FileLockEntry per lock, naming the task and the fd to take it again with.
 */

/* FileLockEntry.flag */
#define FL_POSIX 1
#define FL_FLOCK 2
#define FL_OFD 4

struct file_lock_set;

/*
 * Dump: notes the "lock:" lines of @p's fdinfo, @p being an fd on
 * description @id, into filelocks.img.  Fails, naming the fd, when it holds
 * a lock without --file-locks (files_dump_opts.file_locks), or for locks
 * that can't be restored (leases, mandatory locks).
 */
int file_locks_dump_fd(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id);
void file_locks_dump_free(struct file_lock_set *set);

/* Restore: reads filelocks.img (missing: no locks) before the tasks exist. */
int file_locks_read(int dfd, struct file_lock_set **out);
/* In task @pid once its fds are at their numbers (and criu closed its own). */
int file_locks_restore(const struct file_lock_set *set, pid_t pid);
void file_locks_free(struct file_lock_set *set);

#endif
