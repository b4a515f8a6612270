// SPDX-License-Identifier: GPL-2.0
/*
 * Named pipes.  A FIFO description is saved as a FifoEntry pointing at a
 * regular-file entry (its path, flags) plus the queued bytes, once per FIFO
 * inode, in fifo-data.img.  At restore the FIFO is first opened read-write:
 * that never blocks and keeps a reader and a writer around, so the real
 * read-only or write-only opens cannot block either and the data can be
 * queued again before the task gets its ends.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files-reg.h"
#include "files.h"
#include "image.h"
#include "log.h"
#include "pipes.h"

#include "images/fdinfo.pb-c.h"
#include "images/fifo.pb-c.h"
#include "images/regfile.pb-c.h"

static bool fifo_match(const struct fd_parms *p)
{
	return S_ISFIFO(p->st.st_mode) && p->link[0] == '/';
}

static int fifo_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__FIFO);
	FileEntry fe = FILE_ENTRY__INIT;
	FifoEntry fife = FIFO_ENTRY__INIT;
	uint32_t regf_id;
	int r;

	if (!*slot) {
		*slot = calloc(1, sizeof(struct pipe_id_set));
		if (!*slot) {
			pr_err("files: out of memory\n");
			return -1;
		}
	}
	r = pipe_id_seen(*slot, p->st.st_ino);
	if (r < 0)
		return -1;
	if (!r && pipe_data_dump(ctx, CR_FD_FIFO_DATA, p, p->st.st_ino))
		return -1;

	/* The path, flags and owner live in a regular-file entry of their own. */
	regf_id = files_dump_new_id(ctx);
	if (reg_file_ops.dump(ctx, p, regf_id))
		return -1;
	fife.id = id;
	fife.pipe_id = p->st.st_ino;
	fife.has_regf_id = true;
	fife.regf_id = regf_id;
	fe.type = FD_TYPES__FIFO;
	fe.id = id;
	fe.fifo = &fife;
	return files_dump_write_entry(ctx, &fe);
}

static void fifo_dump_free(struct files_dump_ctx *ctx)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__FIFO);
	struct pipe_id_set *seen = *slot;

	if (!seen)
		return;
	free(seen->v);
	free(seen);
	*slot = NULL;
}

/* ---------------------------------------------------------------- restore */

struct open_fifo {
	uint32_t pipe_id;
	int rw_fd; /* the read-write helper open */
};

struct fifo_rst_priv {
	struct pipe_data_set data;
	struct open_fifo *open;
	size_t nr_open;
};

static struct fifo_rst_priv *rst_priv(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__FIFO);

	if (!*slot) {
		struct fifo_rst_priv *p = calloc(1, sizeof(*p));

		if (!p) {
			pr_err("files: out of memory\n");
			return NULL;
		}
		*slot = p;
		if (pipe_data_read(ctx, CR_FD_FIFO_DATA, &p->data))
			return NULL;
	}
	return *slot;
}

static struct file_desc *fifo_regf(struct files_rst_ctx *ctx, const FifoEntry *fe)
{
	struct file_desc *r;

	if (!fe->has_regf_id)
		return NULL;
	r = files_rst_find(ctx, fe->regf_id);
	return r && r->fe->type == FD_TYPES__REG && r->fe->reg ? r : NULL;
}

static int fifo_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	FifoEntry *fe = d->fe->fifo;

	if (!fe || fe->id != d->id) {
		pr_err("files.img: FIFO id %u has no valid fifo entry\n", d->id);
		return -1;
	}
	if (!fifo_regf(ctx, fe)) {
		pr_err("files.img: FIFO id %u has no path entry\n", d->id);
		return -1;
	}
	if (!rst_priv(ctx))
		return -1;
	/* One task opens all ends of a FIFO: the data is queued once. */
	d->group = FILE_GROUP(FD_TYPES__FIFO, fe->pipe_id);
	return 0;
}

static int open_helper(struct fifo_rst_priv *priv, uint32_t pipe_id, const char *path)
{
	struct open_fifo *n;
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < priv->nr_open; i++)
		if (priv->open[i].pipe_id == pipe_id)
			return priv->open[i].rw_fd;

	n = realloc(priv->open, (priv->nr_open + 1) * sizeof(*n));
	if (!n) {
		pr_err("files: out of memory\n");
		return -1;
	}
	priv->open = n;
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			pr_err("FIFO %s no longer exists\n", path);
		else
			pr_perror("Can't open FIFO %s", path);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISFIFO(st.st_mode)) {
		pr_err("%s is no longer a FIFO\n", path);
		goto err;
	}
	if (pipe_data_restore(fd, pipe_data_find(&priv->data, pipe_id)))
		goto err;
	priv->open[priv->nr_open++] = (struct open_fifo){ pipe_id, fd };
	return fd;
err:
	close(fd);
	return -1;
}

static int fifo_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	struct fifo_rst_priv *priv = rst_priv(ctx);
	FifoEntry *fe = d->fe->fifo;
	RegFileEntry *rfe = fifo_regf(ctx, fe)->fe->reg;
	char path[PATH_MAX];
	int fd;

	if (!priv || reg_rst_path(ctx, rfe->name, path, sizeof(path)))
		return -1;
	if (open_helper(priv, fe->pipe_id, path) < 0)
		return -1;
	/* O_NONBLOCK for the open only: the helper is a reader and a writer. */
	fd = open(path, (rfe->flags & O_ACCMODE) | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't open FIFO %s", path);
		return -1;
	}
	if (pipe_set_flags(fd, rfe->flags) || files_restore_fown(fd, rfe->fown)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void fifo_rst_done(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__FIFO);
	struct fifo_rst_priv *p = *slot;
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr_open; i++)
		close(p->open[i].rw_fd);
	free(p->open);
	p->open = NULL;
	p->nr_open = 0;
}

static void fifo_rst_free(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__FIFO);
	struct fifo_rst_priv *p = *slot;

	if (!p)
		return;
	fifo_rst_done(ctx);
	pipe_data_free(&p->data);
	free(p);
	*slot = NULL;
}

const struct fd_kind_ops fifo_ops = {
	.name = "FIFO",
	.file_type = FD_TYPES__FIFO,
	.match = fifo_match,
	.dump = fifo_dump,
	.dump_free = fifo_dump_free,
	.collect = fifo_collect,
	.open = fifo_open,
	.rst_done = fifo_rst_done,
	.rst_free = fifo_rst_free,
};
