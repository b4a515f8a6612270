// SPDX-License-Identifier: GPL-2.0
/*
 * inotify: the instance and its watches, from fdinfo ("inotify wd:..."
 * lines, each with the watched inode's file handle).  At restore every
 * watch is added back on the same inode, found by the path resolved at
 * dump (checked against the inode number) or else by its file handle, and
 * with the same watch descriptor: wds come from a cyclic allocator, so
 * adding and removing a watch moves it on to the wanted number.
 * Events queued but not read are not carried over.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/compiler.h"
#include "files.h"
#include "log.h"

#include "images/fdinfo.pb-c.h"
#include "images/fh.pb-c.h"
#include "images/fown.pb-c.h"
#include "images/fsnotify.pb-c.h"

/* FhEntry carries the handle in at least this many 64-bit words. */
#define FH_MIN_WORDS 16
#define FH_MAX_BYTES (FH_MIN_WORDS * 8)

/* fdinfo shows the superblock's kernel dev_t: major in the bits above 20. */
#define KDEV_MAJOR(d) ((unsigned int)((d) >> 20))
#define KDEV_MINOR(d) ((unsigned int)((d)&0xfffff))

static bool inotify_match(const struct fd_parms *p)
{
	return !strcmp(p->link, "anon_inode:inotify");
}

static void unescape_mountinfo(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] && in[3]) {
			*out++ = (char)((in[1] - '0') << 6 | (in[2] - '0') << 3 | (in[3] - '0'));
			in += 4;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

/*
 * An O_PATH fd on a mount of the filesystem with device maj:min, for
 * open_by_handle_at(); a mount of the filesystem's root when there is one,
 * so every inode of it is inside.
 */
static int mount_fd_for_dev(unsigned int maj, unsigned int min)
{
	char line[4096], root[PATH_MAX], mnt[PATH_MAX], best[PATH_MAX] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");
	unsigned int ma, mi;

	if (!f) {
		pr_perror("Can't open /proc/self/mountinfo");
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d %*d %u:%u %4095s %4095s", &ma, &mi, root, mnt) != 4)
			continue;
		if (ma != maj || mi != min)
			continue;
		unescape_mountinfo(mnt);
		if (!best[0] || !strcmp(root, "/"))
			snprintf(best, sizeof(best), "%s", mnt);
		if (!strcmp(root, "/"))
			break;
	}
	fclose(f);
	if (!best[0]) {
		pr_err("No mount of device %u:%u is visible\n", maj, min);
		return -1;
	}
	/* Not O_PATH: open_by_handle_at() refuses those as mount fds. */
	return open(best, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int open_handle(unsigned int sdev, const FhEntry *fh)
{
	struct {
		struct file_handle h;
		unsigned char bytes[FH_MAX_BYTES];
	} buf;
	int mfd, fd;

	if (fh->bytes > FH_MAX_BYTES || fh->n_handle * 8 < fh->bytes) {
		pr_err("Bad file handle of %u bytes\n", fh->bytes);
		return -1;
	}
	buf.h.handle_bytes = fh->bytes;
	buf.h.handle_type = fh->type;
	memcpy(buf.h.f_handle, fh->handle, fh->bytes);
	mfd = mount_fd_for_dev(KDEV_MAJOR(sdev), KDEV_MINOR(sdev));
	if (mfd < 0)
		return -1;
	fd = open_by_handle_at(mfd, &buf.h, O_PATH | O_CLOEXEC);
	close(mfd);
	return fd;
}

static int parse_handle(const char *hex, unsigned int bytes, uint64_t *words)
{
	unsigned char *b = (unsigned char *)words;
	unsigned int i, v;

	if (bytes > FH_MAX_BYTES)
		return -1;
	for (i = 0; i < bytes; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = v;
	}
	return 0;
}

static void free_wd(InotifyWdEntry *e)
{
	if (e->f_handle) {
		free(e->f_handle->handle);
		free(e->f_handle->path);
		free(e->f_handle);
	}
	free(e);
}

/* Frees what parse_wds() allocated. */
static void free_wds(InotifyWdEntry **v, size_t n)
{
	while (n--)
		free_wd(v[n]);
	free(v);
}

/* The path of the watched inode now, if it has one: restore tries it first. */
static char *watched_path(const InotifyWdEntry *e)
{
	char proc[64], path[PATH_MAX];
	int fd = open_handle(e->s_dev, e->f_handle);
	ssize_t n;

	if (fd < 0)
		return NULL;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, path, sizeof(path) - 1);
	close(fd);
	if (n <= 0 || path[0] != '/')
		return NULL;
	path[n] = '\0';
	return strdup(path);
}

static InotifyWdEntry *parse_wd(const struct fd_parms *p, const char *line, uint32_t id)
{
	unsigned int wd, sdev, mask, ignored, bytes, type;
	unsigned long long ino;
	InotifyWdEntry *e;
	FhEntry *fh;
	int pos = 0;

	if (sscanf(line,
		   "inotify wd:%x ino:%llx sdev:%x mask:%x ignored_mask:%x fhandle-bytes:%x "
		   "fhandle-type:%x f_handle:%n",
		   &wd, &ino, &sdev, &mask, &ignored, &bytes, &type, &pos) != 7 ||
	    !pos) {
		pr_err("Can't dump %s: bad inotify line in fdinfo\n", p->desc);
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	fh = calloc(1, sizeof(*fh));
	if (!e || !fh) {
		free(e);
		free(fh);
		pr_err("files: out of memory\n");
		return NULL;
	}
	inotify_wd_entry__init(e);
	fh_entry__init(fh);
	e->f_handle = fh;
	fh->handle = calloc(FH_MIN_WORDS, sizeof(uint64_t));
	fh->n_handle = FH_MIN_WORDS;
	if (!fh->handle || !bytes || parse_handle(line + pos, bytes, fh->handle)) {
		pr_err("Can't dump %s: the inode watched by wd %u has no usable file handle\n",
		       p->desc, wd);
		free_wd(e);
		return NULL;
	}
	fh->bytes = bytes;
	fh->type = type;
	e->id = id;
	e->wd = wd;
	e->i_ino = ino;
	e->s_dev = sdev;
	e->mask = mask;
	e->ignored_mask = ignored;
	fh->path = watched_path(e);
	return e;
}

static int parse_wds(const struct fd_parms *p, uint32_t id, InotifyWdEntry ***out, size_t *nr)
{
	InotifyWdEntry **v = NULL;
	const char *line;
	size_t n = 0;

	for (line = p->fdinfo; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		InotifyWdEntry *e, **nv;

		if (strncmp(line, "inotify wd:", 11))
			continue;
		e = parse_wd(p, line, id);
		nv = e ? realloc(v, (n + 1) * sizeof(*nv)) : NULL;
		if (!nv) {
			if (e)
				free_wd(e);
			free_wds(v, n);
			return -1;
		}
		v = nv;
		v[n++] = e;
	}
	*out = v;
	*nr = n;
	return 0;
}

static int inotify_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	FileEntry fe = FILE_ENTRY__INIT;
	InotifyFileEntry ife = INOTIFY_FILE_ENTRY__INIT;
	InotifyWdEntry **wds;
	FownEntry fown;
	int queued = 0, ret;
	size_t nr;

	if (parse_wds(p, id, &wds, &nr))
		return -1;
	if (!ioctl(p->lfd, FIONREAD, &queued) && queued)
		pr_warn("%s: %d bytes of inotify events not read yet are dropped\n", p->desc,
			queued);
	files_dump_fown(p->lfd, &fown);
	ife.id = id;
	ife.flags = p->flags;
	ife.fown = &fown;
	ife.n_wd = nr;
	ife.wd = wds;
	fe.type = FD_TYPES__INOTIFY;
	fe.id = id;
	fe.ify = &ife;
	ret = files_dump_write_entry(ctx, &fe);
	free_wds(wds, nr);
	return ret;
}

static int inotify_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	InotifyFileEntry *ife = d->fe->ify;
	size_t i;

	if (!ife || !ife->fown || ife->id != d->id) {
		pr_err("files.img: inotify id %u has no valid inotify entry\n", d->id);
		return -1;
	}
	for (i = 0; i < ife->n_wd; i++) {
		if (!ife->wd[i]->f_handle || !ife->wd[i]->wd || ife->wd[i]->wd > INT_MAX) {
			pr_err("files.img: inotify id %u has a bad watch\n", d->id);
			return -1;
		}
	}
	return 0;
}

/* An O_PATH fd on the watched inode: by its path if still the same inode, else by handle. */
static int find_watched(const InotifyWdEntry *e)
{
	const char *path = e->f_handle->path;
	struct stat st;
	int fd;

	if (path) {
		fd = open(path, O_PATH | O_CLOEXEC);
		if (fd >= 0 && !fstat(fd, &st) && st.st_ino == e->i_ino &&
		    major(st.st_dev) == KDEV_MAJOR(e->s_dev) &&
		    minor(st.st_dev) == KDEV_MINOR(e->s_dev))
			return fd;
		if (fd >= 0)
			close(fd);
	}
	fd = open_handle(e->s_dev, e->f_handle);
	if (fd < 0)
		pr_perror("Can't find inode %llu on %u:%u watched as %s",
			  (unsigned long long)e->i_ino, KDEV_MAJOR(e->s_dev), KDEV_MINOR(e->s_dev),
			  path ? path : "(no path)");
	return fd;
}

static int cmp_wd(const void *a, const void *b)
{
	const InotifyWdEntry *x = *(InotifyWdEntry *const *)a, *y = *(InotifyWdEntry *const *)b;

	return x->wd < y->wd ? -1 : x->wd > y->wd;
}

/* Adds watch @e to @ifd so that it gets its old wd number. */
static int add_watch(int ifd, const InotifyWdEntry *e)
{
	/* The proc link must be followed: it is the way to the inode. */
	uint32_t mask = e->mask & ~IN_DONT_FOLLOW;
	char proc[64];
	int tfd, wd, ret = -1;

	tfd = find_watched(e);
	if (tfd < 0)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", tfd);
	for (;;) {
		wd = inotify_add_watch(ifd, proc, mask);
		if (wd < 0) {
			pr_perror("Can't watch inode %llu again", (unsigned long long)e->i_ino);
			break;
		}
		if ((uint32_t)wd == e->wd) {
			ret = 0;
			break;
		}
		if ((uint32_t)wd > e->wd) {
			pr_err("inotify gave wd %d, past the wanted %u\n", wd, e->wd);
			break;
		}
		/* Each add takes the next number: drop this one and go on. */
		if (inotify_rm_watch(ifd, wd)) {
			pr_perror("Can't remove temporary inotify wd %d", wd);
			break;
		}
	}
	close(tfd);
	return ret;
}

/* The temporary watches left IN_IGNORED events the task never had. */
static int drain_events(int fd)
{
	char buf[4096];
	int queued;

	while (!ioctl(fd, FIONREAD, &queued) && queued > 0) {
		if (read(fd, buf, sizeof(buf)) <= 0) {
			pr_perror("Can't drain the restored inotify");
			return -1;
		}
	}
	return 0;
}

static int inotify_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	InotifyFileEntry *ife = d->fe->ify;
	int flags = IN_CLOEXEC, fd;
	size_t i;

	if (ife->flags & O_NONBLOCK)
		flags |= IN_NONBLOCK;
	fd = inotify_init1(flags);
	if (fd < 0) {
		pr_perror("Can't create inotify id %u", d->id);
		return -1;
	}
	/* Ascending order: the allocator only moves forward. */
	qsort(ife->wd, ife->n_wd, sizeof(*ife->wd), cmp_wd);
	for (i = 0; i < ife->n_wd; i++)
		if (add_watch(fd, ife->wd[i]))
			goto err;
	if (drain_events(fd))
		goto err;
	if (files_restore_fown(fd, ife->fown))
		goto err;
	return fd;
err:
	close(fd);
	return -1;
}

const struct fd_kind_ops inotify_ops = {
	.name = "inotify",
	.file_type = FD_TYPES__INOTIFY,
	.match = inotify_match,
	.dump = inotify_dump,
	.collect = inotify_collect,
	.open = inotify_open,
};
