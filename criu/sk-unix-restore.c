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
 *	queued messages sent again, from the peer or from the sender's name;
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
#include "sockets.h"

#include "images/fdinfo.pb-c.h"
#include "images/sk-unix.pb-c.h"

struct usk {
	UnixSkEntry *ue;
	int fd;
	int ghost; /* the other end standing in for a closed peer */
	struct usk *peer;
	struct usk *listener; /* accepted: the listener it comes from, */
	bool tmp_listener; /* or a temporary one on its own name */
	struct usk *client; /* accepted: the socket connecting to it */
	bool connected;
};

struct usk_priv {
	struct usk *v;
	size_t nr;
	struct sk_queue_set queues;
	bool built, failed;
	/* While building, in the task that creates the sockets: */
	struct files_rst_ctx *ctx;
	pid_t me;
};

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

static bool is_extern(const struct usk *s)
{
	return s->ue->uflags & USK_EXTERN;
}

static void to_name(const struct usk *s, struct unix_name *n)
{
	n->name = s->ue->name.data;
	n->len = s->ue->name.len;
	n->dir = s->ue->name_dir;
}

static const char *sdesc(const struct usk *s, char *buf, size_t size)
{
	char name[128];
	struct unix_name n;

	to_name(s, &n);
	snprintf(buf, size, "unix socket %u (id %u, %s)", s->ue->ino, s->ue->id,
		 unix_name_str(&n, name, sizeof(name)));
	return buf;
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

static bool same_name(const UnixSkEntry *a, const uint8_t *name, size_t len, const char *dir)
{
	if (a->name.len != len || memcmp(a->name.data, name, len))
		return false;
	if (!len || !name[0] || name[0] == '/')
		return true;
	return (!a->name_dir && !dir) || (a->name_dir && dir && !strcmp(a->name_dir, dir));
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
		    same_name(l->ue, s->ue->name.data, s->ue->name.len, s->ue->name_dir))
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
			pr_err("%s: its peer %u is not in the images\n", sdesc(s, b, sizeof(b)),
			       s->ue->peer);
			return -1;
		}
		if (s->peer->ue->type != s->ue->type) {
			pr_err("%s: its peer %u is of another type\n", sdesc(s, b, sizeof(b)),
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
				pr_perror("Can't make a socketpair for %s", sdesc(s, b, sizeof(b)));
				return -1;
			}
			s->fd = sv[0];
			p->fd = sv[1];
			s->connected = p->connected = true;
		} else if (!p && connection(s)) {
			/* The peer was closed: a stand-in end, closed once data is back. */
			if (socketpair(AF_UNIX, s->ue->type | SOCK_CLOEXEC, 0, sv)) {
				pr_perror("Can't make a socketpair for %s", sdesc(s, b, sizeof(b)));
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

static bool accepted(const struct usk *s)
{
	return s->listener || s->tmp_listener;
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
				pr_perror("Can't make %s", sdesc(s, b, sizeof(b)));
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
			pr_perror("Can't listen on %s", sdesc(s, b, sizeof(b)));
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
			pr_perror("Can't make a listener to accept %s", sdesc(s, b, sizeof(b)));
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
		pr_perror("Can't accept %s", sdesc(s, b, sizeof(b)));
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
			       sdesc(s, b, sizeof(b)), p->ue->ino,
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

static struct usk *find_named(struct usk_priv *priv, const SkPacketEntry *pe)
{
	size_t i;

	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i];

		if (!is_extern(s) && !accepted(s) && s->ue->type == SOCK_DGRAM && s->ue->name.len &&
		    same_name(s->ue, pe->addr.data, pe->addr.len, s->ue->name_dir))
			return s;
	}
	return NULL;
}

/* A file in flight: its description, opened here if no other task does. */
static int inflight_fd(struct usk_priv *priv, uint32_t id, const struct usk *on)
{
	struct file_desc *d = files_rst_find(priv->ctx, id);
	pid_t owner;
	char b[160];
	size_t i;
	int fd, base;

	if (!d) {
		pr_err("%s: a queued message carries file id %u, not in files.img\n",
		       sdesc(on, b, sizeof(b)), id);
		return -1;
	}
	if (d->ops->file_type == FD_TYPES__UNIXSK) {
		for (i = 0; i < priv->nr; i++)
			if (priv->v[i].ue->id == id && priv->v[i].fd >= 0)
				return priv->v[i].fd;
		pr_err("%s: unix socket id %u in flight was not restored\n",
		       sdesc(on, b, sizeof(b)), id);
		return -1;
	}
	if (d->fd >= 0)
		return d->fd;
	owner = d->owner ? d->owner : files_rst_group_owner(priv->ctx, d->group);
	if (owner && owner != priv->me) {
		pr_err("%s: file id %u in flight is created by task %d, the unix sockets by task %d (not supported yet)\n",
		       sdesc(on, b, sizeof(b)), id, owner, priv->me);
		return -1;
	}
	fd = d->ops->open(priv->ctx, d);
	if (fd < 0) {
		pr_err("%s: can't open file id %u in flight\n", sdesc(on, b, sizeof(b)), id);
		return -1;
	}
	base = files_rst_max_fd(priv->ctx) + 1;
	fd = files_service_fd(fd, base < 3 ? 3 : base);
	if (fd < 0)
		return -1;
	/* files-restore uses it (and closes it) as if it had opened it. */
	d->fd = fd;
	return fd;
}

#define SCM_MAX_FD 253

struct out_msg {
	struct msghdr mh;
	struct iovec iov;
	char cbuf[CMSG_SPACE(sizeof(int) * SCM_MAX_FD)];
};

/* @pk as a message for sendmsg(), with its descriptors in flight. */
static int make_msg(struct usk_priv *priv, const struct usk *s, const struct sk_packet *pk,
		    struct out_msg *m)
{
	struct cmsghdr *ch;
	size_t i, j, n = 0;
	int *fds;
	char b[160];

	memset(m, 0, sizeof(*m));
	m->iov.iov_base = pk->data;
	m->iov.iov_len = pk->pe->length;
	m->mh.msg_iov = &m->iov;
	m->mh.msg_iovlen = 1;
	for (i = 0; i < pk->pe->n_scm; i++) {
		if (pk->pe->scm[i]->type != SCM_RIGHTS) {
			pr_err("%s: a queued message carries control data of type %u\n",
			       sdesc(s, b, sizeof(b)), pk->pe->scm[i]->type);
			return -1;
		}
		n += pk->pe->scm[i]->n_rights;
	}
	if (!n)
		return 0;
	if (n > SCM_MAX_FD) {
		pr_err("%s: a queued message carries %zu descriptors\n", sdesc(s, b, sizeof(b)), n);
		return -1;
	}
	m->mh.msg_control = m->cbuf;
	m->mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
	ch = CMSG_FIRSTHDR(&m->mh);
	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN(sizeof(int) * n);
	fds = (int *)CMSG_DATA(ch);
	n = 0;
	for (i = 0; i < pk->pe->n_scm; i++)
		for (j = 0; j < pk->pe->scm[i]->n_rights; j++) {
			fds[n] = inflight_fd(priv, pk->pe->scm[i]->rights[j], s);
			if (fds[n++] < 0)
				return -1;
		}
	return 0;
}

static int send_msg(int fd, struct out_msg *m, const struct usk *s)
{
	char b[160];

	if (sendmsg(fd, &m->mh, MSG_DONTWAIT) != (ssize_t)m->iov.iov_len) {
		pr_perror("Can't queue a %zu-byte message to %s", m->iov.iov_len,
			  sdesc(s, b, sizeof(b)));
		return -1;
	}
	return 0;
}

/* A datagram queued to @s from whoever sent it. */
static int queue_dgram(struct usk_priv *priv, struct usk *s, const struct sk_packet *pk,
		       struct out_msg *m)
{
	const SkPacketEntry *pe = pk->pe;
	struct unix_name to, from;
	struct usk *snd = s->peer;
	int fd, tmp = -1, ret = -1;
	char b[160];

	to_name(s, &to);
	if (snd) {
		/* A connected socket only takes messages from its peer. */
		if (is_extern(snd)) {
			pr_err("Can't restore the queue of %s: it was sent from outside\n",
			       sdesc(s, b, sizeof(b)));
			return -1;
		}
		fd = snd->fd;
	} else if (pe->has_addr && pe->addr.len && (snd = find_named(priv, pe))) {
		fd = snd->fd;
	} else {
		tmp = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (tmp < 0) {
			pr_perror("Can't make a socket to refill %s", sdesc(s, b, sizeof(b)));
			return -1;
		}
		from.name = pe->addr.data;
		from.len = pe->has_addr ? pe->addr.len : 0;
		from.dir = s->ue->name_dir;
		if (from.len && unix_name_bind(tmp, &from))
			goto out;
		fd = tmp;
	}
	if (snd && snd->peer == s) {
		if (send_msg(fd, m, s))
			goto out;
	} else if (!to.len) {
		pr_err("Can't restore the queue of %s: it has no name to send to\n",
		       sdesc(s, b, sizeof(b)));
		goto out;
	} else if (unix_name_sendmsg(fd, &m->mh, &to)) {
		goto out;
	}
	ret = 0;
out:
	if (tmp >= 0) {
		close(tmp);
		if (from.len && unix_name_unlink(&from))
			ret = -1;
	}
	return ret;
}

static int refill(struct usk_priv *priv)
{
	struct out_msg *m = malloc(sizeof(*m));
	int fd, ret = -1;
	char b[160];
	size_t i, j;

	if (!m) {
		pr_err("files: out of memory\n");
		return -1;
	}
	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i];
		const struct sk_queue *q = sk_queue_find(&priv->queues, s->ue->id);

		if (!q || is_extern(s))
			continue;
		for (j = 0; j < q->nr; j++) {
			const struct sk_packet *pk = &q->v[j];

			if (make_msg(priv, s, pk, m))
				goto out;
			if (s->ue->type == SOCK_DGRAM) {
				if (queue_dgram(priv, s, pk, m))
					goto out;
				continue;
			}
			fd = s->ghost >= 0 ? s->ghost : s->peer ? s->peer->fd : -1;
			if (fd < 0 || (s->peer && is_extern(s->peer))) {
				pr_err("Can't restore the queue of %s: no peer to send it\n",
				       sdesc(s, b, sizeof(b)));
				goto out;
			}
			if (send_msg(fd, m, s))
				goto out;
		}
		pr_debug("%s: %zu messages queued again\n", sdesc(s, b, sizeof(b)), q->nr);
	}
	ret = 0;
out:
	free(m);
	return ret;
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
			pr_perror("Can't shut down %s", sdesc(s, b, sizeof(b)));
			return -1;
		}
	}
	to_name(s, &n);
	if (ue->deleted && ue->name.len && !accepted(s) && unix_name_unlink(&n))
		return -1;
	if (sk_opts_restore(s->fd, ue->opts)) {
		pr_err("Can't restore the options of %s\n", sdesc(s, b, sizeof(b)));
		return -1;
	}
	if (files_restore_fown(s->fd, ue->fown))
		return -1;
	fl = fcntl(s->fd, F_GETFL);
	if (fl < 0 ||
	    fcntl(s->fd, F_SETFL,
		  (fl & ~(O_NONBLOCK | O_ASYNC)) | (ue->flags & (O_NONBLOCK | O_ASYNC)))) {
		pr_perror("Can't set flags 0%o on %s", ue->flags, sdesc(s, b, sizeof(b)));
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
	if (create_and_bind(priv) || connect_all(priv) || refill(priv))
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
