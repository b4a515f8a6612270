// SPDX-License-Identifier: GPL-2.0
/*
 * criu restore: read and check every image first, then fork the tree with
 * the original pids, let each task put itself back together (rst-task.c and
 * the restorer blob), and hand the registers over (rst-final.c).  Any
 * failure kills every task created so far.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/page.h"
#include "cr-restore.h"
#include "cr-service.h"
#include "files.h"
#include "futex.h"
#include "image.h"
#include "inventory.pb-c.h"
#include "kerndat.h"
#include "log.h"
#include "restore.h"
#include "stages.h"
#include "tty.h"

#define READY_TIMEOUT_S 600

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

static int read_core(struct restore_ctx *ctx, pid_t tid, CoreEntry **core, bool exited)
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
	/* Only a leader that has exited, with threads that live on, has none. */
	if ((!(*core)->thread_core || !(*core)->thread_info) && !exited) {
		pr_err("core-%d.img: no thread state\n", tid);
		return -1;
	}
	return 0;
}

/*
 * The leader's core of a process whose leader has exited holds only the
 * process state.  The leader is still created, to give the process its
 * pid, and sets the process up: it borrows the thread state of the first
 * live thread for that, then exits in the restorer.
 */
static void borrow_thread_state(struct pstree_item *it, CoreEntry **cores)
{
	if (cores[0]->thread_core && cores[0]->thread_info)
		return;
	it->leader_exited = true;
	cores[0]->thread_core = cores[1]->thread_core;
	cores[0]->thread_info = cores[1]->thread_info;
}

static void give_back_thread_state(struct pstree_item *it, CoreEntry **cores)
{
	if (!it->leader_exited || !cores[0])
		return;
	cores[0]->thread_core = NULL;
	cores[0]->thread_info = NULL;
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
		if (read_core(ctx, it->threads[i], &ri->cores[i], i == 0 && it->nr_threads > 1))
			return -1;
	borrow_thread_state(it, ri->cores);
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
	if (ri->cores)
		give_back_thread_state(it, ri->cores);
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

/*
 * Helpers stand in for dead session and group leaders while the tree is
 * forked.  They have no images; an empty rst_item keeps the code that walks
 * every task simple.
 */
static int plan_helpers(struct restore_ctx *ctx)
{
	unsigned int i, n = ctx->tree.nr_items;

	if (pstree_plan_restore(&ctx->tree, getpgid(0)))
		return -1;
	for (i = n; i < ctx->tree.nr_items; i++) {
		struct pstree_item *h = ctx->tree.items[i];

		h->priv = calloc(1, sizeof(struct rst_item));
		if (!h->priv)
			return -1;
		if (pid_taken(h->pid)) {
			pr_err("Can't restore the session or group of pid %d: the pid is in use\n",
			       h->pid);
			return -1;
		}
	}
	return 0;
}

/* Stage: read and check every image before touching the system. */
static int stage_read(void *arg)
{
	struct restore_ctx *ctx = arg;
	unsigned int i, j;

	struct files_rst_opts fo = {
		.root = ctx->opts->root,
		.shell_job = ctx->opts->shell_job,
		.skip_size_check = ctx->opts->skip_file_size_check,
	};

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
	if (plan_helpers(ctx))
		return -1;
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
		if (ctx->tree.items[i]->state != TASK_STATE_DEAD &&
		    ctx->tree.items[i]->state != TASK_STATE_HELPER)
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
	futex_wake(&ctx->sync->nr_ready, 1);
	_exit(1);
}

static pid_t fork_task(struct restore_ctx *ctx, struct pstree_item *it, unsigned long flags);

/* Wait until @word reaches @total, or a task failed. */
static void wait_count(struct restore_ctx *ctx, uint32_t *word, uint32_t total)
{
	uint32_t n;

	while ((n = __atomic_load_n(word, __ATOMIC_SEQ_CST)) < total && !ctx->sync->error)
		futex_wait(word, n, &(struct timespec){ 1, 0 });
}

/* Count in on @word and wait for everybody else. */
static void barrier(struct restore_ctx *ctx, uint32_t *word, uint32_t total)
{
	__atomic_add_fetch(word, 1, __ATOMIC_SEQ_CST);
	futex_wake(word, INT32_MAX);
	wait_count(ctx, word, total);
}

static unsigned int nr_helpers(const struct pstree *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < t->nr_items; i++)
		n += t->items[i]->state == TASK_STATE_HELPER;
	return n;
}

/*
 * nr_forked counts twice: once per task (helpers included) that exists with
 * everything it forks, then once per real task that has joined its group.
 */
static void wait_all_forked(struct restore_ctx *ctx)
{
	barrier(ctx, &ctx->sync->nr_forked, ctx->tree.nr_items);
}

static void wait_all_joined(struct restore_ctx *ctx, bool count_in)
{
	uint32_t total = 2 * ctx->tree.nr_items - nr_helpers(&ctx->tree);

	/* Helpers have no group to join: they only wait for the others. */
	if (count_in)
		barrier(ctx, &ctx->sync->nr_forked, total);
	else
		wait_count(ctx, &ctx->sync->nr_forked, total);
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

/*
 * The session comes first, inherited or new, then the task's own group if
 * it leads one, so that the group exists before anyone tries to join it.
 */
static int set_session(struct pstree_item *it)
{
	if (it->sid == it->pid) {
		if (setsid() < 0) {
			pr_perror("Task %d: setsid", it->pid);
			return -1;
		}
	} else if (getsid(0) != it->sid) {
		pr_err("Task %d: in session %d instead of %d\n", it->pid, getsid(0), it->sid);
		return -1;
	}
	if (it->pgid == it->pid && getpgid(0) != it->pid && setpgid(0, 0)) {
		pr_perror("Task %d: can't lead its process group", it->pid);
		return -1;
	}
	return 0;
}

/* Fork the children, and the siblings this task clones with CLONE_PARENT. */
static int fork_children(struct restore_ctx *ctx, struct pstree_item *it)
{
	unsigned int i;

	for (i = 0; i < ctx->tree.nr_items; i++) {
		struct pstree_item *c = ctx->tree.items[i];

		if (c->forker == it && fork_task(ctx, c, c->clone_parent ? CLONE_PARENT : 0) < 0)
			return -1;
	}
	return 0;
}

/* A helper's work is done once every task is in its group. */
static void __attribute__((noreturn)) helper_main(struct restore_ctx *ctx)
{
	wait_all_joined(ctx, false);
	_exit(ctx->sync->error ? 1 : 0);
}

/* Reap the helpers this task forked, so that their pids are free again. */
static int reap_helpers(struct pstree_item *it)
{
	struct pstree_item *c;
	int status = -1;

	list_for_each_entry(c, &it->children, sibling) {
		if (c->state != TASK_STATE_HELPER)
			continue;
		if (waitpid(c->pid, &status, 0) != c->pid || status) {
			pr_err("Task %d: helper %d failed (status 0x%x)\n", it->pid, c->pid, status);
			return -1;
		}
	}
	return 0;
}

static void task_main(struct restore_ctx *ctx, struct pstree_item *it)
{
	sigset_t none;
	int sig;

	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%d", it->pid);
	log_set_prefix(prefix);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* The terminal goes to the leader before it forks: only later children get it. */
	if (set_session(it) || (it->sid == it->pid && tty_prepare_ctty(ctx->files, it->pid)) ||
	    fork_children(ctx, it))
		task_fail(ctx, it);
	wait_all_forked(ctx);
	if (it->state == TASK_STATE_HELPER)
		helper_main(ctx);
	if (getpgid(0) != it->pgid && setpgid(0, it->pgid)) {
		pr_perror("Task %d: can't join process group %d", it->pid, it->pgid);
		task_fail(ctx, it);
	}
	wait_all_joined(ctx, true);
	if (reap_helpers(it))
		task_fail(ctx, it);
	if (it->state == TASK_STATE_DEAD)
		become_zombie(it);
	if (wait_zombie_children(it) || restore_task_files(ctx, it))
		task_fail(ctx, it);
	restore_one_task(ctx, it);
	task_fail(ctx, it);
}

/*
 * Tasks get their pids from clone3's set_tid; kernels before 5.5 have only
 * ns_last_pid.  The environment variable forces the old way, to test it.
 */
#define NS_LAST_PID "/proc/sys/kernel/ns_last_pid"
#define FORCE_NS_LAST_PID_ENV "CRIU_FORCE_NS_LAST_PID"

static bool use_set_tid(void)
{
	return kdat.has_clone3_set_tid && !getenv(FORCE_NS_LAST_PID_ENV);
}

static long clone_with_set_tid(pid_t want, unsigned long flags)
{
	pid_t tid = want;
	struct clone_args ca = {
		.flags = flags,
		/* clone3 wants none with CLONE_PARENT: the forker's own is used. */
		.exit_signal = flags & CLONE_PARENT ? 0 : SIGCHLD,
		.set_tid = (uintptr_t)&tid,
		.set_tid_size = 1,
	};

	return syscall(SYS_clone3, &ca, sizeof(ca));
}

/*
 * The next pid the kernel hands out follows ns_last_pid.  Tasks fork in
 * parallel: the lock on the file keeps the write and the fork together.
 */
static long clone_after_last_pid(pid_t want, unsigned long flags)
{
	int fd = open(NS_LAST_PID, O_RDWR | O_CLOEXEC);
	char buf[16];
	int len;
	long pid = -1;

	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%d", want - 1);
	if (!flock(fd, LOCK_EX) && write(fd, buf, len) == len) {
		pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
		if (pid == 0) {
			close(fd);
			return 0;
		}
	}
	flock(fd, LOCK_UN);
	close(fd);
	return pid;
}

#define LAST_PID_TRIES 5

/*
 * Another process may fork between our write to ns_last_pid and our fork
 * and take the pid we wanted.  Our stray child exits at once; if it is
 * ours to reap (no CLONE_PARENT) and the pid is free again, try again.
 */
static long clone_at_pid(pid_t want, unsigned long flags)
{
	long pid;
	int i;

	if (use_set_tid())
		return clone_with_set_tid(want, flags);
	for (i = 0; i < LAST_PID_TRIES; i++) {
		pid = clone_after_last_pid(want, flags);
		if (pid <= 0 || pid == want || (flags & CLONE_PARENT))
			break;
		waitpid(pid, NULL, 0);
		if (pid_taken(want))
			break;
		pr_warn("Pid %d went to someone else meanwhile, trying again\n", want);
	}
	return pid;
}

static pid_t fork_task(struct restore_ctx *ctx, struct pstree_item *it, unsigned long flags)
{
	long pid = clone_at_pid(it->pid, flags);

	if (pid == 0) {
		/* Someone else took the pid between our write and the fork. */
		if (getpid() != it->pid)
			_exit(1);
		task_main(ctx, it);
		_exit(1);
	}
	if (pid < 0) {
		pr_perror("Can't create task %d", it->pid);
		return -1;
	}
	if (pid != it->pid) {
		pr_err("Task %d was created with pid %ld: the pid was taken meanwhile\n", it->pid,
		       pid);
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
	pr_info("Tasks get their pids with %s\n",
		use_set_tid() ? "clone3 set_tid" : NS_LAST_PID);
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

	clock_gettime(CLOCK_MONOTONIC, &ctx->times.forked);
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
		futex_wait(&sync->nr_ready, n, &(struct timespec){ 0, 100000000 });
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
	clock_gettime(CLOCK_MONOTONIC, &ctx.times.start);
	/* Until the tree runs, a SIGTERM undoes the restore (no tasks left behind). */
	stages_catch_signals();
	if (run_stages(restore_stages, ARRAY_SIZE(restore_stages), &ctx)) {
		stages_release_signals();
		goto out;
	}
	stages_release_signals();
	clock_gettime(CLOCK_MONOTONIC, &ctx.times.end);
	pr_info("Restore finished: root task %d\n", ctx.root_pid);
	/* The tree runs already: a stats failure is only worth a warning. */
	if (write_restore_stats(ctx.dfd, &ctx.times, ctx.sync->pages_restored, o->display_stats))
		pr_warn("Can't write stats-restore.img\n");
	if (rpc_ctx_of(o))
		rpc_ctx_of(o)->restored_pid = ctx.root_pid;
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
