// SPDX-License-Identifier: GPL-2.0
/*
 * Unix sockets, restore side.  Every unix socket of the images belongs to
 * one group: the task that owns the group rebuilds them all at once, in
 * one process, and the framework hands each to the tasks holding it.  In
 * that process the order is:
 *	socketpair()s for unnamed connected pairs (and for an end whose peer
 *	was closed: its stand-in end is closed once the queue is refilled);
 *	socket() for the others, bind() of the names, listen();
 *	each accepted connection: its client connects to the listener (or to
 *	a temporary one on the accepted socket's name) and the listener
 *	accepts it;
 *	connect() of datagram sockets and of sockets with an outside peer;
 *	queued messages sent again (sk-unix-refill.c);
 *	shutdown(), removal of names that were unlinked, options and flags.
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "sk-unix-rst.h"
#include "sockets.h"

#include "images/fdinfo.pb-c.h"
#include "images/sk-unix.pb-c.h"

#define USK_GROUP FILE_GROUP(FD_TYPES__UNIXSK, 1)

static struct usk_priv *rst_priv(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__UNIXSK);

	if (!*slot) {
		struct usk_priv *p = calloc(1, sizeof(*p));

		if (!p) {
			pr_err("files: out of memory\n");
			return NULL;
		}
		*slot = p;
		if (sk_queue_read(ctx, &p->queues))
			return NULL;
	}
	return *slot;
}

const char *usk_desc(const struct usk *s, char *buf, size_t size)
{
	char name[128];
	struct unix_name n;

	to_name(s, &n);
	snprintf(buf, size, "unix socket %u (id %u, %s)", s->ue->ino, s->ue->id,
		 unix_name_str(&n, name, sizeof(name)));
	return buf;
}

bool usk_same_name(const UnixSkEntry *a, const uint8_t *name, size_t len, const char *dir)
{
	if (a->name.len != len || memcmp(a->name.data, name, len))
		return false;
	if (!len || !name[0] || name[0] == '/')
		return true;
	return (!a->name_dir && !dir) || (a->name_dir && dir && !strcmp(a->name_dir, dir));
}

int usk_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	struct usk_priv *priv = rst_priv(ctx);
	UnixSkEntry *ue = d->fe->usk;
	struct usk *n;

	if (!priv)
		return -1;
	if (!ue || !ue->fown || !ue->opts || ue->id != d->id) {
		pr_err("files.img: unix socket id %u has no valid entry\n", d->id);
		return -1;
	}
	if (ue->uflags & ~USK_EXTERN) {
		pr_err("files.img: unix socket %u has flags 0x%x, which can't be restored\n",
		       ue->ino, ue->uflags);
		return -1;
	}
	if (ue->type != SOCK_STREAM && ue->type != SOCK_DGRAM && ue->type != SOCK_SEQPACKET) {
		pr_err("files.img: unix socket %u has type %u\n", ue->ino, ue->type);
		return -1;
	}
	if (ue->name.len > sizeof(((struct sockaddr_un *)0)->sun_path)) {
		pr_err("files.img: unix socket %u has a name of %zu bytes\n", ue->ino,
		       ue->name.len);
		return -1;
	}
	n = realloc(priv->v, (priv->nr + 1) * sizeof(*n));
	if (!n) {
		pr_err("files: out of memory\n");
		return -1;
	}
	priv->v = n;
	priv->v[priv->nr++] = (struct usk){ .ue = ue, .fd = -1, .ghost = -1 };
	/* Outside peers are only names to connect to: nobody opens them. */
	d->group = ue->uflags & USK_EXTERN ? 0 : USK_GROUP;
	return 0;
}

static struct usk *find_ino(struct usk_priv *priv, uint32_t ino)
{
	size_t i;

	for (i = 0; i < priv->nr; i++)
		if (priv->v[i].ue->ino == ino)
			return &priv->v[i];
	return NULL;
}

/* The listener a connected socket named @s's name was accepted from. */
static struct usk *find_listener(struct usk_priv *priv, const struct usk *s)
{
	size_t i;

	if (!s->ue->name.len)
		return NULL;
	for (i = 0; i < priv->nr; i++) {
		struct usk *l = &priv->v[i];

		if (l != s && !is_extern(l) && l->ue->state == TCP_LISTEN &&
		    l->ue->type == s->ue->type &&
		    usk_same_name(l->ue, s->ue->name.data, s->ue->name.len, s->ue->name_dir))
			return l;
	}
	return NULL;
}

static int link_peers(struct usk_priv *priv)
{
	char b[160];
	size_t i;

	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i];

		if (!s->ue->peer || is_extern(s))
			continue;
		s->peer = find_ino(priv, s->ue->peer);
		if (!s->peer) {
			pr_err("%s: its peer %u is not in the images\n", usk_desc(s, b, sizeof(b)),
			       s->ue->peer);
			return -1;
		}
		if (s->peer->ue->type != s->ue->type) {
			pr_err("%s: its peer %u is of another type\n", usk_desc(s, b, sizeof(b)),
			       s->ue->peer);
			return -1;
		}
	}
	return 0;
}

static bool connection(const struct usk *s)
{
	return s->ue->type != SOCK_DGRAM && s->ue->state == TCP_ESTABLISHED;
}

static int make_pairs(struct usk_priv *priv)
{
	char b[160];
	size_t i;

	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i], *p = s->peer;
		int sv[2];

		if (is_extern(s) || s->fd >= 0)
			continue;
		if (p && !is_extern(p) && p->ue->peer == s->ue->ino && !s->ue->name.len &&
		    !p->ue->name.len) {
			if (socketpair(AF_UNIX, s->ue->type | SOCK_CLOEXEC, 0, sv)) {
				pr_perror("Can't make a socketpair for %s",
					  usk_desc(s, b, sizeof(b)));
				return -1;
			}
			s->fd = sv[0];
			p->fd = sv[1];
			s->connected = p->connected = true;
		} else if (!p && connection(s)) {
			/* The peer was closed: a stand-in end, closed once data is back. */
			if (socketpair(AF_UNIX, s->ue->type | SOCK_CLOEXEC, 0, sv)) {
				pr_perror("Can't make a socketpair for %s",
					  usk_desc(s, b, sizeof(b)));
				return -1;
			}
			s->fd = sv[0];
			s->ghost = sv[1];
			s->connected = true;
		}
	}
	return 0;
}

/* Connected stream/seqpacket pairs with names: which end is accepted. */
static void plan_accepts(struct usk_priv *priv)
{
	size_t i;

	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i], *p = s->peer, *srv, *cli;

		if (is_extern(s) || s->fd >= 0 || !connection(s) || !p || is_extern(p) ||
		    s->listener || s->tmp_listener || s->client || p->listener || p->tmp_listener ||
		    p->client)
			continue;
		if (find_listener(priv, s) || (!find_listener(priv, p) && s->ue->name.len)) {
			srv = s;
			cli = p;
		} else {
			srv = p;
			cli = s;
		}
		srv->listener = find_listener(priv, srv);
		srv->tmp_listener = !srv->listener;
		srv->client = cli;
	}
}

static int create_and_bind(struct usk_priv *priv)
{
	char b[160];
	size_t i;

	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i];
		struct unix_name n;

		if (is_extern(s) || accepted(s))
			continue;
		if (s->fd < 0) {
			s->fd = socket(AF_UNIX, s->ue->type | SOCK_CLOEXEC, 0);
			if (s->fd < 0) {
				pr_perror("Can't make %s", usk_desc(s, b, sizeof(b)));
				return -1;
			}
		}
		if (!s->ue->name.len)
			continue;
		to_name(s, &n);
		if (unix_name_bind(s->fd, &n))
			return -1;
		if (s->ue->file_perms && !s->ue->deleted &&
		    unix_name_chmod(&n, s->ue->file_perms->mode, s->ue->file_perms->uid,
				    s->ue->file_perms->gid))
			return -1;
	}
	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i];

		if (!is_extern(s) && s->ue->state == TCP_LISTEN &&
		    listen(s->fd, s->ue->backlog ? (int)s->ue->backlog : 1)) {
			pr_perror("Can't listen on %s", usk_desc(s, b, sizeof(b)));
			return -1;
		}
	}
	return 0;
}

static int accept_one(struct usk *s)
{
	int lfd, tmp = -1, ret = -1;
	struct unix_name n;
	char b[160];

	to_name(s, &n);
	if (s->tmp_listener) {
		tmp = socket(AF_UNIX, s->ue->type | SOCK_CLOEXEC, 0);
		if (tmp < 0 || unix_name_bind(tmp, &n) || listen(tmp, 1)) {
			pr_perror("Can't make a listener to accept %s", usk_desc(s, b, sizeof(b)));
			goto out;
		}
		lfd = tmp;
	} else {
		lfd = s->listener->fd;
	}
	if (unix_name_connect(s->client->fd, &n))
		goto out;
	s->fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s->fd < 0) {
		pr_perror("Can't accept %s", usk_desc(s, b, sizeof(b)));
		goto out;
	}
	s->connected = s->client->connected = true;
	ret = 0;
out:
	if (tmp >= 0) {
		close(tmp);
		/* The name stays only if its file was there at dump time. */
		if (!s->ue->file_perms && unix_name_unlink(&n))
			ret = -1;
	}
	return ret;
}

static int connect_all(struct usk_priv *priv)
{
	struct unix_name n;
	char b[160];
	size_t i;

	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i];

		if (!is_extern(s) && s->client && accept_one(s))
			return -1;
	}
	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i], *p = s->peer;

		if (is_extern(s) || s->connected || !p)
			continue;
		if (!p->ue->name.len) {
			pr_err("Can't restore %s: its peer %u has no name to connect to%s\n",
			       usk_desc(s, b, sizeof(b)), p->ue->ino,
			       is_extern(p) ? " (an outside peer)" : "");
			return -1;
		}
		to_name(p, &n);
		if (unix_name_connect(s->fd, &n))
			return -1;
		s->connected = true;
	}
	return 0;
}

static int finish_one(struct usk *s)
{
	UnixSkEntry *ue = s->ue;
	struct unix_name n;
	char b[160];
	int how = -1, fl;

	if (ue->has_shutdown && ue->shutdown) {
		if ((ue->shutdown & SK_RCV_SHUTDOWN) && (ue->shutdown & SK_SEND_SHUTDOWN))
			how = SHUT_RDWR;
		else if (ue->shutdown & SK_RCV_SHUTDOWN)
			how = SHUT_RD;
		else
			how = SHUT_WR;
		/* A closed peer already shut this end down entirely. */
		if (shutdown(s->fd, how) && errno != ENOTCONN) {
			pr_perror("Can't shut down %s", usk_desc(s, b, sizeof(b)));
			return -1;
		}
	}
	to_name(s, &n);
	if (ue->deleted && ue->name.len && !accepted(s) && unix_name_unlink(&n))
		return -1;
	if (sk_opts_restore(s->fd, ue->opts)) {
		pr_err("Can't restore the options of %s\n", usk_desc(s, b, sizeof(b)));
		return -1;
	}
	if (files_restore_fown(s->fd, ue->fown))
		return -1;
	fl = fcntl(s->fd, F_GETFL);
	if (fl < 0 ||
	    fcntl(s->fd, F_SETFL,
		  (fl & ~(O_NONBLOCK | O_ASYNC)) | (ue->flags & (O_NONBLOCK | O_ASYNC)))) {
		pr_perror("Can't set flags 0%o on %s", ue->flags, usk_desc(s, b, sizeof(b)));
		return -1;
	}
	return 0;
}

static int build_all(struct usk_priv *priv)
{
	size_t i;

	if (link_peers(priv) || make_pairs(priv))
		return -1;
	plan_accepts(priv);
	if (create_and_bind(priv) || connect_all(priv) || usk_refill(priv))
		return -1;
	for (i = 0; i < priv->nr; i++) {
		if (priv->v[i].ghost >= 0)
			close(priv->v[i].ghost);
		priv->v[i].ghost = -1;
	}
	for (i = 0; i < priv->nr; i++)
		if (!is_extern(&priv->v[i]) && finish_one(&priv->v[i]))
			return -1;
	pr_info("Restored %zu unix sockets\n", priv->nr);
	return 0;
}

int usk_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	struct usk_priv *priv = rst_priv(ctx);
	size_t i;
	int fd;

	if (!priv || priv->failed)
		return -1;
	if (!priv->built) {
		priv->built = true;
		priv->ctx = ctx;
		priv->me = d->owner;
		if (build_all(priv)) {
			priv->failed = true;
			return -1;
		}
	}
	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i];

		if (s->ue->id != d->id)
			continue;
		if (is_extern(s)) {
			pr_err("Unix socket %u is outside the tree; no task can hold it\n",
			       s->ue->ino);
			return -1;
		}
		fd = fcntl(s->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			pr_perror("Can't duplicate unix socket %u", s->ue->ino);
		return fd;
	}
	pr_err("Unix socket id %u was not collected\n", d->id);
	return -1;
}

void usk_rst_done(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__UNIXSK);
	struct usk_priv *p = *slot;
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr; i++) {
		if (p->v[i].fd >= 0)
			close(p->v[i].fd);
		if (p->v[i].ghost >= 0)
			close(p->v[i].ghost);
		p->v[i].fd = p->v[i].ghost = -1;
	}
}

void usk_rst_free(struct files_rst_ctx *ctx)
{
	void **slot = files_rst_kind_priv(ctx, FD_TYPES__UNIXSK);
	struct usk_priv *p = *slot;

	if (!p)
		return;
	usk_rst_done(ctx);
	sk_queue_free(&p->queues);
	free(p->v);
	free(p);
	*slot = NULL;
}
