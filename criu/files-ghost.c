// SPDX-License-Identifier: GPL-2.0
/*
 * Ghost files: a file that is open but unlinked has no path to reopen, so
 * its contents travel in ghost-file-N.img and remap-fpath.img says which
 * file ids use which ghost.  Restore recreates the file next to where it
 * was, opens it and unlinks it again, so the task again holds an unlinked
 * file with the same contents.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files-reg.h"
#include "files.h"
#include "image.h"
#include "log.h"

#include "images/fdinfo.pb-c.h"
#include "images/ghost-file.pb-c.h"
#include "images/remap-file-path.pb-c.h"

#define GHOST_COPY_BUF (64U << 10)

/* ---------------------------------------------------------------- dump */

struct dumped_ghost {
	dev_t dev;
	ino_t ino;
	uint32_t id;
};

struct reg_dump_priv {
	struct dumped_ghost *ghosts;
	size_t nr;
	uint32_t next_id;
};

static struct reg_dump_priv *dump_priv(struct files_dump_ctx *ctx)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__REG);

	if (!*slot) {
		struct reg_dump_priv *p = calloc(1, sizeof(*p));

		if (!p) {
			pr_err("files: out of memory\n");
			return NULL;
		}
		p->next_id = 1;
		*slot = p;
	}
	return *slot;
}

void ghost_dump_free(struct files_dump_ctx *ctx)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__REG);
	struct reg_dump_priv *p = *slot;

	if (!p)
		return;
	free(p->ghosts);
	free(p);
	*slot = NULL;
}

/* Copies the data extents of @fd as chunks: holes stay out of the image. */
static int dump_chunks(struct cr_img *img, int fd, off_t size, const char *path)
{
	char *buf = malloc(GHOST_COPY_BUF);
	off_t data = 0, hole;
	int ret = -1;

	if (!buf) {
		pr_err("files: out of memory\n");
		return -1;
	}
	while (data < size) {
		GhostChunkEntry ce = GHOST_CHUNK_ENTRY__INIT;
		off_t off;

		data = lseek(fd, data, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break; /* only a hole up to the end */
			pr_perror("Can't find data in unlinked %s", path);
			goto out;
		}
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0) {
			pr_perror("Can't find a hole in unlinked %s", path);
			goto out;
		}
		if (hole > size)
			hole = size;
		ce.off = data;
		ce.len = hole - data;
		if (pb_write_one(img, &ce, PB_GHOST_CHUNK))
			goto out;
		for (off = data; off < hole;) {
			ssize_t n = pread(fd, buf, min((off_t)GHOST_COPY_BUF, hole - off), off);

			if (n <= 0) {
				if (!n)
					errno = EIO; /* shrank under us: the task is not frozen */
				pr_perror("Can't read unlinked %s at %lld", path, (long long)off);
				goto out;
			}
			if (img_write_raw(img, buf, n))
				goto out;
			off += n;
		}
		data = hole;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

static int write_ghost(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t gid,
		       const char *path)
{
	GhostFileEntry ge = GHOST_FILE_ENTRY__INIT;
	Timeval atim = TIMEVAL__INIT, mtim = TIMEVAL__INIT;
	struct cr_img *img;
	int fd, ret = -1;

	/* A fresh read-only open: the task's own may be write-only or positioned. */
	fd = open(p->reopen, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't read unlinked %s (%s)", path, p->desc);
		return -1;
	}
	img = open_image_at(files_dump_dfd(ctx), CR_FD_GHOST_FILE, O_DUMP, gid);
	if (!img)
		goto out;
	ge.uid = p->st.st_uid;
	ge.gid = p->st.st_gid;
	ge.mode = p->st.st_mode;
	ge.has_dev = true;
	ge.dev = p->st.st_dev;
	ge.has_ino = true;
	ge.ino = p->st.st_ino;
	atim.tv_sec = p->st.st_atim.tv_sec;
	atim.tv_usec = p->st.st_atim.tv_nsec / 1000;
	mtim.tv_sec = p->st.st_mtim.tv_sec;
	mtim.tv_usec = p->st.st_mtim.tv_nsec / 1000;
	ge.atim = &atim;
	ge.mtim = &mtim;
	ge.has_chunks = true;
	ge.chunks = true;
	ge.has_size = true;
	ge.size = p->st.st_size;
	ret = pb_write_one(img, &ge, PB_GHOST_FILE);
	if (!ret)
		ret = dump_chunks(img, fd, p->st.st_size, path);
	if (close_image(img))
		ret = -1;
out:
	close(fd);
	return ret;
}

int ghost_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id, const char *path)
{
	RemapFilePathEntry rpe = REMAP_FILE_PATH_ENTRY__INIT;
	struct reg_dump_priv *priv = dump_priv(ctx);
	unsigned long limit = files_dump_opts(ctx)->ghost_limit;
	struct cr_img *rimg;
	uint32_t gid = 0;
	size_t i;

	if (!priv)
		return -1;
	for (i = 0; i < priv->nr; i++)
		if (priv->ghosts[i].dev == p->st.st_dev && priv->ghosts[i].ino == p->st.st_ino)
			gid = priv->ghosts[i].id;

	if (!gid) {
		struct dumped_ghost *n;

		if ((unsigned long long)p->st.st_size > limit) {
			pr_err("Can't dump %s: unlinked file %s has %lld bytes, "
			       "more than the ghost limit of %lu (see --ghost-limit)\n",
			       p->desc, path, (long long)p->st.st_size, limit);
			return -1;
		}
		n = realloc(priv->ghosts, (priv->nr + 1) * sizeof(*n));
		if (!n) {
			pr_err("files: out of memory\n");
			return -1;
		}
		priv->ghosts = n;
		gid = priv->next_id++;
		if (write_ghost(ctx, p, gid, path))
			return -1;
		priv->ghosts[priv->nr++] = (struct dumped_ghost){
			.dev = p->st.st_dev,
			.ino = p->st.st_ino,
			.id = gid,
		};
		pr_info("Unlinked %s (%lld bytes) saved as ghost %u\n", path,
			(long long)p->st.st_size, gid);
	}

	rimg = files_dump_img(ctx, CR_FD_REMAP_FPATH);
	if (!rimg)
		return -1;
	rpe.orig_id = id;
	rpe.remap_id = gid;
	rpe.has_remap_type = true;
	rpe.remap_type = REMAP_TYPE__GHOST;
	return pb_write_one(rimg, &rpe, PB_REMAP_FPATH);
}

/* ---------------------------------------------------------------- restore */

struct ghost_remap {
	uint32_t orig_id;
	uint32_t remap_id;
};

/* One extent of a ghost's contents, read from its image. */
struct ghost_chunk {
	uint64_t off, len;
	char *data;
};

/*
 * A ghost's image is read whole when the restore context is built, in
 * criu: tasks then recreate it without touching the images directory,
 * whose fd may sit where a restored fd has to go.
 */
struct ghost_data {
	uint32_t id;
	GhostFileEntry *ge;
	struct ghost_chunk *chunks;
	size_t nr_chunks;
};

struct open_ghost {
	uint32_t remap_id;
	int fd;
};

struct reg_rst_priv {
	struct ghost_remap *remaps;
	size_t nr;
	struct ghost_data *ghosts;
	size_t nr_ghosts;
	/* Ghosts recreated by this process, kept open for more descriptions. */
	struct open_ghost *open;
	size_t nr_open;
};

static struct ghost_data *find_ghost(struct reg_rst_priv *priv, uint32_t id)
{
	size_t i;

	for (i = 0; i < priv->nr_ghosts; i++)
		if (priv->ghosts[i].id == id)
			return &priv->ghosts[i];
	return NULL;
}

static int add_chunk(struct ghost_data *g, struct cr_img *img, uint64_t off, uint64_t len)
{
	struct ghost_chunk *n;
	char *data;

	if (off + len < off || len > IMG_MAX_MSG_SIZE) {
		pr_err("%s: bad chunk of %llu bytes at %llu\n", img_path(img),
		       (unsigned long long)len, (unsigned long long)off);
		return -1;
	}
	n = realloc(g->chunks, (g->nr_chunks + 1) * sizeof(*n));
	data = malloc(len ? len : 1);
	if (!n || !data) {
		free(data);
		if (n)
			g->chunks = n;
		pr_err("files: out of memory\n");
		return -1;
	}
	g->chunks = n;
	g->chunks[g->nr_chunks++] = (struct ghost_chunk){ off, len, data };
	return img_read_raw_exact(img, data, len);
}

static int read_ghost_body(struct ghost_data *g, struct cr_img *img)
{
	if (g->ge->chunks) {
		for (;;) {
			GhostChunkEntry *ce;
			int r = pb_read_one_eof(img, (void **)&ce, PB_GHOST_CHUNK);

			if (r <= 0)
				return r;
			r = add_chunk(g, img, ce->off, ce->len);
			pb_free(ce);
			if (r)
				return -1;
		}
	}
	/* Old layout: the raw contents up to the end of the image. */
	for (;;) {
		uint64_t off = g->nr_chunks ? g->chunks[g->nr_chunks - 1].off +
						      g->chunks[g->nr_chunks - 1].len :
					      0;
		char *buf = malloc(GHOST_COPY_BUF);
		ssize_t n;

		if (!buf) {
			pr_err("files: out of memory\n");
			return -1;
		}
		n = img_read_raw(img, buf, GHOST_COPY_BUF);
		if (n <= 0) {
			free(buf);
			return n;
		}
		if (add_chunk(g, img, off, 0)) {
			free(buf);
			return -1;
		}
		free(g->chunks[g->nr_chunks - 1].data);
		g->chunks[g->nr_chunks - 1].data = buf;
		g->chunks[g->nr_chunks - 1].len = n;
	}
}

static int load_ghost(struct files_rst_ctx *ctx, struct reg_rst_priv *priv, uint32_t id)
{
	struct ghost_data *n, *g;
	struct cr_img *img;
	int ret = -1;

	if (find_ghost(priv, id))
		return 0;
	n = realloc(priv->ghosts, (priv->nr_ghosts + 1) * sizeof(*n));
	if (!n) {
		pr_err("files: out of memory\n");
		return -1;
	}
	priv->ghosts = n;
	g = &priv->ghosts[priv->nr_ghosts++];
	*g = (struct ghost_data){ .id = id };

	img = open_image_at(files_rst_dfd(ctx), CR_FD_GHOST_FILE, O_RSTR, id);
	if (!img)
		return -1;
	if (pb_read_one(img, (void **)&g->ge, PB_GHOST_FILE) < 0)
		goto out;
	if (!S_ISREG(g->ge->mode)) {
		pr_err("%s: ghost of mode 0%o is not a regular file\n", img_path(img), g->ge->mode);
		goto out;
	}
	ret = read_ghost_body(g, img);
	if (ret)
		pr_err("%s: can't read the contents of the unlinked file\n", img_path(img));
out:
	close_image(img);
	return ret;
}

static int read_remaps(struct files_rst_ctx *ctx, struct reg_rst_priv *priv)
{
	struct cr_img *img;
	int ret;

	img = open_image_at(files_rst_dfd(ctx), CR_FD_REMAP_FPATH, O_RSTR | O_OPT);
	if (!img)
		return -1;
	for (;;) {
		RemapFilePathEntry *e;
		struct ghost_remap *n;

		ret = pb_read_one_eof(img, (void **)&e, PB_REMAP_FPATH);
		if (ret <= 0)
			break;
		if (e->remap_type != REMAP_TYPE__GHOST || !e->remap_id) {
			pr_err("%s: file id %u is remapped as type %d, not supported\n",
			       img_path(img), e->orig_id, e->remap_type);
			pb_free(e);
			ret = -1;
			break;
		}
		n = realloc(priv->remaps, (priv->nr + 1) * sizeof(*n));
		if (!n) {
			pr_err("files: out of memory\n");
			pb_free(e);
			ret = -1;
			break;
		}
		priv->remaps = n;
		priv->remaps[priv->nr++] = (struct ghost_remap){ e->orig_id, e->remap_id };
		pb_free(e);
		ret = load_ghost(ctx, priv, priv->remaps[priv->nr - 1].remap_id);
		if (ret)
			break;
	}
	close_image(img);
	return ret;
}

static struct reg_rst_priv *rst_priv(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__REG);

	if (!*slot) {
		struct reg_rst_priv *p = calloc(1, sizeof(*p));

		if (!p) {
			pr_err("files: out of memory\n");
			return NULL;
		}
		*slot = p;
		if (read_remaps(ctx, p))
			return NULL;
	}
	return *slot;
}

int ghost_collect(struct files_rst_ctx *ctx, uint32_t id, uint32_t *remap_id)
{
	struct reg_rst_priv *priv = rst_priv(ctx);
	size_t i;

	if (!priv)
		return -1;
	*remap_id = 0;
	for (i = 0; i < priv->nr; i++)
		if (priv->remaps[i].orig_id == id)
			*remap_id = priv->remaps[i].remap_id;
	return 0;
}

static int fill_ghost(const struct ghost_data *g, int fd)
{
	size_t i;

	for (i = 0; i < g->nr_chunks; i++) {
		const struct ghost_chunk *c = &g->chunks[i];
		uint64_t done = 0;

		while (done < c->len) {
			ssize_t n = pwrite(fd, c->data + done, c->len - done, c->off + done);

			if (n <= 0) {
				pr_perror("Can't write the ghost file");
				return -1;
			}
			done += n;
		}
	}
	if (g->ge->has_size && ftruncate(fd, g->ge->size)) {
		pr_perror("Can't size the ghost file to %llu", (unsigned long long)g->ge->size);
		return -1;
	}
	return 0;
}

static int set_attrs(int fd, const GhostFileEntry *ge)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };

	if (fchown(fd, ge->uid, ge->gid) || fchmod(fd, ge->mode & 07777)) {
		pr_perror("Can't give the ghost file owner %u:%u mode 0%o", ge->uid, ge->gid,
			  ge->mode & 07777);
		return -1;
	}
	if (ge->atim)
		ts[0] = (struct timespec){ ge->atim->tv_sec, ge->atim->tv_usec * 1000 };
	if (ge->mtim)
		ts[1] = (struct timespec){ ge->mtim->tv_sec, ge->mtim->tv_usec * 1000 };
	if (futimens(fd, ts)) {
		pr_perror("Can't set the times of the ghost file");
		return -1;
	}
	return 0;
}

/*
 * Unlinks the file at @tmp so that it dies under the name @path: the kernel
 * shows an unlinked file as the name its dentry had last ("path (deleted)"
 * in /proc/PID/fd), and programs look at that.  If @path exists again (a
 * new file took the name) the two swap names for a moment.
 */
static int unlink_as(const char *tmp, const char *path)
{
	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE)) {
		if (!unlink(path))
			return 0;
		pr_perror("Can't unlink recreated %s", path);
		return -1;
	}
	if (errno != EEXIST) {
		/* No renameat2 here (or no such flags on this fs): keep the temporary name. */
		pr_pwarn("Can't give the ghost of %s its name", path);
		if (!unlink(tmp))
			return 0;
		pr_perror("Can't unlink ghost %s", tmp);
		return -1;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE)) {
		pr_perror("Can't swap the ghost of %s in", path);
		unlink(tmp);
		return -1;
	}
	if (unlink(path)) {
		pr_perror("Can't unlink recreated %s", path);
		return -1;
	}
	/* The file that now owns the name goes back to it. */
	if (rename(tmp, path)) {
		pr_perror("Can't move %s back to %s: it is left as %s", path, path, tmp);
		return -1;
	}
	return 0;
}

/* Recreates ghost @gid as an unlinked file in the directory of @path. */
static int create_ghost(struct reg_rst_priv *priv, uint32_t gid, const char *path)
{
	const struct ghost_data *g = find_ghost(priv, gid);
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd;

	if (!g) {
		pr_err("Ghost %u of %s was not read\n", gid, path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	/*
	 * Same directory as the original: same filesystem (so the same kind
	 * of inode) and no name anyone else would pick.
	 */
	if (snprintf(tmp, sizeof(tmp), "%s/.criu-ghost.%x.%d", dirname(dir), gid, getpid()) >=
	    (int)sizeof(tmp)) {
		pr_err("Ghost path for %s is too long\n", path);
		return -1;
	}
	fd = open(tmp, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == ENOENT)
			pr_err("Can't recreate unlinked %s: its directory no longer exists\n",
			       path);
		else
			pr_perror("Can't recreate unlinked %s as %s", path, tmp);
		return -1;
	}
	/* Unlinked at once, still empty: nothing is left behind if restore dies later. */
	if (unlink_as(tmp, path))
		goto err;
	if (fill_ghost(g, fd) || set_attrs(fd, g->ge))
		goto err;
	return fd;
err:
	close(fd);
	return -1;
}

int ghost_open(struct files_rst_ctx *ctx, uint32_t remap_id, const char *path, int flags)
{
	struct reg_rst_priv *priv = rst_priv(ctx);
	char proc[64];
	int gfd = -1, fd;
	size_t i;

	if (!priv)
		return -1;
	for (i = 0; i < priv->nr_open; i++)
		if (priv->open[i].remap_id == remap_id)
			gfd = priv->open[i].fd;
	if (gfd < 0) {
		struct open_ghost *n = realloc(priv->open, (priv->nr_open + 1) * sizeof(*n));

		if (!n) {
			pr_err("files: out of memory\n");
			return -1;
		}
		priv->open = n;
		gfd = create_ghost(priv, remap_id, path);
		/*
		 * Kept, above every fd of the tree, until the context goes:
		 * a mapping of the file opened after the fds must get the same
		 * inode, not a second copy.
		 */
		if (gfd >= 0)
			gfd = files_service_fd(gfd, files_rst_max_fd(ctx) + 1);
		if (gfd < 0)
			return -1;
		priv->open[priv->nr_open++] = (struct open_ghost){ remap_id, gfd };
	}
	/* Each description is its own open of the one recreated inode. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", gfd);
	fd = open(proc, flags);
	if (fd < 0)
		pr_perror("Can't open recreated unlinked %s", path);
	return fd;
}

static void close_ghosts(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__REG);
	struct reg_rst_priv *p = *slot;
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr_open; i++)
		close(p->open[i].fd);
	free(p->open);
	p->open = NULL;
	p->nr_open = 0;
}

void ghost_rst_free(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__REG);
	struct reg_rst_priv *p = *slot;
	size_t i, j;

	if (!p)
		return;
	close_ghosts(ctx);
	for (i = 0; i < p->nr_ghosts; i++) {
		for (j = 0; j < p->ghosts[i].nr_chunks; j++)
			free(p->ghosts[i].chunks[j].data);
		free(p->ghosts[i].chunks);
		pb_free(p->ghosts[i].ge);
	}
	free(p->ghosts);
	free(p->remaps);
	free(p);
	*slot = NULL;
}
