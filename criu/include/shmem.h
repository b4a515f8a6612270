/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_SHMEM_H
#define CRIU_SHMEM_H

#include <stdint.h>
#include <sys/types.h>

#include "mm.pb-c.h"
#include "vma.h"

/*
 * Memory objects shared between mappings: shared anonymous memory (a shmem
 * file the kernel made for mmap(MAP_SHARED | MAP_ANONYMOUS)) and memfds.
 * Each object is named by its inode number (VmaEntry.shmid) and its pages
 * are saved once, whoever maps it, into pagemap-shmem-<shmid>.img plus a
 * pages image, with page offsets in the object as addresses.  A memfd also
 * gets a MemfdInodeEntry in memfd.img (name, size, seals, owner, mode).
 */

struct dump_ctx;
struct restore_ctx;
struct task_restore_args;

struct files_dump_ctx;
struct files_rst_ctx;
struct stat;

/* Dump: saves the object behind shared mapping @v of task @pid, once. */
int shmem_dump_vma(struct dump_ctx *ctx, pid_t pid, struct vma_area *v);
/*
 * Dump, for memfd.c: the memfd criu holds as @lfd (link @link), once per
 * inode: memfd.img now, its pages at the next shmem_dump_flush().
 */
int shmem_dump_memfd_fd(struct files_dump_ctx *fctx, int lfd, const char *link,
			const struct stat *st);
/* Saves the pages of objects met since the last call (dump_task_mm() calls it). */
int shmem_dump_flush(struct dump_ctx *ctx);

/* Restore: memfd @shmid of memfd.img, made, filled and sealed; a new fd. */
int shmem_rst_create_memfd(int dfd, uint64_t shmid);

/*
 * Restore, in the task @pid, before its mappings are laid out.  Every task
 * sees the same table of objects (all mm images are read before forking);
 * the first task in tree order that maps an object creates and fills it
 * (or, for a memfd some task has fds of, the task that opens those), the
 * others take its fd with pidfd_getfd() once it is ready (sync page slots).
 * The creator keeps its fd until every other user took its own.  Objects are
 * kept at fds from *next_fd up; they are added to @args->close_fds so the
 * restorer closes them once everything is mapped.
 */
struct shmem_task;
int shmem_rst_begin(struct restore_ctx *ctx, pid_t pid, struct task_restore_args *args,
		    int *next_fd, struct shmem_task **out);
/* The fd of object @shmid in this task (-1 and logged if it has none). */
int shmem_rst_fd(struct shmem_task *st, uint64_t shmid);
/* Waits until the objects this task created were opened by every user; frees @st. */
int shmem_rst_end(struct restore_ctx *ctx, struct shmem_task *st);
/* On failure: frees @st without waiting (the fds stay, the task dies anyway). */
void shmem_rst_free(struct shmem_task *st);

static inline int vma_entry_is_shmem(const VmaEntry *e)
{
	return (e->status & (VMA_ANON_SHARED | VMA_AREA_MEMFD)) != 0;
}

#endif
