// SPDX-License-Identifier: GPL-2.0
/*
 * Dumping the fds of stopped tasks: each fd is duplicated into criu with
 * pidfd_getfd() (no parasite needed), described with /proc/PID/fdinfo/N and
 * /proc/PID/fd/N, and every open file description is saved once in
 * files.img; fdinfo-N.img maps each fd number of a task to its description.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/compiler.h"
#include "file-lock.h"
#include "files.h"
#include "image.h"
#include "log.h"
#include "proc_parse.h"

#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"

/* The one table of kinds: adding a kind means adding a line here. */
/* clang-format off */
static const struct fd_kind_ops *const fd_kinds[] = {
	&reg_file_ops,
	&pipe_ops,
	&fifo_ops,
	&eventfd_ops,
	&signalfd_ops,
	&timerfd_ops,
	&eventpoll_ops,
	&inotify_ops,
	&tty_ops,
	&unix_sk_ops,
	&memfd_ops,
};
/* clang-format on */

/* A description already saved: later fds on it get its id. */
struct seen_file {
	dev_t dev;
	ino_t ino;
	pid_t pid;
	int fd;
	uint32_t id;
	int type;
};

/* Kind-private slots, indexed by FdTypes value. */
#define KIND_SLOTS 32

/* A file saved for mappings: same file and flags, same id. */
struct mapped_file {
	dev_t dev;
	ino_t ino;
	unsigned int flags;
	uint32_t id;
};

struct files_dump_ctx {
	void *kind_priv[KIND_SLOTS];
	struct mapped_file *mapped;
	size_t nr_mapped;
	int dfd;
	struct files_dump_opts opts;
	struct cr_img *imgs[CR_FD_MAX];
	uint32_t next_id;
	bool finished;
	struct seen_file *seen;
	size_t nr_seen, cap_seen;
	struct file_lock_set *locks;
	int *inflight; /* criu's copies of files in flight, see files_dump_inflight() */
	size_t nr_inflight;
};

const struct fd_kind_ops *fd_kind_by_type(int type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fd_kinds); i++)
		if (fd_kinds[i]->file_type == type)
			return fd_kinds[i];
	return NULL;
}

int fdinfo_field(const char *fdinfo, const char *name, char *val, size_t len)
{
	size_t nlen = strlen(name);
	const char *p = fdinfo;

	while (p && *p) {
		if (!strncmp(p, name, nlen) && p[nlen] == ':') {
			const char *v = p + nlen + 1;
			size_t n;

			v += strspn(v, " \t");
			n = strcspn(v, "\n");
			if (n >= len)
				n = len - 1;
			memcpy(val, v, n);
			val[n] = '\0';
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

void files_dump_fown(int lfd, FownEntry *fown)
{
	struct f_owner_ex owner = {};
	int sig;

	fown_entry__init(fown);
	/* Without a parasite the owner's credentials are not visible: leave 0. */
	if (fcntl(lfd, F_GETOWN_EX, &owner) == 0 && owner.pid) {
		fown->pid_type = owner.type;
		fown->pid = owner.pid;
	}
	sig = fcntl(lfd, F_GETSIG);
	if (sig > 0)
		fown->signum = sig;
}

int files_restore_fown(int fd, const FownEntry *fown)
{
	struct f_owner_ex owner;

	if (!fown)
		return 0;
	if (fown->signum && fcntl(fd, F_SETSIG, fown->signum)) {
		pr_perror("Can't set signal %u on restored fd", fown->signum);
		return -1;
	}
	if (!fown->pid)
		return 0;
	owner.type = fown->pid_type;
	owner.pid = fown->pid;
	if (fcntl(fd, F_SETOWN_EX, &owner)) {
		pr_perror("Can't give the restored fd to owner %u (type %u)", fown->pid,
			  fown->pid_type);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- context */

int files_dump_ctx_create(int dfd, const struct files_dump_opts *opts, struct files_dump_ctx **out)
{
	struct files_dump_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx) {
		pr_err("files: out of memory\n");
		return -1;
	}
	ctx->dfd = dfd;
	ctx->opts = *opts;
	ctx->next_id = 1;
	/* files.img exists even when no task has an fd: restore expects it. */
	ctx->imgs[CR_FD_FILES] = open_image_at(dfd, CR_FD_FILES, O_DUMP);
	if (!ctx->imgs[CR_FD_FILES]) {
		free(ctx);
		return -1;
	}
	*out = ctx;
	return 0;
}

int files_dump_ctx_finish(struct files_dump_ctx *ctx)
{
	int i, ret = 0;
	size_t k;

	/* Checks across all the tasks, once, while the images are still open. */
	for (k = 0; k < ARRAY_SIZE(fd_kinds) && !ctx->finished; k++)
		if (fd_kinds[k]->dump_finish && fd_kinds[k]->dump_finish(ctx))
			ret = -1;
	ctx->finished = true;
	for (i = 0; i < CR_FD_MAX; i++) {
		if (ctx->imgs[i] && close_image(ctx->imgs[i]))
			ret = -1;
		ctx->imgs[i] = NULL;
	}
	return ret;
}

void files_dump_ctx_destroy(struct files_dump_ctx *ctx)
{
	size_t i;

	if (!ctx)
		return;
	ctx->finished = true; /* a failed dump: no more checks */
	files_dump_ctx_finish(ctx);
	for (i = 0; i < ARRAY_SIZE(fd_kinds); i++)
		if (fd_kinds[i]->dump_free)
			fd_kinds[i]->dump_free(ctx);
	file_locks_dump_free(ctx->locks);
	free(ctx->seen);
	for (i = 0; i < ctx->nr_inflight; i++)
		close(ctx->inflight[i]);
	free(ctx->inflight);
	free(ctx->mapped);
	free(ctx);
}

struct cr_img *files_dump_img(struct files_dump_ctx *ctx, int kind)
{
	if (!ctx->imgs[kind])
		ctx->imgs[kind] = open_image_at(ctx->dfd, kind, O_DUMP);
	return ctx->imgs[kind];
}

void **files_dump_kind_priv(struct files_dump_ctx *ctx, int file_type)
{
	if (file_type < 0 || file_type >= KIND_SLOTS)
		return NULL;
	return &ctx->kind_priv[file_type];
}

struct file_lock_set **files_dump_locks(struct files_dump_ctx *ctx)
{
	return &ctx->locks;
}

const struct files_dump_opts *files_dump_opts(const struct files_dump_ctx *ctx)
{
	return &ctx->opts;
}

int files_dump_dfd(const struct files_dump_ctx *ctx)
{
	return ctx->dfd;
}

uint32_t files_dump_new_id(struct files_dump_ctx *ctx)
{
	return ctx->next_id++;
}

int files_dump_write_entry(struct files_dump_ctx *ctx, FileEntry *fe)
{
	return pb_write_one(ctx->imgs[CR_FD_FILES], fe, PB_FILE);
}

/* ---------------------------------------------------------------- dedup */

static long sys_kcmp(pid_t p1, pid_t p2, int type, unsigned long a, unsigned long b)
{
	return syscall(SYS_kcmp, p1, p2, type, a, b);
}

/*
 * Same description = same inode and kcmp() says the same struct file; the
 * inode check first keeps the kcmp calls to the few real candidates.
 */
static struct seen_file *find_seen(struct files_dump_ctx *ctx, const struct fd_parms *p)
{
	size_t i;

	for (i = 0; i < ctx->nr_seen; i++) {
		struct seen_file *s = &ctx->seen[i];
		long r;

		if (s->dev != p->st.st_dev || s->ino != p->st.st_ino)
			continue;
		r = sys_kcmp(s->pid, p->pid, KCMP_FILE, s->fd, p->fd);
		if (r == 0)
			return s;
		if (r < 0)
			pr_pwarn("kcmp(%d fd %d, %d fd %d)", s->pid, s->fd, p->pid, p->fd);
	}
	return NULL;
}

static int add_seen(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id, int type)
{
	if (ctx->nr_seen == ctx->cap_seen) {
		size_t cap = ctx->cap_seen ? ctx->cap_seen * 2 : 64;
		struct seen_file *n = realloc(ctx->seen, cap * sizeof(*n));

		if (!n) {
			pr_err("files: out of memory\n");
			return -1;
		}
		ctx->seen = n;
		ctx->cap_seen = cap;
	}
	ctx->seen[ctx->nr_seen++] = (struct seen_file){
		.dev = p->st.st_dev,
		.ino = p->st.st_ino,
		.pid = p->pid,
		.fd = p->fd,
		.id = id,
		.type = type,
	};
	return 0;
}

/* ---------------------------------------------------------------- one fd */

static int fill_fd_parms(int pidfd, struct fd_parms *p)
{
	char path[64], val[64];
	unsigned int flags;
	ssize_t n;

	snprintf(p->desc, sizeof(p->desc), "fd %d of task %d", p->fd, p->pid);
	snprintf(p->reopen, sizeof(p->reopen), "/proc/%d/fd/%d", p->pid, p->fd);
	n = readlink(p->reopen, p->link, sizeof(p->link) - 1);
	if (n < 0) {
		pr_perror("Can't read link of fd %d of task %d", p->fd, p->pid);
		return -1;
	}
	p->link[n] = '\0';

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", p->pid, p->fd);
	if (read_proc_file(path, p->fdinfo, sizeof(p->fdinfo)) < 0)
		return -1;
	if (fdinfo_field(p->fdinfo, "flags", val, sizeof(val)) || sscanf(val, "%o", &flags) != 1) {
		pr_err("No flags in %s\n", path);
		return -1;
	}
	/* fdinfo shows close-on-exec among the flags; it belongs to the fd. */
	p->cloexec = flags & O_CLOEXEC;
	p->flags = flags & ~O_CLOEXEC;
	p->pos = 0;
	if (!fdinfo_field(p->fdinfo, "pos", val, sizeof(val)))
		p->pos = strtoll(val, NULL, 10);
	p->mnt_id = -1;
	if (!fdinfo_field(p->fdinfo, "mnt_id", val, sizeof(val)))
		p->mnt_id = atoi(val);

	p->lfd = syscall(SYS_pidfd_getfd, pidfd, p->fd, 0);
	if (p->lfd < 0) {
		pr_perror("Can't take fd %d of task %d with pidfd_getfd", p->fd, p->pid);
		return -1;
	}
	if (fstat(p->lfd, &p->st)) {
		pr_perror("Can't stat fd %d of task %d", p->fd, p->pid);
		return -1;
	}
	return 0;
}

static bool is_memfd_link(const struct fd_parms *p)
{
	return !strncmp(p->link, "/memfd:", 7);
}

static const char *socket_kind(int lfd)
{
	int domain = 0, type = 0, proto = 0;
	socklen_t len = sizeof(int);

	getsockopt(lfd, SOL_SOCKET, SO_DOMAIN, &domain, &len);
	len = sizeof(int);
	getsockopt(lfd, SOL_SOCKET, SO_TYPE, &type, &len);
	len = sizeof(int);
	getsockopt(lfd, SOL_SOCKET, SO_PROTOCOL, &proto, &len);

	switch (domain) {
	case AF_UNIX:
		return "unix sockets";
	case AF_INET:
	case AF_INET6:
		if (type == SOCK_STREAM)
			return "TCP sockets";
		if (type == SOCK_DGRAM)
			return "UDP sockets";
		return "raw IP sockets";
	case AF_NETLINK:
		return "netlink sockets";
	case AF_PACKET:
		return "packet sockets";
	}
	return "sockets of this family";
}

/* Why no kind took the fd, in words a user can act on. */
static void report_unsupported(const struct fd_parms *p)
{
	const char *what = "this kind of file", *verb = "is";
	char buf[64];

	if (S_ISSOCK(p->st.st_mode)) {
		what = socket_kind(p->lfd);
		verb = "are";
	} else if (S_ISCHR(p->st.st_mode)) {
		unsigned int maj = major(p->st.st_rdev);

		snprintf(buf, sizeof(buf), "character device %u:%u", maj, minor(p->st.st_rdev));
		what = buf;
		/* tty, console and pty majors */
		if (maj == 4 || maj == 5 || (maj >= 136 && maj <= 143)) {
			what = "ttys";
			verb = "are";
		}
	} else if (S_ISBLK(p->st.st_mode)) {
		what = "block devices";
		verb = "are";
	} else if (is_memfd_link(p)) {
		what = "memfd";
	} else if (p->link[0] != '/' && strstr(p->link, ":[") &&
		   strncmp(p->link, "anon_inode:", 11)) {
		/* nsfs: "net:[4026531840]", "mnt:[...]" ... */
		what = "namespace files";
		verb = "are";
	} else if (!strncmp(p->link, "anon_inode:", 11)) {
		/* "anon_inode:[eventfd]" or "anon_inode:inotify" */
		snprintf(buf, sizeof(buf), "%s", p->link + 11 + (p->link[11] == '['));
		buf[strcspn(buf, "]")] = '\0';
		what = buf;
	}
	pr_err("Can't dump %s: %s (%s %s not supported yet)\n", p->desc, p->link, what, verb);
}

static const struct fd_kind_ops *find_kind(const struct fd_parms *p)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fd_kinds); i++)
		if (fd_kinds[i]->match && fd_kinds[i]->match(p))
			return fd_kinds[i];
	return NULL;
}

static int dump_one_fd(struct files_dump_ctx *ctx, int pidfd, pid_t pid, int fd,
		       struct cr_img *fdinfo_img)
{
	FdinfoEntry fe = FDINFO_ENTRY__INIT;
	const struct fd_kind_ops *ops;
	struct fd_parms *p;
	struct seen_file *s;
	int ret = -1;

	p = calloc(1, sizeof(*p));
	if (!p) {
		pr_err("files: out of memory\n");
		return -1;
	}
	p->pid = pid;
	p->fd = fd;
	p->lfd = -1;
	if (fill_fd_parms(pidfd, p))
		goto out;
	s = find_seen(ctx, p);
	if (s) {
		fe.id = s->id;
		fe.type = s->type;
	} else {
		ops = find_kind(p);
		if (!ops) {
			report_unsupported(p);
			goto out;
		}
		fe.id = files_dump_new_id(ctx);
		fe.type = ops->file_type;
		pr_debug("fd %d of task %d: %s id %u (%s)\n", fd, pid, ops->name, fe.id, p->link);
		if (ops->dump(ctx, p, fe.id))
			goto out;
		if (add_seen(ctx, p, fe.id, fe.type))
			goto out;
	}
	/* Restoring the file without its lock would silently drop the lock. */
	if (file_locks_dump_fd(ctx, p, fe.id))
		goto out;
	fe.fd = fd;
	fe.flags = p->cloexec ? FD_CLOEXEC : 0;
	ret = pb_write_one(fdinfo_img, &fe, PB_FDINFO);
out:
	if (p->lfd >= 0)
		close(p->lfd);
	free(p);
	return ret;
}

int files_dump_inflight(struct files_dump_ctx *ctx, int fd, const char *where, uint32_t *id)
{
	const struct fd_kind_ops *ops;
	struct fd_parms *p;
	struct seen_file *s;
	int pidfd, *n, ret = -1;

	/* Kept open to the end: later fds are compared against it with kcmp(). */
	n = realloc(ctx->inflight, (ctx->nr_inflight + 1) * sizeof(*n));
	if (!n) {
		pr_err("files: out of memory\n");
		close(fd);
		return -1;
	}
	ctx->inflight = n;
	ctx->inflight[ctx->nr_inflight++] = fd;

	p = calloc(1, sizeof(*p));
	if (!p) {
		pr_err("files: out of memory\n");
		return -1;
	}
	p->pid = getpid();
	p->fd = fd;
	p->lfd = -1;
	pidfd = syscall(SYS_pidfd_open, p->pid, 0);
	if (pidfd < 0) {
		pr_perror("Can't open a pidfd for criu itself");
		goto out;
	}
	if (fill_fd_parms(pidfd, p))
		goto out;
	snprintf(p->desc, sizeof(p->desc), "a file in flight on %s", where);
	s = find_seen(ctx, p);
	if (s) {
		*id = s->id;
		ret = 0;
		goto out;
	}
	ops = find_kind(p);
	if (!ops) {
		report_unsupported(p);
		goto out;
	}
	*id = files_dump_new_id(ctx);
	pr_debug("%s: %s id %u (%s)\n", p->desc, ops->name, *id, p->link);
	if (ops->dump(ctx, p, *id) || add_seen(ctx, p, *id, ops->file_type))
		goto out;
	ret = 0;
out:
	if (pidfd >= 0)
		close(pidfd);
	if (p->lfd >= 0)
		close(p->lfd);
	free(p);
	return ret;
}

struct fd_list {
	int *fds;
	size_t nr, cap;
};

static int collect_fd(int fd, void *arg)
{
	struct fd_list *l = arg;

	if (l->nr == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		int *n = realloc(l->fds, cap * sizeof(*n));

		if (!n) {
			pr_err("files: out of memory\n");
			return -1;
		}
		l->fds = n;
		l->cap = cap;
	}
	l->fds[l->nr++] = fd;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* PIDFD_THREAD of linux/pidfd.h, which older headers lack: O_EXCL. */
#define PIDFD_THREAD_FLAG O_EXCL

int files_dump_task(struct files_dump_ctx *ctx, pid_t pid, uint32_t fdinfo_id)
{
	struct fd_list l = {};
	struct cr_img *img;
	char path[64];
	int pidfd, ret = -1;
	size_t i;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	/* @pid is a thread when the leader has exited (Linux 6.9+ for that). */
	if (pidfd < 0 && errno == ENOENT)
		pidfd = syscall(SYS_pidfd_open, pid, PIDFD_THREAD_FLAG);
	if (pidfd < 0) {
		pr_perror("Can't open a pidfd for task %d", pid);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	if (proc_dir_each(path, collect_fd, &l))
		goto out;
	/* Ascending fd order: images are stable and easy to compare. */
	qsort(l.fds, l.nr, sizeof(int), cmp_int);

	img = open_image_at(ctx->dfd, CR_FD_FDINFO, O_DUMP, fdinfo_id);
	if (!img)
		goto out;
	for (i = 0; i < l.nr; i++)
		if (dump_one_fd(ctx, pidfd, pid, l.fds[i], img))
			break;
	ret = i == l.nr ? 0 : -1;
	if (close_image(img))
		ret = -1;
	if (!ret)
		pr_info("Dumped %zu fds of task %d\n", l.nr, pid);
out:
	free(l.fds);
	close(pidfd);
	return ret;
}

int files_dump_reg_fd(struct files_dump_ctx *ctx, pid_t pid, int lfd, unsigned int flags,
		      uint32_t *id)
{
	struct mapped_file *m;
	struct fd_parms *p;
	char path[64], val[32];
	int ret = -1;
	ssize_t n;
	size_t i;

	p = calloc(1, sizeof(*p));
	if (!p) {
		pr_err("files: out of memory\n");
		return -1;
	}
	p->pid = pid;
	p->fd = -1;
	p->lfd = lfd;
	p->flags = flags & ~O_CLOEXEC;
	p->mnt_id = -1;
	snprintf(p->desc, sizeof(p->desc), "a file mapped by task %d", pid);
	snprintf(p->reopen, sizeof(p->reopen), "/proc/self/fd/%d", lfd);
	if (fstat(lfd, &p->st)) {
		pr_perror("Can't stat %s", p->desc);
		goto out;
	}
	for (i = 0; i < ctx->nr_mapped; i++) {
		m = &ctx->mapped[i];
		if (m->dev == p->st.st_dev && m->ino == p->st.st_ino && m->flags == p->flags) {
			*id = m->id;
			ret = 0;
			goto out;
		}
	}
	n = readlink(p->reopen, p->link, sizeof(p->link) - 1);
	if (n < 0) {
		pr_perror("Can't read the path of %s", p->desc);
		goto out;
	}
	p->link[n] = '\0';
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", lfd);
	if (read_proc_file(path, p->fdinfo, sizeof(p->fdinfo)) >= 0 &&
	    !fdinfo_field(p->fdinfo, "mnt_id", val, sizeof(val)))
		p->mnt_id = atoi(val);
	if (!reg_file_ops.match(p)) {
		pr_err("Can't dump %s: %s is not a regular file\n", p->desc, p->link);
		goto out;
	}
	m = realloc(ctx->mapped, (ctx->nr_mapped + 1) * sizeof(*m));
	if (!m) {
		pr_err("files: out of memory\n");
		goto out;
	}
	ctx->mapped = m;
	*id = files_dump_new_id(ctx);
	if (reg_file_ops.dump(ctx, p, *id))
		goto out;
	ctx->mapped[ctx->nr_mapped++] = (struct mapped_file){
		.dev = p->st.st_dev,
		.ino = p->st.st_ino,
		.flags = p->flags,
		.id = *id,
	};
	ret = 0;
out:
	free(p);
	return ret;
}
