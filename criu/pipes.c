// SPDX-License-Identifier: GPL-2.0
/*
 * Anonymous pipes.  Each end a task holds is a description (PipeEntry) with
 * the pipe's inode number as pipe_id; the queued bytes are saved once per
 * pipe in pipes-data.img.  At restore one task makes the pipe, refills it
 * and creates every description of it, including the ends other tasks
 * hold, which the framework then hands over.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "image.h"
#include "log.h"
#include "pipes.h"

#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"
#include "images/pipe.pb-c.h"

static bool pipe_match(const struct fd_parms *p)
{
	return S_ISFIFO(p->st.st_mode) && !strncmp(p->link, "pipe:[", 6);
}

static int pipe_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__PIPE);
	FileEntry fe = FILE_ENTRY__INIT;
	PipeEntry pe = PIPE_ENTRY__INIT;
	struct pipe_id_set *seen;
	FownEntry fown;
	int r;

	if (!*slot) {
		*slot = calloc(1, sizeof(struct pipe_id_set));
		if (!*slot) {
			pr_err("files: out of memory\n");
			return -1;
		}
	}
	seen = *slot;
	r = pipe_id_seen(seen, p->st.st_ino);
	if (r < 0)
		return -1;
	/* The data belongs to the pipe, not to an end: saved with the first one. */
	if (!r && pipe_data_dump(ctx, CR_FD_PIPES_DATA, p, p->st.st_ino))
		return -1;

	files_dump_fown(p->lfd, &fown);
	pe.id = id;
	pe.pipe_id = p->st.st_ino;
	pe.flags = p->flags;
	pe.fown = &fown;
	fe.type = FD_TYPES__PIPE;
	fe.id = id;
	fe.pipe = &pe;
	return files_dump_write_entry(ctx, &fe);
}

static void pipe_dump_free(struct files_dump_ctx *ctx)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__PIPE);
	struct pipe_id_set *seen = *slot;

	if (!seen)
		return;
	free(seen->v);
	free(seen);
	*slot = NULL;
}

/* ---------------------------------------------------------------- restore */

/* A pipe made by this process, kept until all its descriptions exist. */
struct open_pipe {
	uint32_t pipe_id;
	int fds[2];
	bool used[2]; /* that end was already given to a description */
};

struct pipe_rst_priv {
	struct pipe_data_set data;
	struct open_pipe *open;
	size_t nr_open;
};

static struct pipe_rst_priv *rst_priv(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__PIPE);

	if (!*slot) {
		struct pipe_rst_priv *p = calloc(1, sizeof(*p));

		if (!p) {
			pr_err("files: out of memory\n");
			return NULL;
		}
		*slot = p;
		if (pipe_data_read(ctx, CR_FD_PIPES_DATA, &p->data))
			return NULL;
	}
	return *slot;
}

static int pipe_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	PipeEntry *pe = d->fe->pipe;

	if (!pe || !pe->fown || pe->id != d->id) {
		pr_err("files.img: pipe id %u has no valid pipe entry\n", d->id);
		return -1;
	}
	if (!rst_priv(ctx))
		return -1;
	d->group = FILE_GROUP(FD_TYPES__PIPE, pe->pipe_id);
	return 0;
}

static struct open_pipe *get_pipe(struct pipe_rst_priv *priv, uint32_t pipe_id)
{
	struct open_pipe *op, *n;
	size_t i;

	for (i = 0; i < priv->nr_open; i++)
		if (priv->open[i].pipe_id == pipe_id)
			return &priv->open[i];

	n = realloc(priv->open, (priv->nr_open + 1) * sizeof(*n));
	if (!n) {
		pr_err("files: out of memory\n");
		return NULL;
	}
	priv->open = n;
	op = &priv->open[priv->nr_open];
	*op = (struct open_pipe){ .pipe_id = pipe_id };
	if (pipe2(op->fds, O_CLOEXEC)) {
		pr_perror("Can't make pipe %u", pipe_id);
		return NULL;
	}
	if (pipe_data_restore(op->fds[1], pipe_data_find(&priv->data, pipe_id))) {
		close(op->fds[0]);
		close(op->fds[1]);
		return NULL;
	}
	priv->nr_open++;
	return op;
}

/* Status flags F_SETFL can give back to a pipe description (O_DIRECT: packet mode). */
#define PIPE_SETFL_FLAGS (O_NONBLOCK | O_DIRECT | O_ASYNC)

int pipe_set_flags(int fd, unsigned int flags)
{
	int cur = fcntl(fd, F_GETFL);

	if (cur < 0 || fcntl(fd, F_SETFL, (cur & ~PIPE_SETFL_FLAGS) | (flags & PIPE_SETFL_FLAGS))) {
		pr_perror("Can't set flags 0%o on a pipe", flags);
		return -1;
	}
	return 0;
}

static int pipe_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	struct pipe_rst_priv *priv = rst_priv(ctx);
	PipeEntry *pe = d->fe->pipe;
	struct open_pipe *op;
	int end, fd;

	if (!priv)
		return -1;
	op = get_pipe(priv, pe->pipe_id);
	if (!op)
		return -1;
	end = (pe->flags & O_ACCMODE) == O_WRONLY ? 1 : 0;
	if (!op->used[end] && (pe->flags & O_ACCMODE) != O_RDWR) {
		/* The pipe's own end; kept in op->fds for reopening until rst_done. */
		fd = fcntl(op->fds[end], F_DUPFD_CLOEXEC, 0);
		op->used[end] = true;
	} else {
		char proc[64];

		/*
		 * Another description of the same pipe (or a read-write one):
		 * reopening through /proc makes a new one, as it did in the task.
		 */
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", op->fds[end]);
		fd = open(proc, (pe->flags & O_ACCMODE) | O_CLOEXEC);
	}
	if (fd < 0) {
		pr_perror("Can't make an end of pipe %u", pe->pipe_id);
		return -1;
	}
	if (pipe_set_flags(fd, pe->flags) || files_restore_fown(fd, pe->fown)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void pipe_rst_done(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__PIPE);
	struct pipe_rst_priv *p = *slot;
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr_open; i++) {
		close(p->open[i].fds[0]);
		close(p->open[i].fds[1]);
	}
	free(p->open);
	p->open = NULL;
	p->nr_open = 0;
}

static void pipe_rst_free(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__PIPE);
	struct pipe_rst_priv *p = *slot;

	if (!p)
		return;
	pipe_rst_done(ctx);
	pipe_data_free(&p->data);
	free(p);
	*slot = NULL;
}

const struct fd_kind_ops pipe_ops = {
	.name = "pipe",
	.file_type = FD_TYPES__PIPE,
	.match = pipe_match,
	.dump = pipe_dump,
	.dump_free = pipe_dump_free,
	.collect = pipe_collect,
	.open = pipe_open,
	.rst_done = pipe_rst_done,
	.rst_free = pipe_rst_free,
};
