// SPDX-License-Identifier: GPL-2.0
/*
 * Regular files, directories and the memory character devices (/dev/null
 * and friends): saved as a path plus the open flags and position, reopened
 * by path at restore.  An unlinked file has no path to reopen: its contents
 * go into a ghost image (files-ghost.c).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/compiler.h"
#include "files-reg.h"
#include "files.h"
#include "log.h"

#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"
#include "images/regfile.pb-c.h"

#define DELETED_SUFFIX " (deleted)"

/*
 * Character devices that are the same on every host and carry no state:
 * reopening the path gives an equivalent file.  The image has no field
 * for the device number, so the path must be the device's usual one and
 * restore checks the reopened device against this table.
 */
static const struct {
	unsigned int major, minor;
	const char *path;
} mem_devices[] = {
	{ 1, 3, "/dev/null" },	 { 1, 5, "/dev/zero" },	   { 1, 7, "/dev/full" },
	{ 1, 8, "/dev/random" }, { 1, 9, "/dev/urandom" },
};

static int mem_device_by_rdev(dev_t rdev)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mem_devices); i++)
		if (major(rdev) == mem_devices[i].major && minor(rdev) == mem_devices[i].minor)
			return i;
	return -1;
}

static int mem_device_by_path(const char *path)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mem_devices); i++)
		if (!strcmp(path, mem_devices[i].path))
			return i;
	return -1;
}

static bool is_memfd(const struct fd_parms *p)
{
	return !strncmp(p->link, "/memfd:", 7) && p->st.st_nlink == 0;
}

static bool reg_match(const struct fd_parms *p)
{
	if (p->link[0] != '/')
		return false; /* anon inodes, sockets, pipes: "pipe:[123]" ... */
	/* An O_PATH fd is only a place in the tree, whatever lives there. */
	if (p->flags & O_PATH)
		return !is_memfd(p);
	if (S_ISREG(p->st.st_mode))
		return !is_memfd(p);
	if (S_ISDIR(p->st.st_mode))
		return true;
	if (S_ISCHR(p->st.st_mode))
		return mem_device_by_rdev(p->st.st_rdev) >= 0;
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/* The path that leads to the open file, or a ghost for an unlinked one. */
static int dump_path(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id, char *path,
		     size_t len)
{
	struct stat st;

	snprintf(path, len, "%s", p->link);
	if (p->st.st_nlink == 0 && !S_ISCHR(p->st.st_mode)) {
		/* The kernel marks an unlinked file's link with this suffix. */
		if (ends_with(path, DELETED_SUFFIX))
			path[strlen(path) - strlen(DELETED_SUFFIX)] = '\0';
		if (!S_ISREG(p->st.st_mode)) {
			pr_err("Can't dump %s: %s was removed "
			       "(only unlinked regular files are supported)\n",
			       p->desc, path);
			return -1;
		}
		return ghost_dump(ctx, p, id, path);
	}
	/*
	 * A linked file whose path now names something else (renamed over,
	 * overmounted, another mount namespace) would be restored wrong.
	 */
	/* O_PATH | O_NOFOLLOW fds can be on the symlink itself. */
	if ((S_ISLNK(p->st.st_mode) ? lstat(path, &st) : stat(path, &st)) ||
	    st.st_dev != p->st.st_dev || st.st_ino != p->st.st_ino) {
		pr_err("Can't dump %s: the file is no longer at %s "
		       "(renamed or in another mount namespace; not supported yet)\n",
		       p->desc, path);
		return -1;
	}
	if (S_ISCHR(p->st.st_mode) && !(p->flags & O_PATH)) {
		int i = mem_device_by_rdev(p->st.st_rdev);

		if (strcmp(path, mem_devices[i].path)) {
			pr_err("Can't dump %s: device %u:%u is opened as %s, "
			       "not as %s (not supported yet)\n",
			       p->desc, major(p->st.st_rdev), minor(p->st.st_rdev), path,
			       mem_devices[i].path);
			return -1;
		}
	}
	return 0;
}

static int reg_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	FileEntry fe = FILE_ENTRY__INIT;
	RegFileEntry rfe = REG_FILE_ENTRY__INIT;
	struct fd_parms *fixed = NULL;
	FownEntry fown;
	char *path;
	int ret;

	/* Callers that build fd_parms by hand may leave these two empty. */
	if (!p->desc[0] || !p->reopen[0]) {
		fixed = malloc(sizeof(*fixed));
		if (!fixed) {
			pr_err("files: out of memory\n");
			return -1;
		}
		*fixed = *p;
		if (!fixed->desc[0])
			snprintf(fixed->desc, sizeof(fixed->desc), "a file of task %d", p->pid);
		if (!fixed->reopen[0])
			snprintf(fixed->reopen, sizeof(fixed->reopen), "/proc/self/fd/%d", p->lfd);
		p = fixed;
	}
	path = malloc(PATH_MAX);
	if (!path) {
		pr_err("files: out of memory\n");
		free(fixed);
		return -1;
	}
	ret = dump_path(ctx, p, id, path, PATH_MAX);
	if (ret)
		goto out;

	files_dump_fown(p->lfd, &fown);
	rfe.id = id;
	rfe.flags = p->flags;
	rfe.pos = p->pos;
	rfe.fown = &fown;
	rfe.name = path;
	rfe.has_mnt_id = true;
	rfe.mnt_id = p->mnt_id;
	rfe.has_mode = true;
	rfe.mode = p->st.st_mode;
	if (S_ISREG(p->st.st_mode)) {
		rfe.has_size = true;
		rfe.size = p->st.st_size;
	}
	fe.type = FD_TYPES__REG;
	fe.id = id;
	fe.reg = &rfe;
	ret = files_dump_write_entry(ctx, &fe);
out:
	free(path);
	free(fixed);
	return ret;
}

int reg_rst_path(const struct files_rst_ctx *ctx, const char *name, char *buf, size_t len)
{
	const char *root = files_rst_opts(ctx)->root;
	int n;

	if (name[0] != '/') {
		pr_err("files.img: path \"%s\" is not absolute\n", name);
		return -1;
	}
	if (!strcmp(root, "/"))
		n = snprintf(buf, len, "%s", name);
	else
		n = snprintf(buf, len, "%s%s", root, name);
	if (n < 0 || (size_t)n >= len) {
		pr_err("Path %s%s is too long\n", root, name);
		return -1;
	}
	return 0;
}

static int reg_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	RegFileEntry *rfe = d->fe->reg;
	uint32_t remap_id;

	if (!rfe || !rfe->name || !rfe->fown || rfe->id != d->id) {
		pr_err("files.img: regular file id %u has no valid reg entry\n", d->id);
		return -1;
	}
	if (ghost_collect(ctx, d->id, &remap_id))
		return -1;
	/* All opens of one unlinked file come from one recreated inode. */
	if (remap_id)
		d->group = FILE_GROUP(FD_TYPES__REG, remap_id);
	return 0;
}

/* The reopened file must be the one that was dumped, as far as we can tell. */
static int check_reopened(const struct files_rst_ctx *ctx, const RegFileEntry *rfe, int fd,
			  const char *path)
{
	struct stat st;

	if (fstat(fd, &st)) {
		pr_perror("Can't stat restored %s", path);
		return -1;
	}
	if (rfe->has_mode && (st.st_mode & S_IFMT) != (rfe->mode & S_IFMT)) {
		pr_err("File %s changed type since the dump (mode 0%o, was 0%o)\n", path,
		       st.st_mode, rfe->mode);
		return -1;
	}
	if (S_ISREG(st.st_mode) && rfe->has_size && (uint64_t)st.st_size != rfe->size) {
		if (!files_rst_opts(ctx)->skip_size_check) {
			pr_err("File %s has size %lld, but %llu at dump: it changed since\n", path,
			       (long long)st.st_size, (unsigned long long)rfe->size);
			return -1;
		}
		pr_warn("File %s has size %lld, %llu at dump; restoring anyway\n", path,
			(long long)st.st_size, (unsigned long long)rfe->size);
	}
	/* No I/O goes through an O_PATH fd: any device will do there. */
	if (S_ISCHR(st.st_mode) && !(rfe->flags & O_PATH)) {
		int i = mem_device_by_path(rfe->name);

		if (i < 0 || major(st.st_rdev) != mem_devices[i].major ||
		    minor(st.st_rdev) != mem_devices[i].minor) {
			pr_err("Device %s is %u:%u here, not the device it was at dump\n", path,
			       major(st.st_rdev), minor(st.st_rdev));
			return -1;
		}
	}
	return 0;
}

/* Flags that only make sense when the file is first created. */
#define CREATE_ONLY_FLAGS (O_CREAT | O_EXCL | O_TRUNC)

static int reg_open_flags(struct files_rst_ctx *ctx, struct file_desc *d, int flags)
{
	RegFileEntry *rfe = d->fe->reg;
	char path[PATH_MAX];
	uint32_t remap_id;
	int fd;

	if (reg_rst_path(ctx, rfe->name, path, sizeof(path)))
		return -1;
	if (ghost_collect(ctx, d->id, &remap_id))
		return -1;
	if (remap_id) {
		fd = ghost_open(ctx, remap_id, path, flags);
		if (fd < 0)
			return -1;
	} else {
		fd = open(path, flags);
		if (fd < 0) {
			if (errno == ENOENT)
				pr_err("File %s (file id %u) no longer exists\n", path, d->id);
			else
				pr_perror("Can't reopen %s (file id %u)", path, d->id);
			return -1;
		}
		if (check_reopened(ctx, rfe, fd, path))
			goto err;
	}
	/* O_PATH files have no position; the others get theirs back. */
	if (!(flags & O_PATH) && rfe->pos && lseek(fd, rfe->pos, SEEK_SET) != (off_t)rfe->pos) {
		pr_perror("Can't restore position %llu of %s", (unsigned long long)rfe->pos, path);
		goto err;
	}
	if (!(flags & O_PATH) && files_restore_fown(fd, rfe->fown))
		goto err;
	/* open() takes O_ASYNC but does not arm it; F_SETFL does. */
	if ((flags & O_ASYNC) && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC)) {
		pr_perror("Can't set O_ASYNC on %s", path);
		goto err;
	}
	return fd;
err:
	close(fd);
	return -1;
}

static int reg_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	return reg_open_flags(ctx, d, (d->fe->reg->flags & ~CREATE_ONLY_FLAGS) | O_CLOEXEC);
}

int files_rst_open_reg(struct files_rst_ctx *ctx, uint32_t id, int flags)
{
	struct file_desc *d = files_rst_find(ctx, id);

	if (!d || d->fe->type != FD_TYPES__REG) {
		pr_err("files.img has no regular file with id %u\n", id);
		return -1;
	}
	return reg_open_flags(ctx, d, (flags & ~CREATE_ONLY_FLAGS) | O_CLOEXEC);
}

const struct fd_kind_ops reg_file_ops = {
	.name = "regular file",
	.file_type = FD_TYPES__REG,
	.match = reg_match,
	.dump = reg_dump,
	.dump_free = ghost_dump_free,
	.collect = reg_collect,
	.open = reg_open,
	.rst_free = ghost_rst_free,
};
