/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_DUMP_H
#define CRIU_DUMP_H

#include <stdint.h>
#include <time.h>

#include "core.pb-c.h"
#include "cr_options.h"
#include "proc_parse.h"
#include "pstree.h"
#include "vma.h"

struct compel_task;
struct files_dump_ctx;

/* What dump gathers about one task (pstree_item.priv). */
struct dump_item {
	struct compel_task *task; /* NULL for a zombie */
	struct proc_pid_stat stat;
	CoreEntry **cores;        /* one per thread, the leader first */
	struct vm_area_list vmas;
	uint64_t brk;
	int dumpable, thp_disabled;
	int umask;
	bool killed;
};

struct dump_ctx {
	const struct cr_options *opts;
	int dfd;
	struct pstree tree;
	struct files_dump_ctx *files;
	unsigned int next_pages_id;
	struct timespec t_start, t_frozen, t_mem_start, t_mem_end, t_end;
	uint64_t pages_scanned, pages_written;
};

static inline struct dump_item *dump_item(const struct pstree_item *it)
{
	return it->priv;
}

/* dump-task.c: registers, signals, creds ... of a frozen task. */
int dump_task_core(struct dump_ctx *ctx, struct pstree_item *it);
int write_task_cores(struct dump_ctx *ctx, struct pstree_item *it);
void free_task_cores(struct pstree_item *it);

/* dump-mm.c: mappings (read by @va, if not NULL), mm fields and pages. */
int dump_task_mm(struct dump_ctx *ctx, struct pstree_item *it);

#endif
