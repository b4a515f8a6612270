// SPDX-License-Identifier: GPL-2.0
/*
 * criu restore: read and check every image first, then fork the tree with
 * the original pids, let each task put itself back together (rst-task.c and
 * the restorer blob), and hand the registers over (rst-final.c).  Any
 * failure kills every task created so far.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/page.h"
#include "cr-restore.h"
#include "files.h"
#include "image.h"
#include "inventory.pb-c.h"
#include "kerndat.h"
#include "log.h"
#include "restore.h"
#include "stages.h"

#define READY_TIMEOUT_S 600

static long futex(uint32_t *addr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static int read_inventory(struct restore_ctx *ctx)
{
	struct cr_img *img = open_image_at(ctx->dfd, CR_FD_INVENTORY, O_RSTR);
	InventoryEntry *inv;
	int ret;

	if (!img)
		return -1;
	ret = pb_read_one(img, (void **)&inv, PB_INVENTORY);
	close_image(img);
	if (ret < 0)
		return -1;
	if (inv->img_version != 2) {
		pr_err("inventory.img: image version %u is not supported (2 is)\n",
		       inv->img_version);
		ret = -1;
	}
	pb_free(inv);
	return ret < 0 ? -1 : 0;
}

static int read_core(struct restore_ctx *ctx, pid_t tid, CoreEntry **core)
{
	struct cr_img *img = open_image_at(ctx->dfd, CR_FD_CORE, O_RSTR, tid);
	int ret;

	if (!img)
		return -1;
	ret = pb_read_one(img, (void **)core, PB_CORE);
	close_image(img);
	if (ret < 0)
		return -1;
	if ((*core)->mtype != CORE_ENTRY__MARCH__X86_64) {
		pr_err("core-%d.img: made on another architecture (%d)\n", tid, (*core)->mtype);
		return -1;
	}
	if (!(*core)->thread_core || !(*core)->thread_info) {
		pr_err("core-%d.img: no thread state\n", tid);
		return -1;
	}
	return 0;
}

static int read_task_images(struct restore_ctx *ctx, struct pstree_item *it)
{
	struct rst_item *ri = calloc(1, sizeof(*ri));
	struct cr_img *img;
	unsigned int i;

	it->priv = ri;
	if (!ri || !(ri->cores = calloc(it->nr_threads, sizeof(*ri->cores))))
		return -1;
	for (i = 0; i < it->nr_threads; i++)
		if (read_core(ctx, it->threads[i], &ri->cores[i]))
			return -1;
	if (!ri->cores[0]->tc) {
		pr_err("core-%d.img: no task state\n", it->pid);
		return -1;
	}
	it->state = ri->cores[0]->tc->task_state;
	if (it->state != TASK_STATE_ALIVE && it->state != TASK_STATE_DEAD &&
	    it->state != TASK_STATE_STOPPED) {
		pr_err("core-%d.img: task state %d not supported\n", it->pid, it->state);
		return -1;
	}
	if (it->state != TASK_STATE_DEAD) {
		img = open_image_at(ctx->dfd, CR_FD_MM, O_RSTR, it->pid);
		if (!img || pb_read_one(img, (void **)&ri->mm, PB_MM) < 0) {
			if (img)
				close_image(img);
			return -1;
		}
		close_image(img);
	}
	ri->need = task_area_need(it, restorer_blob_size());
	return 0;
}

static void free_task_images(struct pstree_item *it)
{
	struct rst_item *ri = rst_item(it);
	unsigned int i;

	if (!ri)
		return;
	for (i = 0; ri->cores && i < it->nr_threads; i++)
		pb_free(ri->cores[i]);
	free(ri->cores);
	pb_free(ri->mm);
	free(ri);
	it->priv = NULL;
}

static uint32_t files_id_of(const struct pstree_item *it)
{
	const CoreEntry *core = rst_item(it)->cores[0];

	return core->ids ? core->ids->files_id : (uint32_t)it->pid;
}

static bool pid_taken(pid_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d", pid);
	return access(path, F_OK) == 0;
}

/* Stage: read and check every image before touching the system. */
static int stage_read(void *arg)
{
	struct restore_ctx *ctx = arg;
	unsigned int i, j;

	struct files_rst_opts fo = { .root = ctx->opts->root };

	if (kerndat_init() || read_inventory(ctx) || read_pstree_image(ctx->dfd, &ctx->tree) ||
	    files_rst_ctx_open(ctx->dfd, &fo, &ctx->files))
		return -1;
	for (i = 0; i < ctx->tree.nr_items; i++) {
		struct pstree_item *it = ctx->tree.items[i];

		if (read_task_images(ctx, it))
			return -1;
		for (j = 0; j < it->nr_threads; j++)
			if (pid_taken(it->threads[j])) {
				pr_err("Can't restore task %d: pid %d is already in use\n", it->pid,
				       it->threads[j]);
				return -1;
			}
		if (it->state != TASK_STATE_DEAD &&
		    files_rst_add_task(ctx->files, it->pid, files_id_of(it)))
			return -1;
	}
	return files_rst_prepare(ctx->files);
}

static void unstage_read(void *arg)
{
	struct restore_ctx *ctx = arg;
	unsigned int i;

	for (i = 0; i < ctx->tree.nr_items; i++)
		free_task_images(ctx->tree.items[i]);
	pstree_free(&ctx->tree);
	if (ctx->files)
		files_rst_ctx_close(ctx->files);
	ctx->files = NULL;
}

static int stage_area(void *arg)
{
	struct restore_ctx *ctx = arg;

	if (plan_restore_area(ctx))
		return -1;
	ctx->sync->nr_tasks = 0;
	for (unsigned int i = 0; i < ctx->tree.nr_items; i++)
		if (ctx->tree.items[i]->state != TASK_STATE_DEAD)
			ctx->sync->nr_tasks++;
	return 0;
}

static void unstage_area(void *arg)
{
	release_restore_area(arg);
}

/* Report a failure of a forked task to criu, which kills the whole tree. */
static void __attribute__((noreturn)) task_fail(struct restore_ctx *ctx, struct pstree_item *it)
{
	int32_t zero = 0;

	if (__atomic_compare_exchange_n(&ctx->sync->error, &zero, it->pid, 0, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		snprintf(ctx->sync->errmsg, sizeof(ctx->sync->errmsg),
			 "task %d failed before its restorer ran", it->pid);
	__atomic_add_fetch(&ctx->sync->nr_ready, 1, __ATOMIC_SEQ_CST);
	futex(&ctx->sync->nr_ready, FUTEX_WAKE, 1, NULL);
	_exit(1);
}

static pid_t fork_task(struct restore_ctx *ctx, struct pstree_item *it, unsigned long flags);

static void wait_all_forked(struct restore_ctx *ctx)
{
	uint32_t n, total = ctx->tree.nr_items;

	__atomic_add_fetch(&ctx->sync->nr_forked, 1, __ATOMIC_SEQ_CST);
	futex(&ctx->sync->nr_forked, FUTEX_WAKE, INT32_MAX, NULL);
	while ((n = __atomic_load_n(&ctx->sync->nr_forked, __ATOMIC_SEQ_CST)) < total &&
	       !ctx->sync->error)
		futex(&ctx->sync->nr_forked, FUTEX_WAIT, n, &(struct timespec){ 1, 0 });
}

/* A zombie: exits the way it did, once the others joined its group. */
static void __attribute__((noreturn)) become_zombie(struct pstree_item *it)
{
	int status = rst_item(it)->cores[0]->tc->exit_code;
	struct rlimit no_core = { 0, 0 };

	if (WIFSIGNALED(status)) {
		setrlimit(RLIMIT_CORE, &no_core);
		prctl(PR_SET_DUMPABLE, 0);
		signal(WTERMSIG(status), SIG_DFL);
		kill(getpid(), WTERMSIG(status));
	}
	_exit(WEXITSTATUS(status));
}

/* Wait until the zombie children exist as zombies, without reaping them. */
static int wait_zombie_children(struct pstree_item *it)
{
	struct pstree_item *c;
	siginfo_t si;

	list_for_each_entry(c, &it->children, sibling) {
		if (c->state != TASK_STATE_DEAD)
			continue;
		if (waitid(P_PID, c->pid, &si, WEXITED | WNOWAIT)) {
			pr_perror("Can't wait for zombie %d", c->pid);
			return -1;
		}
	}
	return 0;
}

static int set_session(struct pstree_item *it)
{
	if (it->sid == it->pid) {
		if (setsid() < 0) {
			pr_perror("Task %d: setsid", it->pid);
			return -1;
		}
	} else if (getsid(0) != it->sid) {
		pr_err("Task %d: session %d is neither its own nor its parent's: not supported "
		       "yet\n", it->pid, it->sid);
		return -1;
	}
	return 0;
}

static void task_main(struct restore_ctx *ctx, struct pstree_item *it)
{
	struct pstree_item *c;
	sigset_t none;
	int sig;

	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%d", it->pid);
	log_set_prefix(prefix);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (set_session(it))
		task_fail(ctx, it);
	list_for_each_entry(c, &it->children, sibling)
		if (fork_task(ctx, c, 0) < 0)
			task_fail(ctx, it);
	wait_all_forked(ctx);
	if (getpgid(0) != it->pgid && setpgid(0, it->pgid)) {
		pr_perror("Task %d: can't join process group %d", it->pid, it->pgid);
		task_fail(ctx, it);
	}
	if (it->state == TASK_STATE_DEAD)
		become_zombie(it);
	if (wait_zombie_children(it) || restore_task_files(ctx, it))
		task_fail(ctx, it);
	restore_one_task(ctx, it);
	task_fail(ctx, it);
}

static pid_t fork_task(struct restore_ctx *ctx, struct pstree_item *it, unsigned long flags)
{
	pid_t tid = it->pid;
	struct clone_args ca = {
		.flags = flags,
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&tid,
		.set_tid_size = 1,
	};
	long pid;

	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		task_main(ctx, it);
		_exit(1);
	}
	if (pid < 0) {
		pr_perror("Can't create task %d", it->pid);
		return -1;
	}
	return (pid_t)pid;
}

static void kill_tree(struct restore_ctx *ctx)
{
	unsigned int i;

	for (i = ctx->tree.nr_items; i-- > 0;)
		kill(ctx->tree.items[i]->pid, SIGKILL);
	if (ctx->root_pid > 0)
		waitpid(ctx->root_pid, NULL, 0);
	ctx->root_pid = 0;
}

static int stage_fork(void *arg)
{
	struct restore_ctx *ctx = arg;
	unsigned long flags = ctx->opts->restore_sibling ? CLONE_PARENT : 0;

	if (files_rst_transport_create(ctx->files, &ctx->tr))
		return -1;
	fflush(NULL);
	ctx->root_pid = fork_task(ctx, ctx->tree.root, flags);
	return ctx->root_pid < 0 ? -1 : 0;
}

static void unstage_fork(void *arg)
{
	struct restore_ctx *ctx = arg;

	kill_tree(ctx);
	if (ctx->tr)
		files_rst_transport_destroy(ctx->tr);
	ctx->tr = NULL;
}

static bool root_died(struct restore_ctx *ctx)
{
	int status;

	if (ctx->opts->restore_sibling)
		return kill(ctx->root_pid, 0) != 0;
	return waitpid(ctx->root_pid, &status, WNOHANG) == ctx->root_pid;
}

static int stage_wait(void *arg)
{
	struct restore_ctx *ctx = arg;
	struct rst_sync *sync = ctx->sync;
	time_t deadline = time(NULL) + READY_TIMEOUT_S;
	uint32_t n;

	while ((n = __atomic_load_n(&sync->nr_ready, __ATOMIC_SEQ_CST)) < sync->nr_tasks) {
		if (sync->error)
			break;
		if (root_died(ctx)) {
			pr_err("The restored root task %d died during restore\n", ctx->root_pid);
			ctx->root_pid = 0;
			return -1;
		}
		if (time(NULL) > deadline) {
			pr_err("Timed out waiting for %u tasks to restore (%u ready)\n",
			       sync->nr_tasks, n);
			return -1;
		}
		futex(&sync->nr_ready, FUTEX_WAIT, n, &(struct timespec){ 0, 100000000 });
	}
	if (sync->error) {
		pr_err("Restore of task %d failed: %s\n", sync->error, sync->errmsg);
		return -1;
	}
	return 0;
}

static int stage_finalize(void *arg)
{
	return finalize_restore(arg);
}

static const struct stage restore_stages[] = {
	{ "read-images", stage_read, unstage_read },
	{ "restore-area", stage_area, unstage_area },
	{ "fork-tree", stage_fork, unstage_fork },
	{ "wait-tasks", stage_wait, NULL },
	{ "finalize", stage_finalize, NULL },
};

static int write_pidfile(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%d", pid) < 0 || fclose(f)) {
		pr_perror("Can't write pidfile %s", path);
		return -1;
	}
	return 0;
}

int cr_restore(const struct cr_options *o)
{
	struct restore_ctx ctx = { .opts = o };
	int ret = -1, status;

	ctx.dfd = open(o->imgs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctx.dfd < 0) {
		pr_perror("Can't open images directory %s", o->imgs_dir);
		return 1;
	}
	if (run_stages(restore_stages, ARRAY_SIZE(restore_stages), &ctx))
		goto out;
	pr_info("Restore finished: root task %d\n", ctx.root_pid);
	if (o->pidfile && write_pidfile(o->pidfile, ctx.root_pid))
		goto out_done;
	ret = 0;
	if (!o->restore_detach && !o->restore_sibling) {
		/* Stay the parent of the tree, as CRIU does, until the root exits. */
		while (waitpid(ctx.root_pid, &status, 0) < 0 && errno == EINTR)
			;
		ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
out_done:
	if (ctx.tr)
		files_rst_transport_destroy(ctx.tr);
	undo_stages(restore_stages, 2, &ctx);
out:
	close(ctx.dfd);
	return ret ? 1 : 0;
}
