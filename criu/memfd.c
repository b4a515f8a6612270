// SPDX-License-Identifier: GPL-2.0
/*
 * memfd fds.  The description (flags, offset, owner) goes to files.img as a
 * MEMFD entry naming its inode; the inode (name, size, seals, owner, mode)
 * goes to memfd.img and its pages to pagemap-shmem-<inode>.img, once per
 * inode, shared with the mappings of the same memfd (shmem.c).
 */

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "files.h"
#include "log.h"
#include "memfd.h"
#include "shmem.h"

#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"
#include "images/memfd.pb-c.h"

/* Group keys hold 48 bits of the inode number. */
#define INODE_KEY_MASK ((1ULL << 48) - 1)

static bool memfd_match(const struct fd_parms *p)
{
	return !strncmp(p->link, "/memfd:", 7) && S_ISREG(p->st.st_mode) &&
	       p->st.st_nlink == 0 && !(p->flags & O_PATH);
}

static int memfd_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	FileEntry fe = FILE_ENTRY__INIT;
	MemfdFileEntry mfe = MEMFD_FILE_ENTRY__INIT;
	FownEntry fown;
	struct statfs sfs;

	/* A hugetlbfs memfd would come back with small pages. */
	if (fstatfs(p->lfd, &sfs) || sfs.f_type == HUGETLBFS_MAGIC) {
		pr_err("Can't dump %s: %s is a hugetlb memfd (not supported yet)\n", p->desc,
		       p->link);
		return -1;
	}
	if (shmem_dump_memfd_fd(ctx, p->lfd, p->link, &p->st))
		return -1;
	files_dump_fown(p->lfd, &fown);
	mfe.id = id;
	mfe.flags = p->flags;
	mfe.pos = p->pos;
	mfe.fown = &fown;
	mfe.inode_id = (uint32_t)p->st.st_ino;
	fe.type = FD_TYPES__MEMFD;
	fe.id = id;
	fe.memfd = &mfe;
	return files_dump_write_entry(ctx, &fe);
}

/* The memfds of the images, by inode: who opens them, and their fd there. */
struct memfd_inode {
	uint64_t inode_id;
	/* Its descriptions: those some task holds share one owner (a group). */
	struct file_desc **descs;
	size_t nr_descs;
	int fd; /* in the owner, once made; -1 before */
};

struct memfd_rst {
	struct memfd_inode *inodes;
	size_t nr;
	/* The images directory as criu has it, seen from a forked task. */
	pid_t criu_pid;
	int criu_dfd;
	dev_t dir_dev;
	ino_t dir_ino;
};

static struct memfd_rst *rst_state(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__MEMFD);
	struct memfd_rst *r = *slot;
	struct stat st;

	if (r)
		return r;
	r = calloc(1, sizeof(*r));
	if (!r) {
		pr_err("files: out of memory\n");
		return NULL;
	}
	/* Called first in criu itself, before any task is forked. */
	r->criu_pid = getpid();
	r->criu_dfd = files_rst_dfd(ctx);
	if (!fstat(r->criu_dfd, &st)) {
		r->dir_dev = st.st_dev;
		r->dir_ino = st.st_ino;
	}
	*slot = r;
	return r;
}

/*
 * The images directory in a forked task.  criu moves its own fds out of
 * the tree's way before restoring files, and the files context keeps the
 * old number: if that is not the directory any more, open criu's through
 * /proc (criu holds it until the restore ends).  *@own: close it after.
 */
static int images_dfd(struct files_rst_ctx *ctx, bool *own)
{
	struct memfd_rst *r = rst_state(ctx);
	char path[64];
	struct stat st;
	int fd;

	*own = false;
	if (!r)
		return -1;
	if (!fstat(r->criu_dfd, &st) && S_ISDIR(st.st_mode) && st.st_dev == r->dir_dev &&
	    st.st_ino == r->dir_ino)
		return r->criu_dfd;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", r->criu_pid, r->criu_dfd);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't open the images directory as %s", path);
		return -1;
	}
	*own = true;
	return fd;
}

static struct memfd_inode *find_inode(struct files_rst_ctx *ctx, uint64_t inode_id)
{
	struct memfd_rst *r = rst_state(ctx);
	size_t i;

	for (i = 0; r && i < r->nr; i++)
		if (r->inodes[i].inode_id == inode_id)
			return &r->inodes[i];
	return NULL;
}

static int memfd_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	MemfdFileEntry *mfe = d->fe->memfd;
	struct memfd_rst *r = rst_state(ctx);
	struct memfd_inode *mi;
	struct file_desc **dv;

	if (!r)
		return -1;
	if (!mfe || !mfe->fown || mfe->id != d->id) {
		pr_err("files.img: memfd id %u has no valid memfd entry\n", d->id);
		return -1;
	}
	/* Every description of one memfd is opened by one task, on one inode. */
	d->group = FILE_GROUP(FD_TYPES__MEMFD, mfe->inode_id & INODE_KEY_MASK);
	mi = find_inode(ctx, mfe->inode_id);
	if (!mi) {
		mi = realloc(r->inodes, (r->nr + 1) * sizeof(*mi));
		if (!mi)
			goto oom;
		r->inodes = mi;
		mi = &r->inodes[r->nr++];
		*mi = (struct memfd_inode){ .inode_id = mfe->inode_id, .fd = -1 };
	}
	dv = realloc(mi->descs, (mi->nr_descs + 1) * sizeof(*dv));
	if (!dv)
		goto oom;
	mi->descs = dv;
	mi->descs[mi->nr_descs++] = d;
	return 0;
oom:
	pr_err("files: out of memory\n");
	return -1;
}

/* The memfd itself, made once in this task and kept above the task's fds. */
static int inode_fd(struct files_rst_ctx *ctx, uint64_t inode_id)
{
	struct memfd_inode *mi = find_inode(ctx, inode_id);
	int fd, dfd, min = files_rst_max_fd(ctx) + 1;
	bool own;

	if (!mi) {
		pr_err("files: no memfd inode %llu\n", (unsigned long long)inode_id);
		return -1;
	}
	if (mi->fd >= 0)
		return mi->fd;
	dfd = images_dfd(ctx, &own);
	if (dfd < 0)
		return -1;
	fd = shmem_rst_create_memfd(dfd, inode_id);
	if (own)
		close(dfd);
	if (fd < 0)
		return -1;
	mi->fd = fcntl(fd, F_DUPFD_CLOEXEC, min < 3 ? 3 : min);
	close(fd);
	if (mi->fd < 0)
		pr_perror("Can't move memfd %llu", (unsigned long long)inode_id);
	return mi->fd;
}

/* Each description is a new open of the memfd, with its own flags and offset. */
static int memfd_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	MemfdFileEntry *mfe = d->fe->memfd;
	int ifd = inode_fd(ctx, mfe->inode_id), fd;
	char path[64];

	if (ifd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ifd);
	fd = open(path, (mfe->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY)) | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't reopen memfd %llu for id %u", (unsigned long long)mfe->inode_id,
			  d->id);
		return -1;
	}
	if (lseek(fd, (off_t)mfe->pos, SEEK_SET) != (off_t)mfe->pos) {
		pr_perror("Can't seek memfd id %u to %llu", d->id, (unsigned long long)mfe->pos);
		goto err;
	}
	if (files_restore_fown(fd, mfe->fown))
		goto err;
	return fd;
err:
	close(fd);
	return -1;
}

static void memfd_rst_free(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__MEMFD);
	struct memfd_rst *r = *slot;

	if (!r)
		return;
	while (r->nr)
		free(r->inodes[--r->nr].descs);
	free(r->inodes);
	free(r);
	*slot = NULL;
}

pid_t memfd_rst_owner(struct files_rst_ctx *ctx, uint64_t inode_id)
{
	struct memfd_inode *mi = find_inode(ctx, inode_id);
	size_t i;

	for (i = 0; mi && i < mi->nr_descs; i++)
		if (mi->descs[i]->owner)
			return mi->descs[i]->owner;
	return 0;
}

int memfd_rst_take(struct files_rst_ctx *ctx, uint64_t inode_id)
{
	struct memfd_inode *mi = find_inode(ctx, inode_id);
	int fd;

	if (!mi || mi->fd < 0) {
		pr_err("memfd %llu was not made by this task\n", (unsigned long long)inode_id);
		return -1;
	}
	fd = mi->fd;
	mi->fd = -1;
	return fd;
}

const struct fd_kind_ops memfd_ops = {
	.name = "memfd",
	.file_type = FD_TYPES__MEMFD,
	.match = memfd_match,
	.dump = memfd_dump,
	.collect = memfd_collect,
	.open = memfd_open,
	.rst_free = memfd_rst_free,
};
