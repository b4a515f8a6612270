// SPDX-License-Identifier: GPL-2.0
/*
 * criu dump: freeze the tree, save every task's state into the images, then
 * kill the tree (or leave it running with -R).  The steps are stages with
 * undos: if any fails, the tree is released exactly as it was.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "compel/compel.h"
#include "compel/state.h"
#include "cr-dump.h"
#include "dump.h"
#include "files.h"
#include "image.h"
#include "inventory.pb-c.h"
#include "kerndat.h"
#include "log.h"
#include "stages.h"
#include "stats.pb-c.h"

#define IMG_VERSION 2

static void compel_log(unsigned int level, const char *fmt, va_list args)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, args);
	print_on_level(level, "%s", buf);
}

static struct pstree_item *new_item(struct dump_ctx *ctx, struct pstree_item *parent, pid_t pid)
{
	struct pstree_item *it = pstree_item_alloc(pid);
	struct dump_item *di = calloc(1, sizeof(*di));

	if (!it || !di || pstree_add(&ctx->tree, parent, it)) {
		free(it);
		free(di);
		return NULL;
	}
	it->priv = di;
	vm_area_list_init(&di->vmas);
	di->umask = -1;
	return it;
}

static int freeze_one(struct dump_ctx *ctx, struct pstree_item *it);

/*
 * A frozen task can't fork or reap, so its children list is stable once it
 * is frozen: freeze parents first, then walk down.
 */
static int freeze_children(struct dump_ctx *ctx, struct pstree_item *it)
{
	struct dump_item *di = dump_item(it);
	pid_t *children = NULL;
	size_t nr_children = 0;
	unsigned int i;
	size_t c;
	int ret = 0;

	if (!di->task)
		return 0;
	for (i = 0; i < compel_task_nr_threads(di->task) && !ret; i++)
		ret = parse_children(it->pid, compel_thread_tid(di->task, i), &children,
				     &nr_children);
	for (c = 0; c < nr_children && !ret; c++) {
		struct pstree_item *child = new_item(ctx, it, children[c]);

		ret = child ? freeze_one(ctx, child) : -1;
	}
	free(children);
	return ret;
}

/*
 * A leader that called pthread_exit shows as a zombie too, but its
 * threads run on: the process is alive.
 */
static bool has_other_threads(pid_t pid)
{
	char path[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return false;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.' && atoi(de->d_name) != pid;
	closedir(d);
	return n > 0;
}

static int freeze_one(struct dump_ctx *ctx, struct pstree_item *it)
{
	struct dump_item *di = dump_item(it);
	unsigned int i;

	if (parse_pid_stat(it->pid, 0, &di->stat))
		return -1;
	it->pgid = di->stat.pgid;
	it->sid = di->stat.sid;
	it->leader_exited = di->stat.state == 'Z' && has_other_threads(it->pid);
	if (di->stat.state == 'Z' && !it->leader_exited) {
		it->state = TASK_STATE_DEAD;
		it->nr_threads = 1;
		it->threads = malloc(sizeof(pid_t));
		if (!it->threads)
			return -1;
		it->threads[0] = it->pid;
		return 0;
	}
	di->task = compel_freeze(it->pid, 0);
	if (!di->task) {
		/* It may have exited meanwhile: then it is a zombie now. */
		if (!parse_pid_stat(it->pid, 0, &di->stat) && di->stat.state == 'Z')
			return freeze_one(ctx, it);
		pr_err("Can't freeze task %d\n", it->pid);
		return -1;
	}
	if (compel_thread_tid(di->task, 0) != it->pid)
		it->leader_exited = true;
	it->nr_threads = compel_task_nr_threads(di->task);
	it->threads = calloc(it->nr_threads, sizeof(pid_t));
	if (!it->threads)
		return -1;
	for (i = 0; i < it->nr_threads; i++)
		it->threads[i] = compel_thread_tid(di->task, i);
	/*
	 * The state of the leader's stat is from before freezing; re-read it,
	 * through a live thread if the leader has exited (its mm is gone).
	 */
	if (parse_pid_stat(pstree_proc_pid(it), 0, &di->stat))
		return -1;
	return freeze_children(ctx, it);
}

static int stage_freeze(void *arg)
{
	struct dump_ctx *ctx = arg;
	struct pstree_item *root;

	clock_gettime(CLOCK_MONOTONIC, &ctx->t_start);
	compel_log_init(compel_log, log_get_loglevel());
	if (ctx->opts->tree_pid == getpid()) {
		pr_err("Can't dump criu itself\n");
		return -1;
	}
	root = new_item(ctx, NULL, ctx->opts->tree_pid);
	if (!root || freeze_one(ctx, root))
		return -1;
	if (root->state == TASK_STATE_DEAD) {
		pr_err("The root task %d is a zombie\n", root->pid);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &ctx->t_frozen);
	pr_info("Froze %u tasks\n", ctx->tree.nr_items);
	return 0;
}

static void release_tree(struct dump_ctx *ctx, bool kill_it)
{
	unsigned int i;

	/* Kill while still attached, so nothing runs between release and death. */
	for (i = 0; kill_it && i < ctx->tree.nr_items; i++)
		kill(ctx->tree.items[i]->pid, SIGKILL);
	for (i = ctx->tree.nr_items; i-- > 0;) {
		struct dump_item *di = dump_item(ctx->tree.items[i]);

		if (!di || !di->task)
			continue;
		if (kill_it)
			compel_forget(di->task);
		else if (compel_unfreeze(di->task))
			pr_err("Task %d was not released cleanly\n", ctx->tree.items[i]->pid);
		di->task = NULL;
	}
}

static void free_tree(struct dump_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->tree.nr_items; i++) {
		struct pstree_item *it = ctx->tree.items[i];
		struct dump_item *di = dump_item(it);

		if (!di)
			continue;
		free_task_cores(it);
		free_vm_area_list(&di->vmas);
		free(di);
		it->priv = NULL;
	}
	pstree_free(&ctx->tree);
}

static void unstage_freeze(void *arg)
{
	struct dump_ctx *ctx = arg;

	release_tree(ctx, false);
	free_tree(ctx);
}

static int stage_tasks(void *arg)
{
	struct dump_ctx *ctx = arg;
	struct files_dump_opts fo = {
		.ghost_limit = ctx->opts->ghost_limit,
		.ext_unix_sk = ctx->opts->ext_unix_sk,
		.ext_unix_ids = ctx->opts->ext_unix_ids.v,
		.nr_ext_unix_ids = ctx->opts->ext_unix_ids.n,
		.file_locks = ctx->opts->file_locks,
		.shell_job = ctx->opts->shell_job,
	};
	unsigned int i;

	if (files_dump_ctx_create(ctx->dfd, &fo, &ctx->files))
		return -1;
	for (i = 0; i < ctx->tree.nr_items; i++) {
		struct pstree_item *it = ctx->tree.items[i];
		struct proc_status *st;

		if (stages_interrupted() || dump_task_core(ctx, it))
			return -1;
		if (!dump_item(it)->task)
			continue;
		st = malloc(sizeof(*st));
		if (!st || parse_pid_status(pstree_proc_pid(it), 0, st)) {
			free(st);
			return -1;
		}
		dump_item(it)->umask = st->umask;
		free(st);
	}
	return 0;
}

static void unstage_tasks(void *arg)
{
	struct dump_ctx *ctx = arg;

	if (ctx->files)
		files_dump_ctx_destroy(ctx->files);
	ctx->files = NULL;
}

static int dump_files_mm(struct dump_ctx *ctx, struct pstree_item *it)
{
	if (files_dump_task(ctx->files, pstree_proc_pid(it), (uint32_t)it->pid) ||
	    dump_task_mm(ctx, it))
		return -1;
	return 0;
}

static int stage_files_mm(void *arg)
{
	struct dump_ctx *ctx = arg;
	unsigned int i;

	clock_gettime(CLOCK_MONOTONIC, &ctx->t_mem_start);
	ctx->next_pages_id = 1;
	for (i = 0; i < ctx->tree.nr_items; i++) {
		struct pstree_item *it = ctx->tree.items[i];

		if (!dump_item(it)->task)
			continue;
		if (stages_interrupted() || dump_files_mm(ctx, it))
			return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &ctx->t_mem_end);
	return files_dump_ctx_finish(ctx->files);
}

/*
 * A leader that has exited has no thread state: its core image holds only
 * what belongs to the process, which was dumped through the first live
 * thread (whose own image has it too).
 */
static int write_exited_leader_core(struct dump_ctx *ctx, struct pstree_item *it)
{
	CoreEntry core = *dump_item(it)->cores[0];
	struct cr_img *img;
	int ret;

	core.thread_info = NULL;
	core.thread_core = NULL;
	img = open_image_at(ctx->dfd, CR_FD_CORE, O_DUMP, it->pid);
	if (!img)
		return -1;
	ret = pb_write_one(img, &core, PB_CORE);
	if (close_image(img))
		ret = -1;
	return ret;
}

static int stage_write(void *arg)
{
	struct dump_ctx *ctx = arg;
	unsigned int i;

	for (i = 0; i < ctx->tree.nr_items; i++) {
		struct pstree_item *it = ctx->tree.items[i];

		if (write_task_cores(ctx, it))
			return -1;
		if (pstree_proc_pid(it) != it->pid && write_exited_leader_core(ctx, it))
			return -1;
	}
	return write_pstree_image(ctx->dfd, &ctx->tree);
}

static uint32_t usec_between(const struct timespec *a, const struct timespec *b)
{
	return (uint32_t)((b->tv_sec - a->tv_sec) * 1000000 + (b->tv_nsec - a->tv_nsec) / 1000);
}

static int write_stats(struct dump_ctx *ctx)
{
	StatsEntry se = STATS_ENTRY__INIT;
	DumpStatsEntry ds = DUMP_STATS_ENTRY__INIT;
	struct cr_img *img;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &ctx->t_end);
	ds.freezing_time = usec_between(&ctx->t_start, &ctx->t_frozen);
	ds.frozen_time = usec_between(&ctx->t_frozen, &ctx->t_end);
	ds.memdump_time = usec_between(&ctx->t_mem_start, &ctx->t_mem_end);
	ds.memwrite_time = ds.memdump_time;
	ds.pages_scanned = ctx->pages_scanned;
	ds.pages_written = ctx->pages_written;
	se.dump = &ds;
	img = open_image_at(ctx->dfd, CR_FD_STATS, O_DUMP, "dump");
	if (!img)
		return -1;
	ret = pb_write_one(img, &se, PB_STATS);
	if (close_image(img))
		ret = -1;
	if (!ret && ctx->opts->display_stats) {
		pr_msg("Displaying dump stats:\n");
		pr_msg("Freezing time: %u us\n", ds.freezing_time);
		pr_msg("Frozen time: %u us\n", ds.frozen_time);
		pr_msg("Memory dump time: %u us\n", ds.memdump_time);
		pr_msg("Memory write time: %u us\n", ds.memwrite_time);
		pr_msg("Memory pages scanned: %llu\n", (unsigned long long)ds.pages_scanned);
		pr_msg("Memory pages written: %llu\n", (unsigned long long)ds.pages_written);
	}
	return ret;
}

/* Inventory last: its presence marks a complete image set. */
static int stage_inventory(void *arg)
{
	struct dump_ctx *ctx = arg;
	InventoryEntry inv = INVENTORY_ENTRY__INIT;
	TaskKobjIdsEntry ids = TASK_KOBJ_IDS_ENTRY__INIT;
	struct cr_img *img;
	int ret;

	if (write_stats(ctx))
		return -1;
	inv.img_version = IMG_VERSION;
	inv.has_fdinfo_per_id = true;
	inv.fdinfo_per_id = true;
	inv.has_ns_per_id = true;
	inv.ns_per_id = true;
	inv.has_lsmtype = true;
	inv.lsmtype = LSMTYPE__NO_LSM;
	ids.vm_id = ids.files_id = ids.fs_id = ids.sighand_id = (uint32_t)ctx->tree.root->pid;
	inv.root_ids = &ids;
	img = open_image_at(ctx->dfd, CR_FD_INVENTORY, O_DUMP);
	if (!img)
		return -1;
	ret = pb_write_one(img, &inv, PB_INVENTORY);
	if (close_image(img))
		ret = -1;
	return ret;
}

static void unstage_inventory(void *arg)
{
	struct dump_ctx *ctx = arg;

	/* A failed dump must not look complete. */
	unlinkat(ctx->dfd, "inventory.img", 0);
}

static const struct stage dump_stages[] = {
	{ "freeze", stage_freeze, unstage_freeze },
	{ "collect", stage_tasks, unstage_tasks },
	{ "files-memory", stage_files_mm, NULL },
	{ "write-images", stage_write, NULL },
	{ "inventory", stage_inventory, unstage_inventory },
};

int cr_dump(const struct cr_options *o)
{
	struct dump_ctx ctx = { .opts = o };
	int ret = 1;

	if (!o->tree_pid) {
		pr_err("dump needs -t PID\n");
		return 1;
	}
	if (kerndat_init())
		return 1;
	/*
	 * criu naps for microseconds while tasks run remote code; the default
	 * 50 us slack would stretch each nap.  Nothing criu forks here keeps it.
	 */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	ctx.dfd = open(o->imgs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctx.dfd < 0) {
		pr_perror("Can't open images directory %s", o->imgs_dir);
		return 1;
	}
	unlinkat(ctx.dfd, "inventory.img", 0);
	stages_catch_signals();
	if (run_stages(dump_stages, ARRAY_SIZE(dump_stages), &ctx))
		goto out;

	/* Done: the tree dies (default), runs on (-R) or stays stopped (-s). */
	if (o->final_state == TASK_STOPPED) {
		for (unsigned int i = 0; i < ctx.tree.nr_items; i++)
			kill(ctx.tree.items[i]->pid, SIGSTOP);
	}
	release_tree(&ctx, o->final_state == TASK_DEAD);
	unstage_tasks(&ctx);
	free_tree(&ctx);
	pr_info("Dumping finished successfully\n");
	ret = 0;
out:
	close(ctx.dfd);
	stages_release_signals();
	return ret;
}
