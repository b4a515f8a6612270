// SPDX-License-Identifier: GPL-2.0
/*
 * Terminals, restore side.  Every description of one pty is made by one
 * task (a group per pty index): it opens /dev/ptmx until the kernel hands
 * out the saved index, gives the pair its settings and queued bytes, and
 * opens each slave description with TIOCGPTPEER.  External terminals
 * (--shell-job) are reopened from criu's own terminal.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "files.h"
#include "image.h"
#include "log.h"
#include "tty.h"

#include "images/fdinfo.pb-c.h"

/* The kernel hands out the lowest free index: this many tries at most. */
#define PTMX_TRIES 64

/* A pty made by this process, kept until its descriptions all exist. */
struct open_pty {
	uint32_t index;
	pid_t maker; /* children forked after it inherit it: they only close it */
	int master, slave;
	const TtyInfoEntry *mi, *si;
};

struct tty_rst_priv {
	TtyInfoEntry **infos;
	size_t nr_infos;
	TtyDataEntry **data;
	size_t nr_data;
	uint32_t *masters; /* collect: pty indexes with a master description */
	size_t nr_masters;
	struct file_desc **ptys; /* collect: one description of each pty */
	size_t nr_ptys;
	struct open_pty *open;
	size_t nr_open;
};

static int read_all(struct files_rst_ctx *ctx, int kind, int pb_type, void ***v, size_t *nr)
{
	struct cr_img *img = open_image_at(files_rst_dfd(ctx), kind, O_RSTR | O_OPT);
	int ret;

	if (!img)
		return -1;
	for (;;) {
		void *m, **n;

		ret = pb_read_one_eof(img, &m, pb_type);
		if (ret <= 0)
			break;
		n = realloc(*v, (*nr + 1) * sizeof(*n));
		if (!n) {
			pr_err("tty: out of memory\n");
			pb_free(m);
			ret = -1;
			break;
		}
		*v = n;
		(*v)[(*nr)++] = m;
	}
	if (ret < 0)
		pr_err("%s: can't read it\n", img_path(img));
	close_image(img);
	return ret;
}

static struct tty_rst_priv *rst_priv(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__TTY);
	struct tty_rst_priv *p;

	if (*slot)
		return *slot;
	p = calloc(1, sizeof(*p));
	if (!p) {
		pr_err("tty: out of memory\n");
		return NULL;
	}
	*slot = p;
	if (read_all(ctx, CR_FD_TTY_INFO, PB_TTY_INFO, (void ***)&p->infos, &p->nr_infos) ||
	    read_all(ctx, CR_FD_TTY_DATA, PB_TTY_DATA, (void ***)&p->data, &p->nr_data))
		return NULL;
	return p;
}

static const TtyInfoEntry *find_info(const struct tty_rst_priv *p, uint32_t id)
{
	size_t i;

	for (i = 0; i < p->nr_infos; i++)
		if (p->infos[i]->id == id)
			return p->infos[i];
	return NULL;
}

/* Not a pty of the tree: a terminal other than a pty, or a slave without its master. */
static bool is_external(const struct tty_rst_priv *p, const TtyInfoEntry *tie)
{
	return tie->type != TTY_TYPE__PTY ||
	       (!TTY_INFO_MASTER(tie->id) && !find_info(p, tie->id | 1));
}

static int add_pty_desc(struct tty_rst_priv *p, struct file_desc *d)
{
	struct file_desc **n = realloc(p->ptys, (p->nr_ptys + 1) * sizeof(*n));

	if (!n) {
		pr_err("tty: out of memory\n");
		return -1;
	}
	p->ptys = n;
	p->ptys[p->nr_ptys++] = d;
	return 0;
}

int tty_rst_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	struct tty_rst_priv *p = rst_priv(ctx);
	TtyFileEntry *tfe = d->fe->tty;
	const TtyInfoEntry *tie;
	uint32_t *n;
	size_t i;

	if (!p)
		return -1;
	if (!tfe || !tfe->fown || tfe->id != d->id) {
		pr_err("files.img: tty id %u has no valid tty entry\n", d->id);
		return -1;
	}
	tie = find_info(p, tfe->tty_info_id);
	if (!tie || (tie->type == TTY_TYPE__PTY && !tie->pty)) {
		pr_err("files.img: tty id %u: terminal %#x is not in tty-info.img\n", d->id,
		       tfe->tty_info_id);
		return -1;
	}
	if (is_external(p, tie)) {
		if (!files_rst_opts(ctx)->shell_job) {
			pr_err("tty id %u: terminal %u:%u was outside the dumped tree: restore it with --shell-job (criu's terminal replaces it)\n",
			       d->id, major(tie->rdev), minor(tie->rdev));
			return -1;
		}
		return 0;
	}
	if (tie->pty->index != TTY_INFO_INDEX(tie->id)) {
		pr_err("tty-info.img: terminal %#x has pty index %u\n", tie->id, tie->pty->index);
		return -1;
	}
	if (TTY_INFO_MASTER(tie->id)) {
		for (i = 0; i < p->nr_masters; i++) {
			if (p->masters[i] == tie->pty->index) {
				pr_err("files.img: pty %u has two master files\n", tie->pty->index);
				return -1;
			}
		}
		n = realloc(p->masters, (p->nr_masters + 1) * sizeof(*n));
		if (!n) {
			pr_err("tty: out of memory\n");
			return -1;
		}
		p->masters = n;
		p->masters[p->nr_masters++] = tie->pty->index;
	}
	d->group = FILE_GROUP(FD_TYPES__TTY, tie->pty->index);
	return add_pty_desc(p, d);
}

/* /dev/ptmx until the kernel gives @index: lower free indexes are held meanwhile. */
static int open_ptmx(uint32_t index)
{
	int held[PTMX_TRIES], nr = 0, fd = -1, cur = -1;

	while (nr < PTMX_TRIES) {
		fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0) {
			pr_perror("Can't open /dev/ptmx for pty %u", index);
			break;
		}
		if (ioctl(fd, TIOCGPTN, &cur)) {
			pr_perror("Can't get the index of a new pty");
			close(fd);
			fd = -1;
			break;
		}
		if ((uint32_t)cur == index)
			break;
		held[nr++] = fd;
		fd = -1;
		if ((uint32_t)cur > index) {
			pr_err("Can't make pty %u again: it is taken (the kernel gave %d)\n", index,
			       cur);
			break;
		}
	}
	if (fd < 0 && nr == PTMX_TRIES)
		pr_err("Can't make pty %u again: %d lower indexes are free\n", index, nr);
	while (nr)
		close(held[--nr]);
	return fd;
}

static struct open_pty *get_pty(struct tty_rst_priv *p, uint32_t index)
{
	struct open_pty *op, *n;
	const TtyInfoEntry *tie;
	size_t i;

	for (i = 0; i < p->nr_open; i++)
		if (p->open[i].index == index)
			return &p->open[i];
	n = realloc(p->open, (p->nr_open + 1) * sizeof(*n));
	if (!n) {
		pr_err("tty: out of memory\n");
		return NULL;
	}
	p->open = n;
	op = &p->open[p->nr_open];
	*op = (struct open_pty){
		.index = index,
		.maker = getpid(),
		.mi = find_info(p, TTY_INFO_ID(index, true)),
		.si = find_info(p, TTY_INFO_ID(index, false)),
		.slave = -1,
	};
	tie = op->mi ? op->mi : op->si;
	op->master = open_ptmx(index);
	if (op->master < 0)
		return NULL;
	if (ioctl(op->master, TIOCSPTLCK, &(int){ 0 })) {
		pr_perror("Can't unlock pty %u", index);
		goto err;
	}
	op->slave = ioctl(op->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (op->slave < 0) {
		pr_perror("Can't open the slave of pty %u", index);
		goto err;
	}
	if (tty_data_restore(op->master, op->slave, tie, p->data, p->nr_data))
		goto err;
	if (op->mi && op->mi->packet_mode && ioctl(op->master, TIOCPKT, &(int){ 1 })) {
		pr_perror("Can't put pty %u in packet mode", index);
		goto err;
	}
	if (op->si && op->si->has_uid && op->si->has_gid &&
	    fchown(op->slave, op->si->uid, op->si->gid)) {
		pr_perror("Can't give pty %u to %u:%u", index, op->si->uid, op->si->gid);
		goto err;
	}
	pr_info("Made pty %u again\n", index);
	p->nr_open++;
	return op;
err:
	if (op->slave >= 0)
		close(op->slave);
	close(op->master);
	return NULL;
}

/* Status flags F_SETFL can give back to a terminal description. */
#define TTY_SETFL_FLAGS (O_NONBLOCK | O_APPEND | O_ASYNC)

static int set_flags(int fd, unsigned int flags)
{
	int cur = fcntl(fd, F_GETFL);

	if (cur < 0 || fcntl(fd, F_SETFL, (cur & ~TTY_SETFL_FLAGS) | (flags & TTY_SETFL_FLAGS))) {
		pr_perror("Can't set flags 0%o on a terminal", flags);
		return -1;
	}
	return 0;
}

/* criu's terminal, as a new description of it (its own flags stay criu's). */
static int open_external(struct files_rst_ctx *ctx, const TtyInfoEntry *tie, unsigned int flags)
{
	int tfd = files_rst_opts(ctx)->shell_tty_fd > 0 ? files_rst_opts(ctx)->shell_tty_fd : 0;
	char path[64];
	int fd;

	if (!isatty(tfd)) {
		pr_err("Terminal %u:%u of the dumped tree needs criu's own: criu's fd %d is not a terminal\n",
		       major(tie->rdev), minor(tie->rdev), tfd);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", tfd);
	fd = open(path, (flags & O_ACCMODE) | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		fd = fcntl(tfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		pr_perror("Can't reopen criu's terminal (fd %d)", tfd);
	return fd;
}

int tty_rst_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	struct tty_rst_priv *p = rst_priv(ctx);
	TtyFileEntry *tfe = d->fe->tty;
	const TtyInfoEntry *tie;
	struct open_pty *op;
	int fd;

	if (!p)
		return -1;
	tie = find_info(p, tfe->tty_info_id);
	if (is_external(p, tie)) {
		fd = open_external(ctx, tie, tfe->flags);
	} else {
		op = get_pty(p, tie->pty->index);
		if (!op)
			return -1;
		if (TTY_INFO_MASTER(tie->id))
			fd = fcntl(op->master, F_DUPFD_CLOEXEC, 0);
		else
			fd = ioctl(op->master, TIOCGPTPEER,
				   (tfe->flags & O_ACCMODE) | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			pr_perror("Can't open an end of pty %u", tie->pty->index);
	}
	if (fd < 0)
		return -1;
	if (set_flags(fd, tfe->flags) || files_restore_fown(fd, tfe->fown)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Last: a locked or exclusive pty takes no new opens. */
static void seal_pty(const struct open_pty *op)
{
	if (op->si && op->si->exclusive && ioctl(op->slave, TIOCEXCL))
		pr_pwarn("Can't make pty %u exclusive", op->index);
	if (op->mi && op->mi->locked && ioctl(op->master, TIOCSPTLCK, &(int){ 1 }))
		pr_pwarn("Can't lock pty %u", op->index);
}

void tty_rst_done(struct files_rst_ctx *ctx)
{
	struct tty_rst_priv *p = *files_rst_kind_priv(ctx, FD_TYPES__TTY);
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr_open; i++) {
		struct open_pty *op = &p->open[i];

		/* A child forked after the pty was made only closes its copies. */
		if (op->maker == getpid())
			seal_pty(op);
		close(op->slave);
		close(op->master);
	}
	free(p->open);
	p->open = NULL;
	p->nr_open = 0;
}

void tty_rst_free(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__TTY);
	struct tty_rst_priv *p = *slot;
	size_t i;

	if (!p)
		return;
	tty_rst_done(ctx);
	for (i = 0; i < p->nr_infos; i++)
		pb_free(p->infos[i]);
	for (i = 0; i < p->nr_data; i++)
		pb_free(p->data[i]);
	free(p->infos);
	free(p->data);
	free(p->masters);
	free(p->ptys);
	free(p);
	*slot = NULL;
}

/* The fd of this process on the slave of pty @index, -1 if none. */
static int own_slave_fd(struct files_rst_ctx *ctx, uint32_t index)
{
	int fd, max = files_rst_max_fd(ctx);
	struct stat st;

	for (fd = 0; fd <= max; fd++) {
		unsigned int maj;

		if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
			continue;
		maj = major(st.st_rdev);
		if (maj >= 136 && maj <= 143 &&
		    (maj - 136) * 256 + minor(st.st_rdev) == index)
			return fd;
	}
	return -1;
}

/* The pty of the tree that was the terminal of session @sid, NULL if none. */
static const TtyInfoEntry *session_pty(const struct tty_rst_priv *p, pid_t sid)
{
	size_t i;

	for (i = 0; p && i < p->nr_infos; i++) {
		const TtyInfoEntry *t = p->infos[i];

		if (t->sid == (uint32_t)sid && t->type == TTY_TYPE__PTY && t->pty &&
		    !is_external(p, t))
			return t;
	}
	return NULL;
}

int tty_prepare_ctty(struct files_rst_ctx *ctx, pid_t pid)
{
	struct tty_rst_priv *p = *files_rst_kind_priv(ctx, FD_TYPES__TTY);
	const TtyInfoEntry *tie = session_pty(p, pid);
	struct file_desc *d = NULL;
	struct open_pty *op;
	size_t i;

	if (!tie)
		return 0;
	for (i = 0; i < p->nr_ptys && !d; i++)
		if (p->ptys[i]->group == FILE_GROUP(FD_TYPES__TTY, tie->pty->index))
			d = p->ptys[i];
	if (!d || d->owner != pid) {
		pr_err("Task %d: its terminal, pty %u, is made by task %d: only a pty its session leader makes can be its terminal again\n",
		       pid, tie->pty->index, d ? d->owner : 0);
		return -1;
	}
	op = get_pty(p, tie->pty->index);
	if (!op)
		return -1;
	if (ioctl(op->slave, TIOCSCTTY, 0)) {
		pr_perror("Task %d: can't take back pty %u as its terminal", pid, tie->pty->index);
		return -1;
	}
	pr_info("Task %d: pty %u is its terminal again\n", pid, tie->pty->index);
	return 0;
}

int tty_restore_ctty(struct files_rst_ctx *ctx, pid_t pid)
{
	struct tty_rst_priv *p = *files_rst_kind_priv(ctx, FD_TYPES__TTY);
	const TtyInfoEntry *tie = session_pty(p, pid);
	char path[32];
	bool opened;
	int fd, sid;

	if (!tie)
		return 0;
	fd = own_slave_fd(ctx, tie->pty->index);
	opened = fd < 0;
	if (opened) {
		/* A session leader without a terminal gets the one it opens. */
		snprintf(path, sizeof(path), "/dev/pts/%u", tie->pty->index);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			pr_perror("Task %d: can't open %s, its terminal", pid, path);
			return -1;
		}
	}
	/* Taken before the children were forked (tty_prepare_ctty()), or now. */
	if ((ioctl(fd, TIOCGSID, &sid) || sid != pid) && ioctl(fd, TIOCSCTTY, 0)) {
		pr_perror("Task %d: can't take back pty %u as its terminal", pid, tie->pty->index);
		if (opened)
			close(fd);
		return -1;
	}
	if (tie->pgrp && tcsetpgrp(fd, tie->pgrp))
		pr_pwarn("Task %d: can't make group %u the foreground of pty %u", pid, tie->pgrp,
			 tie->pty->index);
	if (opened)
		close(fd);
	return 0;
}
