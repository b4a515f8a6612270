// SPDX-License-Identifier: GPL-2.0
/*
 * Restoring fds: files.img and every task's fdinfo image are read and cross
 * checked in criu before any task exists, so a bad image fails before the
 * system is touched.  Then each task, in its own process, opens the
 * descriptions it owns, hands shared ones to the other tasks, receives the
 * ones owned elsewhere and finally puts every fd at its number.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/compiler.h"
#include "file-lock.h"
#include "files.h"
#include "image.h"
#include "log.h"
#include "tty.h"

#include "images/fdinfo.pb-c.h"

/* Kind-private slots, indexed by FdTypes value. */
#define KIND_SLOTS 32

struct rst_task {
	pid_t pid;
	uint32_t fdinfo_id;
	FdinfoEntry **fds; /* sorted by fd number */
	size_t nr;
};

struct files_rst_ctx {
	int dfd;
	struct files_rst_opts opts;
	struct file_desc *descs; /* sorted by id */
	size_t nr_descs;
	struct rst_task *tasks;
	size_t nr_tasks;
	int max_fd;
	void *kind_priv[KIND_SLOTS];
	struct file_lock_set *locks;
};

int files_rst_dfd(const struct files_rst_ctx *ctx)
{
	return ctx->dfd;
}

const struct files_rst_opts *files_rst_opts(const struct files_rst_ctx *ctx)
{
	return &ctx->opts;
}

void **files_rst_kind_priv(struct files_rst_ctx *ctx, int file_type)
{
	if (file_type < 0 || file_type >= KIND_SLOTS)
		return NULL;
	return &ctx->kind_priv[file_type];
}

int files_rst_max_fd(const struct files_rst_ctx *ctx)
{
	return ctx->max_fd;
}

static int cmp_desc(const void *a, const void *b)
{
	const struct file_desc *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

struct file_desc *files_rst_find(struct files_rst_ctx *ctx, uint32_t id)
{
	struct file_desc key = { .id = id };

	return bsearch(&key, ctx->descs, ctx->nr_descs, sizeof(key), cmp_desc);
}

static int read_files_img(struct files_rst_ctx *ctx)
{
	struct cr_img *img;
	size_t cap = 0;
	int ret;

	img = open_image_at(ctx->dfd, CR_FD_FILES, O_RSTR);
	if (!img)
		return -1;
	for (;;) {
		FileEntry *fe;

		ret = pb_read_one_eof(img, (void **)&fe, PB_FILE);
		if (ret <= 0)
			break;
		if (ctx->nr_descs == cap) {
			struct file_desc *n;

			cap = cap ? cap * 2 : 64;
			n = realloc(ctx->descs, cap * sizeof(*n));
			if (!n) {
				pr_err("files: out of memory\n");
				pb_free(fe);
				ret = -1;
				break;
			}
			ctx->descs = n;
		}
		ctx->descs[ctx->nr_descs++] = (struct file_desc){
			.id = fe->id,
			.fe = fe,
			.fd = -1,
		};
	}
	if (ret < 0)
		pr_err("%s: can't read the open files\n", img_path(img));
	close_image(img);
	return ret;
}

static int collect_descs(struct files_rst_ctx *ctx)
{
	size_t i;

	qsort(ctx->descs, ctx->nr_descs, sizeof(*ctx->descs), cmp_desc);
	for (i = 0; i < ctx->nr_descs; i++) {
		struct file_desc *d = &ctx->descs[i];

		if (i && ctx->descs[i - 1].id == d->id) {
			pr_err("files.img: two files with id %u\n", d->id);
			return -1;
		}
		d->ops = fd_kind_by_type(d->fe->type);
		if (!d->ops) {
			pr_err("files.img: file id %u has type %d, which can't be restored\n",
			       d->id, d->fe->type);
			return -1;
		}
	}
	/* Kinds look other entries up (a FIFO its path): all sorted first. */
	for (i = 0; i < ctx->nr_descs; i++) {
		struct file_desc *d = &ctx->descs[i];

		if (d->ops->collect && d->ops->collect(ctx, d))
			return -1;
	}
	return 0;
}

int files_rst_ctx_open(int dfd, const struct files_rst_opts *opts, struct files_rst_ctx **out)
{
	struct files_rst_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx) {
		pr_err("files: out of memory\n");
		return -1;
	}
	ctx->dfd = dfd;
	ctx->opts = *opts;
	if (!ctx->opts.root)
		ctx->opts.root = "/";
	ctx->max_fd = -1;
	if (read_files_img(ctx) || collect_descs(ctx) || file_locks_read(dfd, &ctx->locks)) {
		files_rst_ctx_close(ctx);
		return -1;
	}
	*out = ctx;
	return 0;
}

void files_rst_ctx_close(struct files_rst_ctx *ctx)
{
	size_t i, j;

	if (!ctx)
		return;
	for (i = 0; i < ctx->nr_descs; i++) {
		if (ctx->descs[i].fd >= 0)
			close(ctx->descs[i].fd);
		free(ctx->descs[i].holders);
		pb_free(ctx->descs[i].fe);
	}
	for (i = 0; i < ctx->nr_tasks; i++) {
		for (j = 0; j < ctx->tasks[i].nr; j++)
			pb_free(ctx->tasks[i].fds[j]);
		free(ctx->tasks[i].fds);
	}
	/* Kind-private state is plain malloc'ed memory owned by the kind. */
	for (i = 0; i < KIND_SLOTS; i++) {
		const struct fd_kind_ops *ops = fd_kind_by_type(i);

		if (ctx->kind_priv[i] && ops && ops->rst_free)
			ops->rst_free(ctx);
	}
	file_locks_free(ctx->locks);
	free(ctx->descs);
	free(ctx->tasks);
	free(ctx);
}

static struct rst_task *find_task(struct files_rst_ctx *ctx, pid_t pid)
{
	size_t i;

	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].pid == pid)
			return &ctx->tasks[i];
	return NULL;
}

static int cmp_fdinfo(const void *a, const void *b)
{
	const FdinfoEntry *x = *(FdinfoEntry *const *)a, *y = *(FdinfoEntry *const *)b;

	return x->fd < y->fd ? -1 : x->fd > y->fd;
}

static int check_fdinfo(struct files_rst_ctx *ctx, struct rst_task *t, const char *path)
{
	size_t i;

	qsort(t->fds, t->nr, sizeof(*t->fds), cmp_fdinfo);
	for (i = 0; i < t->nr; i++) {
		FdinfoEntry *e = t->fds[i];
		struct file_desc *d = files_rst_find(ctx, e->id);

		if (e->fd > INT_MAX) {
			pr_err("%s: bad fd number %u\n", path, e->fd);
			return -1;
		}
		if (i && t->fds[i - 1]->fd == e->fd) {
			pr_err("%s: fd %u appears twice\n", path, e->fd);
			return -1;
		}
		if (!d) {
			pr_err("%s: fd %u refers to file id %u, not in files.img\n", path, e->fd,
			       e->id);
			return -1;
		}
		if ((int)e->type != (int)d->fe->type) {
			pr_err("%s: fd %u has type %d but file id %u is of type %d\n", path, e->fd,
			       e->type, e->id, d->fe->type);
			return -1;
		}
		if ((int)e->fd > ctx->max_fd)
			ctx->max_fd = e->fd;
	}
	return 0;
}

int files_rst_add_task(struct files_rst_ctx *ctx, pid_t pid, uint32_t fdinfo_id)
{
	struct rst_task *t, *n;
	struct cr_img *img;
	size_t cap = 0;
	int ret;

	if (find_task(ctx, pid)) {
		pr_err("files: task %d added twice\n", pid);
		return -1;
	}
	n = realloc(ctx->tasks, (ctx->nr_tasks + 1) * sizeof(*n));
	if (!n) {
		pr_err("files: out of memory\n");
		return -1;
	}
	ctx->tasks = n;
	t = &ctx->tasks[ctx->nr_tasks++];
	*t = (struct rst_task){ .pid = pid, .fdinfo_id = fdinfo_id };

	img = open_image_at(ctx->dfd, CR_FD_FDINFO, O_RSTR, fdinfo_id);
	if (!img)
		return -1;
	for (;;) {
		FdinfoEntry *e;

		ret = pb_read_one_eof(img, (void **)&e, PB_FDINFO);
		if (ret <= 0)
			break;
		if (t->nr == cap) {
			FdinfoEntry **f;

			cap = cap ? cap * 2 : 32;
			f = realloc(t->fds, cap * sizeof(*f));
			if (!f) {
				pr_err("files: out of memory\n");
				pb_free(e);
				ret = -1;
				break;
			}
			t->fds = f;
		}
		t->fds[t->nr++] = e;
	}
	if (!ret)
		ret = check_fdinfo(ctx, t, img_path(img));
	else
		pr_err("%s: can't read the fds of task %d\n", img_path(img), pid);
	close_image(img);
	return ret;
}

int files_rst_transport_create(const struct files_rst_ctx *ctx, struct files_rst_transport **out)
{
	pid_t *pids = calloc(ctx->nr_tasks + 1, sizeof(*pids));
	size_t i;
	int ret;

	if (!pids) {
		pr_err("files: out of memory\n");
		return -1;
	}
	for (i = 0; i < ctx->nr_tasks; i++)
		pids[i] = ctx->tasks[i].pid;
	ret = files_rst_transport_create_pids(pids, ctx->nr_tasks, out);
	free(pids);
	return ret;
}

static int add_holder(struct file_desc *d, pid_t pid)
{
	pid_t *n;
	int i;

	for (i = 0; i < d->nr_holders; i++)
		if (d->holders[i] == pid)
			return 0;
	n = realloc(d->holders, (d->nr_holders + 1) * sizeof(*n));
	if (!n) {
		pr_err("files: out of memory\n");
		return -1;
	}
	d->holders = n;
	d->holders[d->nr_holders++] = pid;
	if (!d->owner || pid < d->owner)
		d->owner = pid;
	return 0;
}

static int cmp_group(const void *a, const void *b)
{
	const struct file_desc *x = *(struct file_desc *const *)a;
	const struct file_desc *y = *(struct file_desc *const *)b;

	return x->group < y->group ? -1 : x->group > y->group;
}

/*
 * One task creates a whole group: the lowest owner among its members
 * (members no task holds keep no owner: nobody opens them as fds).
 */
static int group_owners(struct files_rst_ctx *ctx)
{
	struct file_desc **v = calloc(ctx->nr_descs + 1, sizeof(*v));
	size_t i, j, n = 0;

	if (!v) {
		pr_err("files: out of memory\n");
		return -1;
	}
	for (i = 0; i < ctx->nr_descs; i++)
		if (ctx->descs[i].group && ctx->descs[i].owner)
			v[n++] = &ctx->descs[i];
	qsort(v, n, sizeof(*v), cmp_group);
	for (i = 0; i < n; i = j) {
		pid_t owner = v[i]->owner;

		for (j = i; j < n && v[j]->group == v[i]->group; j++)
			owner = min(owner, v[j]->owner);
		while (i < j)
			v[i++]->owner = owner;
	}
	free(v);
	return 0;
}

int files_rst_prepare(struct files_rst_ctx *ctx)
{
	size_t i, j;

	for (i = 0; i < ctx->nr_tasks; i++) {
		struct rst_task *t = &ctx->tasks[i];

		for (j = 0; j < t->nr; j++)
			if (add_holder(files_rst_find(ctx, t->fds[j]->id), t->pid))
				return -1;
	}
	return group_owners(ctx);
}

int files_service_fd(int fd, int min)
{
	int nfd;

	if (fd >= min)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, min);
	if (nfd < 0) {
		pr_perror("Can't move fd %d above %d", fd, min);
		return -1;
	}
	close(fd);
	return nfd;
}

static bool holds(const struct file_desc *d, pid_t pid)
{
	int i;

	for (i = 0; i < d->nr_holders; i++)
		if (d->holders[i] == pid)
			return true;
	return false;
}

/* Opens and hands out every description this task owns. */
static int open_owned(struct files_rst_ctx *ctx, struct files_rst_transport *tr, pid_t pid,
		      int base)
{
	size_t i;
	int j;

	for (i = 0; i < ctx->nr_descs; i++) {
		struct file_desc *d = &ctx->descs[i];
		int fd;

		if (d->owner != pid)
			continue;
		/* A kind may have opened it already (a file in flight it needed). */
		fd = d->fd >= 0 ? d->fd : d->ops->open(ctx, d);
		if (fd < 0) {
			pr_err("Can't restore file id %u (%s) of task %d\n", d->id, d->ops->name,
			       pid);
			return -1;
		}
		fd = files_service_fd(fd, base);
		if (fd < 0)
			return -1;
		d->fd = fd;
		for (j = 0; j < d->nr_holders; j++) {
			if (d->holders[j] == pid)
				continue;
			if (!tr) {
				pr_err("File id %u is shared by tasks %d and %d: restore needs a transport\n",
				       d->id, pid, d->holders[j]);
				return -1;
			}
			if (files_transport_send(tr, d->holders[j], d->id, d->fd))
				return -1;
		}
		if (!holds(d, pid)) {
			close(d->fd);
			d->fd = -1;
		}
	}
	return 0;
}

static int receive_shared(struct files_rst_ctx *ctx, struct files_rst_transport *tr,
			  struct rst_task *t, int base)
{
	size_t i, missing = 0;

	for (i = 0; i < t->nr; i++) {
		struct file_desc *d = files_rst_find(ctx, t->fds[i]->id);

		if (d->owner != t->pid && !d->installed) {
			d->installed = true; /* counted once even if several fds use it */
			missing++;
		}
	}
	if (missing && !tr) {
		pr_err("Task %d holds files owned by other tasks: restore needs a transport\n",
		       t->pid);
		return -1;
	}
	while (missing) {
		struct file_desc *d;
		uint32_t id;
		int fd;

		if (files_transport_recv(tr, &id, &fd))
			return -1;
		d = files_rst_find(ctx, id);
		if (!d || !holds(d, t->pid) || d->fd >= 0) {
			pr_err("Task %d received file id %u it did not expect\n", t->pid, id);
			close(fd);
			return -1;
		}
		d->fd = files_service_fd(fd, base);
		if (d->fd < 0)
			return -1;
		missing--;
	}
	return 0;
}

static int install_fds(struct files_rst_ctx *ctx, struct rst_task *t)
{
	int log_fd = log_get_fd();
	size_t i;

	for (i = 0; i < t->nr; i++) {
		FdinfoEntry *e = t->fds[i];
		struct file_desc *d = files_rst_find(ctx, e->id);
		int flags = e->flags & FD_CLOEXEC ? O_CLOEXEC : 0;

		if ((int)e->fd == log_fd)
			pr_warn("Restored fd %u of task %d replaces criu's log\n", e->fd, t->pid);
		if (dup3(d->fd, e->fd, flags) != (int)e->fd) {
			pr_perror("Can't put file id %u at fd %u of task %d", e->id, e->fd, t->pid);
			return -1;
		}
	}
	return 0;
}

/* Kinds whose state names fds by number finish once all of them exist. */
static int post_install(struct files_rst_ctx *ctx, struct rst_task *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++) {
		struct file_desc *d = files_rst_find(ctx, t->fds[i]->id);

		if (d->owner != t->pid || !d->ops->post_install || d->installed)
			continue;
		d->installed = true; /* once per description, at its first fd */
		if (d->ops->post_install(ctx, d, t->fds[i]->fd))
			return -1;
	}
	return 0;
}

static void close_descs(struct files_rst_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nr_descs; i++) {
		if (ctx->descs[i].fd >= 0)
			close(ctx->descs[i].fd);
		ctx->descs[i].fd = -1;
		ctx->descs[i].installed = false;
	}
}

static void kinds_done(struct files_rst_ctx *ctx)
{
	int i;

	for (i = 0; i < KIND_SLOTS; i++) {
		const struct fd_kind_ops *ops = fd_kind_by_type(i);

		if (ops && ops->rst_done)
			ops->rst_done(ctx);
	}
}

int files_rst_task(struct files_rst_ctx *ctx, struct files_rst_transport *tr, pid_t pid)
{
	struct rst_task *t = find_task(ctx, pid);
	/* Everything criu holds meanwhile stays above the task's fds. */
	int base = ctx->max_fd + 1 < 3 ? 3 : ctx->max_fd + 1;
	int ret = -1;

	if (!t) {
		pr_err("files: no fdinfo image was added for task %d\n", pid);
		return -1;
	}
	if (tr && files_transport_enter(tr, pid, base))
		return -1;
	if (open_owned(ctx, tr, pid, base))
		goto out;
	kinds_done(ctx);
	if (receive_shared(ctx, tr, t, base))
		goto out;
	if (install_fds(ctx, t) || post_install(ctx, t))
		goto out;
	pr_info("Restored %zu fds of task %d\n", t->nr, pid);
	ret = 0;
out:
	if (ret && tr)
		files_transport_abort(tr);
	kinds_done(ctx);
	close_descs(ctx);
	/* Last: closing another fd on a file drops the POSIX locks on it. */
	if (!ret && file_locks_restore(ctx->locks, pid))
		ret = -1;
	/*
	 * A session leader takes its terminal back; the caller made the
	 * session and every group of the tree before the files.
	 */
	if (!ret && getsid(0) == pid && tty_restore_ctty(ctx, pid))
		ret = -1;
	return ret;
}

pid_t files_rst_group_owner(struct files_rst_ctx *ctx, uint64_t group)
{
	size_t i;

	for (i = 0; group && i < ctx->nr_descs; i++)
		if (ctx->descs[i].group == group && ctx->descs[i].owner)
			return ctx->descs[i].owner;
	return 0;
}

bool files_rst_task_has_fd(struct files_rst_ctx *ctx, pid_t pid, int fd)
{
	struct rst_task *t = find_task(ctx, pid);
	size_t i;

	for (i = 0; t && i < t->nr; i++)
		if ((int)t->fds[i]->fd == fd)
			return true;
	return false;
}
