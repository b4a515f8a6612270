/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_RESTORE_H
#define CRIU_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "core.pb-c.h"
#include "cr_options.h"
#include "mm.pb-c.h"
#include "pstree.h"
#include "restorer.h"

/* What restore knows of one task, read from its images before forking. */
struct rst_item {
	CoreEntry **cores; /* one per thread, the leader first */
	MmEntry *mm;       /* NULL for a zombie */
	size_t need;       /* bytes of the restore area this task uses */
};

struct files_rst_ctx;
struct files_rst_transport;

struct restore_times {
	struct timespec start, forked, end;
};

struct restore_ctx {
	const struct cr_options *opts;
	int dfd;                   /* images directory */
	struct pstree tree;
	unsigned long area_start;  /* the restore area, reserved in criu */
	unsigned long area_size;
	struct rst_sync *sync;     /* first page of the area, shared by all tasks */
	struct files_rst_ctx *files;
	struct files_rst_transport *tr;
	pid_t root_pid;            /* once forked */
	bool forked;
	struct restore_times times;
};

static inline struct rst_item *rst_item(const struct pstree_item *it)
{
	return it->priv;
}

/* rst-area.c: an address range free in every task and in criu. */
int plan_restore_area(struct restore_ctx *ctx);
void release_restore_area(struct restore_ctx *ctx);
/* A free range of @size in @mm's layout that also avoids [avoid_start, avoid_end). */
unsigned long find_free_range(const MmEntry *mm, unsigned long avoid_start, unsigned long avoid_end,
			      unsigned long size);
size_t task_area_need(const struct pstree_item *it, size_t blob_size);

/* rst-task.c: runs in the forked task, never returns on success. */
int restore_task_files(struct restore_ctx *ctx, struct pstree_item *it);
int restore_one_task(struct restore_ctx *ctx, struct pstree_item *it);

/* rst-stats.c: stats-restore.img and --display-stats. */
int write_restore_stats(int dfd, const struct restore_times *t, uint64_t pages_restored,
			bool display);

/* rst-final.c: seize the parked tree, load registers, let it go. */
int finalize_restore(struct restore_ctx *ctx);

#endif
