// SPDX-License-Identifier: GPL-2.0
/*
 * File locks.  At dump every fd's fdinfo lists, as "lock:" lines, the locks
 * taken through its open file description: flock and OFD locks belong to
 * the description, POSIX locks to the process that took them (fdinfo shows
 * them only in that process).  Each lock is saved once with the task and
 * the fd to take it again with; at restore that task takes it, without
 * waiting, once all its fds are at their numbers.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "file-lock.h"
#include "files.h"
#include "image.h"
#include "log.h"

#include "images/file-lock.pb-c.h"

struct file_lock_set {
	FileLockEntry **v;
	size_t nr;
	/* dump: the description each saved lock was seen on */
	uint32_t *ids;
};

/* Dump sets hold plain copies (ids set), restore sets unpacked messages. */
static void set_free(struct file_lock_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->nr; i++) {
		if (set->ids)
			free(set->v[i]);
		else
			pb_free(set->v[i]);
	}
	free(set->v);
	free(set->ids);
	free(set);
}

void file_locks_dump_free(struct file_lock_set *set)
{
	set_free(set);
}

void file_locks_free(struct file_lock_set *set)
{
	set_free(set);
}

/* ---------------------------------------------------------------- dump */

/*
 * One fdinfo "lock:" line, as the kernel prints it:
 *	lock:	1: FLOCK  ADVISORY  WRITE 1234 08:02:131 0 EOF
 * Returns 1 if it is a lock to save (*fle filled), 0 for a waiter, -1 if bad.
 */
static int parse_lock(const struct fd_parms *p, const char *line, FileLockEntry *fle)
{
	char kind[16], mode[16], type[16], end[32];
	unsigned long long ino;
	unsigned int maj, min;
	long long start;
	int pid;

	if (strstr(line, "->"))
		return 0; /* a task blocked waiting for the lock: it asks again */
	if (sscanf(line, "%*d: %15s %15s %15s %d %x:%x:%llu %lld %31s", kind, mode, type, &pid,
		   &maj, &min, &ino, &start, end) != 9) {
		pr_err("Can't dump %s: can't parse its lock \"%s\"\n", p->desc, line);
		return -1;
	}
	file_lock_entry__init(fle);
	if (!strcmp(kind, "FLOCK"))
		fle->flag = FL_FLOCK;
	else if (!strcmp(kind, "POSIX"))
		fle->flag = FL_POSIX;
	else if (!strcmp(kind, "OFDLCK"))
		fle->flag = FL_OFD;
	if (!fle->flag || strcmp(mode, "ADVISORY")) {
		pr_err("Can't dump %s: %s holds a %s %s lock (only advisory flock, POSIX and OFD locks are supported)\n",
		       p->desc, p->link, mode, kind);
		return -1;
	}
	if (!strcmp(type, "READ"))
		fle->type = F_RDLCK;
	else if (!strcmp(type, "WRITE"))
		fle->type = F_WRLCK;
	else {
		pr_err("Can't dump %s: lock of unknown type %s\n", p->desc, type);
		return -1;
	}
	fle->pid = p->pid;
	fle->fd = p->fd;
	fle->start = start;
	if (!strcmp(end, "EOF"))
		fle->len = 0;
	else
		fle->len = strtoll(end, NULL, 10) - start + 1;
	return 1;
}

/*
 * A lock of a description is seen on every fd of it, a POSIX lock on every
 * fd of its process on that description: one entry each.
 */
static bool already_saved(const struct file_lock_set *set, const FileLockEntry *fle, uint32_t id)
{
	size_t i;

	for (i = 0; i < set->nr; i++) {
		const FileLockEntry *s = set->v[i];

		if (set->ids[i] == id && s->flag == fle->flag && s->type == fle->type &&
		    s->start == fle->start && s->len == fle->len &&
		    (fle->flag != FL_POSIX || s->pid == fle->pid))
			return true;
	}
	return false;
}

static int save_lock(struct files_dump_ctx *ctx, struct file_lock_set *set,
		     const FileLockEntry *fle, uint32_t id)
{
	FileLockEntry **v, *copy;
	struct cr_img *img;
	uint32_t *ids;

	if (already_saved(set, fle, id))
		return 0;
	img = files_dump_img(ctx, CR_FD_FILE_LOCKS);
	if (!img || pb_write_one(img, (void *)fle, PB_FILE_LOCK))
		return -1;
	v = realloc(set->v, (set->nr + 1) * sizeof(*v));
	if (v)
		set->v = v;
	ids = realloc(set->ids, (set->nr + 1) * sizeof(*ids));
	if (ids)
		set->ids = ids;
	copy = malloc(sizeof(*copy));
	if (!v || !ids || !copy) {
		free(copy);
		pr_err("files: out of memory\n");
		return -1;
	}
	*copy = *fle;
	set->v[set->nr] = copy;
	set->ids[set->nr++] = id;
	pr_info("Lock: flag %u type %u start %" PRId64 " len %" PRId64 " (task %d fd %d)\n",
		fle->flag, fle->type, fle->start, fle->len, fle->pid, fle->fd);
	return 0;
}

int file_locks_dump_fd(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	struct file_lock_set **set = files_dump_locks(ctx);
	const char *l = p->fdinfo;

	while ((l = strstr(l, "\nlock:"))) {
		char line[256];
		FileLockEntry fle;
		size_t n;
		int r;

		l += 6;
		n = strcspn(l, "\n");
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, l, n);
		line[n] = '\0';
		if (!files_dump_opts(ctx)->file_locks) {
			pr_err("Can't dump %s: %s holds a file lock (use --file-locks to dump locks)\n",
			       p->desc, p->link);
			return -1;
		}
		r = parse_lock(p, line, &fle);
		if (r <= 0) {
			if (r < 0)
				return -1;
			continue;
		}
		if (!*set) {
			*set = calloc(1, sizeof(**set));
			if (!*set) {
				pr_err("files: out of memory\n");
				return -1;
			}
		}
		if (save_lock(ctx, *set, &fle, id))
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- restore */

int file_locks_read(int dfd, struct file_lock_set **out)
{
	struct file_lock_set *set = calloc(1, sizeof(*set));
	struct cr_img *img;
	int ret;

	if (!set) {
		pr_err("files: out of memory\n");
		return -1;
	}
	img = open_image_at(dfd, CR_FD_FILE_LOCKS, O_RSTR | O_OPT);
	if (!img) {
		free(set);
		return -1;
	}
	for (;;) {
		FileLockEntry *fle, **v;

		ret = pb_read_one_eof(img, (void **)&fle, PB_FILE_LOCK);
		if (ret <= 0)
			break;
		v = realloc(set->v, (set->nr + 1) * sizeof(*v));
		if (!v) {
			pr_err("files: out of memory\n");
			pb_free(fle);
			ret = -1;
			break;
		}
		set->v = v;
		set->v[set->nr++] = fle;
	}
	if (ret < 0)
		pr_err("%s: can't read the file locks\n", img_path(img));
	close_image(img);
	if (ret < 0) {
		set_free(set);
		return -1;
	}
	*out = set;
	return 0;
}

static const char *lock_kind(const FileLockEntry *fle)
{
	switch (fle->flag) {
	case FL_FLOCK:
		return "flock";
	case FL_POSIX:
		return "POSIX";
	case FL_OFD:
		return "OFD";
	}
	return "unknown";
}

static int take_lock(const FileLockEntry *fle)
{
	struct flock fl = {
		.l_type = fle->type,
		.l_whence = SEEK_SET,
		.l_start = fle->start,
		.l_len = fle->len,
	};

	if (fle->type != F_RDLCK && fle->type != F_WRLCK) {
		errno = EINVAL;
		return -1;
	}
	switch (fle->flag) {
	case FL_FLOCK:
		return flock(fle->fd, (fle->type == F_RDLCK ? LOCK_SH : LOCK_EX) | LOCK_NB);
	case FL_POSIX:
		return fcntl(fle->fd, F_SETLK, &fl);
	case FL_OFD:
		return fcntl(fle->fd, F_OFD_SETLK, &fl);
	}
	errno = EINVAL;
	return -1;
}

int file_locks_restore(const struct file_lock_set *set, pid_t pid)
{
	size_t i;

	for (i = 0; set && i < set->nr; i++) {
		const FileLockEntry *fle = set->v[i];

		if (fle->pid != pid)
			continue;
		if (take_lock(fle)) {
			pr_perror("Can't take back the %s %s lock of fd %d of task %d (start %" PRId64
				  " len %" PRId64 ")%s",
				  fle->type == F_RDLCK ? "read" : "write", lock_kind(fle), fle->fd,
				  pid, fle->start, fle->len,
				  errno == EAGAIN || errno == EWOULDBLOCK ?
					  ": another process holds a conflicting lock" :
					  "");
			return -1;
		}
		pr_info("Took back the %s lock of fd %d of task %d\n", lock_kind(fle), fle->fd, pid);
	}
	return 0;
}
