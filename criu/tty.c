// SPDX-License-Identifier: GPL-2.0
/*
 * Terminals, dump side: which fds are ttys, what kind, and what is saved
 * about each terminal end (see tty.h).  The restore side is tty-rst.c.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "files.h"
#include "image.h"
#include "log.h"
#include "tty.h"

#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"

#define TTY_MAJOR 4
#define TTYAUX_MAJOR 5
#define PTS_MAJOR_FIRST 136
#define PTS_MAJOR_LAST 143

/* A terminal end saved in tty-info.img, with the first fd seen on it. */
struct tty_seen {
	uint32_t info_id;
	char desc[64];
	char link[64];
};

struct tty_dump_priv {
	struct tty_seen *v;
	size_t nr;
};

static bool is_pts(unsigned int maj)
{
	return maj >= PTS_MAJOR_FIRST && maj <= PTS_MAJOR_LAST;
}

static bool tty_match(const struct fd_parms *p)
{
	unsigned int maj = major(p->st.st_rdev);

	return S_ISCHR(p->st.st_mode) && (maj == TTY_MAJOR || maj == TTYAUX_MAJOR || is_pts(maj));
}

static bool is_ptmx(const struct fd_parms *p)
{
	return major(p->st.st_rdev) == TTYAUX_MAJOR && minor(p->st.st_rdev) == 2;
}

static TtyType tty_type(const struct fd_parms *p)
{
	unsigned int maj = major(p->st.st_rdev), min = minor(p->st.st_rdev);

	if (is_ptmx(p) || is_pts(maj))
		return TTY_TYPE__PTY;
	if (maj == TTYAUX_MAJOR)
		return min == 0 ? TTY_TYPE__CTTY : TTY_TYPE__CONSOLE;
	return min < 64 ? TTY_TYPE__VT : TTY_TYPE__SERIAL;
}

static struct tty_dump_priv *dump_priv(struct files_dump_ctx *ctx)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__TTY);

	if (!*slot)
		*slot = calloc(1, sizeof(struct tty_dump_priv));
	if (!*slot)
		pr_err("tty: out of memory\n");
	return *slot;
}

static struct tty_seen *find_seen(struct tty_dump_priv *priv, uint32_t info_id)
{
	size_t i;

	for (i = 0; i < priv->nr; i++)
		if (priv->v[i].info_id == info_id)
			return &priv->v[i];
	return NULL;
}

static int add_seen(struct tty_dump_priv *priv, const struct fd_parms *p, uint32_t info_id)
{
	struct tty_seen *n = realloc(priv->v, (priv->nr + 1) * sizeof(*n));

	if (!n) {
		pr_err("tty: out of memory\n");
		return -1;
	}
	priv->v = n;
	n = &priv->v[priv->nr++];
	n->info_id = info_id;
	snprintf(n->desc, sizeof(n->desc), "%s", p->desc);
	snprintf(n->link, sizeof(n->link), "%.63s", p->link);
	return 0;
}

/*
 * The session a terminal controls and its foreground group.  Through the
 * master the kernel tells anyone; a slave tells only its own session, so
 * the holder's /proc/PID/stat is asked (its tty_nr is this terminal).
 */
static void tty_session(const struct fd_parms *p, bool master, TtyInfoEntry *info)
{
	char path[64], buf[512], *s;
	unsigned int tty_nr;
	int sid, pgrp, fd;
	ssize_t n;

	if (master) {
		if (!ioctl(p->lfd, TIOCGSID, &sid) && !ioctl(p->lfd, TIOCGPGRP, &pgrp)) {
			info->sid = sid;
			info->pgrp = pgrp;
		}
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	s = strrchr(buf, ')');
	/* ") S ppid pgrp session tty_nr tpgid" */
	if (s && sscanf(s + 1, " %*c %*d %*d %d %u %d", &sid, &tty_nr, &pgrp) == 3 &&
	    tty_nr == p->st.st_rdev && pgrp > 0) {
		info->sid = sid;
		info->pgrp = pgrp;
	}
}

static int dump_info(struct files_dump_ctx *ctx, const struct fd_parms *p, TtyType type,
		     uint32_t info_id, uint32_t index, bool master)
{
	TtyInfoEntry info = TTY_INFO_ENTRY__INIT;
	TermiosEntry termios, termios_locked;
	WinsizeEntry winsize = WINSIZE_ENTRY__INIT;
	TtyPtyEntry pty = TTY_PTY_ENTRY__INIT;
	uint32_t cc[TTY_NCC], cc_locked[TTY_NCC];
	struct tty_ktermios t, tl;
	struct winsize ws;
	int v = 0;

	info.id = info_id;
	info.type = type;
	info.rdev = p->st.st_rdev;
	info.has_dev = true;
	info.dev = p->st.st_dev;
	if (master) {
		info.locked = !ioctl(p->lfd, TIOCGPTLCK, &v) && v;
		info.packet_mode = !ioctl(p->lfd, TIOCGPKT, &v) && v;
	}
	info.exclusive = !ioctl(p->lfd, TIOCGEXCL, &v) && v;
	if (type == TTY_TYPE__PTY) {
		pty.index = index;
		info.pty = &pty;
		if (!master) {
			info.has_uid = info.has_gid = true;
			info.uid = p->st.st_uid;
			info.gid = p->st.st_gid;
		}
	}
	tty_session(p, master, &info);
	if (ioctl(p->lfd, TCGETS, &t) || ioctl(p->lfd, TIOCGLCKTRMIOS, &tl) ||
	    ioctl(p->lfd, TIOCGWINSZ, &ws)) {
		pr_perror("Can't dump %s: can't read the settings of %s (hung up?)", p->desc,
			  p->link);
		return -1;
	}
	tty_termios_to_img(&t, &termios, cc);
	tty_termios_to_img(&tl, &termios_locked, cc_locked);
	winsize.ws_row = ws.ws_row;
	winsize.ws_col = ws.ws_col;
	winsize.ws_xpixel = ws.ws_xpixel;
	winsize.ws_ypixel = ws.ws_ypixel;
	info.termios = &termios;
	info.termios_locked = &termios_locked;
	info.winsize = &winsize;
	if (pb_write_one(files_dump_img(ctx, CR_FD_TTY_INFO), &info, PB_TTY_INFO))
		return -1;
	if (master && tty_data_dump(ctx, p->lfd, index, info.packet_mode))
		return -1;
	return 0;
}

static int tty_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	FileEntry fe = FILE_ENTRY__INIT;
	TtyFileEntry tfe = TTY_FILE_ENTRY__INIT;
	struct tty_dump_priv *priv = dump_priv(ctx);
	TtyType type = tty_type(p);
	bool master = is_ptmx(p);
	uint32_t index = 0, info_id;
	FownEntry fown;
	int n;

	if (!priv)
		return -1;
	if (type != TTY_TYPE__PTY && !files_dump_opts(ctx)->shell_job) {
		pr_err("Can't dump %s: %s is a terminal from outside the dumped tree (use --shell-job to give the restored tree criu's terminal)\n",
		       p->desc, p->link);
		return -1;
	}
	if (master) {
		if (ioctl(p->lfd, TIOCGPTN, &n)) {
			pr_perror("Can't dump %s: no pty index for %s", p->desc, p->link);
			return -1;
		}
		index = n;
	} else if (type == TTY_TYPE__PTY) {
		index = (major(p->st.st_rdev) - PTS_MAJOR_FIRST) * 256 + minor(p->st.st_rdev);
	} else {
		index = minor(p->st.st_rdev);
	}
	info_id = TTY_INFO_ID(index, master);
	if (type != TTY_TYPE__PTY)
		/* Not a pty: its own id space above every pty's. */
		info_id = TTY_INFO_ID(((uint32_t)major(p->st.st_rdev) << 20) | index, 0) | 1u << 31;
	if (!find_seen(priv, info_id)) {
		if (dump_info(ctx, p, type, info_id, index, master) ||
		    add_seen(priv, p, info_id))
			return -1;
	}
	files_dump_fown(p->lfd, &fown);
	tfe.id = id;
	tfe.tty_info_id = info_id;
	tfe.flags = p->flags;
	tfe.fown = &fown;
	fe.type = FD_TYPES__TTY;
	fe.id = id;
	fe.tty = &tfe;
	return files_dump_write_entry(ctx, &fe);
}

/* A pty slave whose master no task of the tree holds is the caller's terminal. */
static int tty_dump_finish(struct files_dump_ctx *ctx)
{
	struct tty_dump_priv *priv = *files_dump_kind_priv(ctx, FD_TYPES__TTY);
	size_t i;

	for (i = 0; priv && i < priv->nr; i++) {
		struct tty_seen *s = &priv->v[i];

		if (TTY_INFO_MASTER(s->info_id) || find_seen(priv, s->info_id | 1))
			continue;
		if (files_dump_opts(ctx)->shell_job) {
			pr_info("%s: %s is an external terminal (--shell-job)\n", s->desc, s->link);
			continue;
		}
		pr_err("Can't dump %s: %s is a terminal whose master is outside the dumped tree (use --shell-job to give the restored tree criu's terminal)\n",
		       s->desc, s->link);
		return -1;
	}
	return 0;
}

static void tty_dump_free(struct files_dump_ctx *ctx)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__TTY);
	struct tty_dump_priv *priv = *slot;

	if (!priv)
		return;
	free(priv->v);
	free(priv);
	*slot = NULL;
}

const struct fd_kind_ops tty_ops = {
	.name = "tty",
	.file_type = FD_TYPES__TTY,
	.match = tty_match,
	.dump = tty_dump,
	.dump_finish = tty_dump_finish,
	.dump_free = tty_dump_free,
	.collect = tty_rst_collect,
	.open = tty_rst_open,
	.rst_done = tty_rst_done,
	.rst_free = tty_rst_free,
};
