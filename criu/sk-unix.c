// SPDX-License-Identifier: GPL-2.0
/*
 * Unix sockets, dump side.  What a socket is (type, state, name, peer,
 * shutdown, backlog) comes from sock_diag, read once per dump for every
 * unix socket of the network namespace; options and queued messages from
 * criu's duplicate of the fd.  Once every task is dumped, a socket whose
 * peer no dumped task holds fails the dump unless --ext-unix-sk allows it:
 * the peer is then saved as an external entry (USK_EXTERN) that restore
 * connects to by name.
 */

#include <errno.h>
#include <linux/rtnetlink.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "image.h"
#include "log.h"
#include "sock-diag.h"
#include "sockets.h"

#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"
#include "images/sk-unix.pb-c.h"

/* One unix socket of the namespace, as sock_diag shows it. */
struct usk_diag {
	uint32_t ino, peer, type, state, rqlen, wqlen, shutdown;
	uint32_t vfs_dev, vfs_ino;
	bool has_vfs;
	uint32_t nr_icons;
	uint8_t name[sizeof(((struct sockaddr_un *)0)->sun_path)];
	size_t namelen;
	/* Set once dumped. */
	uint32_t id;
	char desc[64];
};

struct usk_dump_priv {
	struct usk_diag *v;
	size_t nr, cap;
	bool finished;
};

static int diag_one(struct nlmsghdr *h, void *arg)
{
	struct usk_dump_priv *priv = arg;
	struct unix_diag_msg *m = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	struct rtattr *a;
	struct usk_diag *d;

	if (len < 0)
		return 0;
	if (priv->nr == priv->cap) {
		size_t cap = priv->cap ? priv->cap * 2 : 256;
		struct usk_diag *n = realloc(priv->v, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		priv->v = n;
		priv->cap = cap;
	}
	d = &priv->v[priv->nr++];
	memset(d, 0, sizeof(*d));
	d->ino = m->udiag_ino;
	d->type = m->udiag_type;
	d->state = m->udiag_state;
	for (a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		void *v = RTA_DATA(a);
		size_t plen = RTA_PAYLOAD(a);

		switch (a->rta_type) {
		case UNIX_DIAG_NAME:
			d->namelen = plen < sizeof(d->name) ? plen : sizeof(d->name);
			memcpy(d->name, v, d->namelen);
			break;
		case UNIX_DIAG_VFS: {
			struct unix_diag_vfs *vfs = v;

			d->has_vfs = true;
			d->vfs_dev = vfs->udiag_vfs_dev;
			d->vfs_ino = vfs->udiag_vfs_ino;
			break;
		}
		case UNIX_DIAG_PEER:
			d->peer = *(uint32_t *)v;
			break;
		case UNIX_DIAG_ICONS:
			d->nr_icons = plen / sizeof(uint32_t);
			break;
		case UNIX_DIAG_RQLEN: {
			struct unix_diag_rqlen *rq = v;

			d->rqlen = rq->udiag_rqueue;
			d->wqlen = rq->udiag_wqueue;
			break;
		}
		case UNIX_DIAG_SHUTDOWN:
			d->shutdown = *(uint8_t *)v;
			break;
		}
	}
	return 0;
}

static struct usk_dump_priv *dump_priv(struct files_dump_ctx *ctx)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__UNIXSK);
	struct unix_diag_req req = {
		.sdiag_family = AF_UNIX,
		.udiag_states = ~0U,
		.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER |
			      UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN,
	};
	struct usk_dump_priv *priv;
	int ret;

	if (*slot)
		return *slot;
	priv = calloc(1, sizeof(*priv));
	if (!priv) {
		pr_err("files: out of memory\n");
		return NULL;
	}
	*slot = priv;
	ret = sock_diag_dump(&req, sizeof(req), diag_one, priv);
	if (ret) {
		pr_err("Can't list unix sockets with sock_diag: %s (is unix_diag available?)\n",
		       strerror(-ret));
		return NULL;
	}
	pr_debug("sock_diag: %zu unix sockets\n", priv->nr);
	return priv;
}

static struct usk_diag *find_diag(struct usk_dump_priv *priv, uint32_t ino)
{
	size_t i;

	for (i = 0; i < priv->nr; i++)
		if (priv->v[i].ino == ino)
			return &priv->v[i];
	return NULL;
}

static bool usk_match(const struct fd_parms *p)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	if (!S_ISSOCK(p->st.st_mode))
		return false;
	return !getsockopt(p->lfd, SOL_SOCKET, SO_DOMAIN, &domain, &len) && domain == AF_UNIX;
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "datagram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	}
	return "unknown-type";
}

/*
 * A path name: where it is (relative names were resolved in the task's
 * working directory, the best guess criu has), whether the socket file is
 * still there, and its permissions.
 */
static int dump_path(const struct fd_parms *p, const struct usk_diag *d, UnixSkEntry *ue,
		     FilePermsEntry *perms, char *dir, size_t dirlen)
{
	char path[PATH_MAX + sizeof(d->name) + 2], name[sizeof(d->name) + 1] = {};
	struct stat st;
	ssize_t n;
	int err;

	memcpy(name, d->name, d->namelen);
	if (name[0] != '/') {
		char cwd[64];

		snprintf(cwd, sizeof(cwd), "/proc/%d/cwd", p->pid);
		n = readlink(cwd, dir, dirlen - 1);
		if (n < 0) {
			pr_perror("Can't read the working directory of task %d", p->pid);
			return -1;
		}
		dir[n] = '\0';
		ue->name_dir = dir;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	} else {
		snprintf(path, sizeof(path), "%s", name);
	}
	err = stat(path, &st) ? errno : 0;
	if (err && err != ENOENT) {
		errno = err;
		pr_perror("Can't dump %s: can't stat \"%s\", the name of unix socket %u", p->desc,
			  path, d->ino);
		return -1;
	}
	if (err == ENOENT && name[0] != '/') {
		/* Unlinked, or bound before a chdir(): the directory is unknown. */
		pr_err("Can't dump %s: unix socket %u is bound to relative name \"%s\", which is not in the task's working directory %s (unlinked, or bound in another directory)\n",
		       p->desc, d->ino, name, dir);
		return -1;
	}
	if (err == ENOENT || !S_ISSOCK(st.st_mode)) {
		/* Unlinked (or replaced by a non-socket): bound, then removed again. */
		ue->has_deleted = true;
		ue->deleted = true;
		return 0;
	}
	if (!d->has_vfs || st.st_ino != d->vfs_ino) {
		pr_err("Can't dump %s: unix socket %u is bound to \"%s\", which is now another file (renamed, or bound in another directory?)\n",
		       p->desc, d->ino, path);
		return -1;
	}
	file_perms_entry__init(perms);
	perms->mode = st.st_mode;
	perms->uid = st.st_uid;
	perms->gid = st.st_gid;
	ue->file_perms = perms;
	return 0;
}

static int usk_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	struct usk_dump_priv *priv = dump_priv(ctx);
	FileEntry fe = FILE_ENTRY__INIT;
	UnixSkEntry ue = UNIX_SK_ENTRY__INIT;
	SkOptsEntry opts;
	FilePermsEntry perms;
	FownEntry fown;
	struct usk_diag *d, *peer;
	char dir[PATH_MAX], what[128];
	int ret = -1;

	if (!priv)
		return -1;
	d = find_diag(priv, p->st.st_ino);
	if (!d) {
		pr_err("Can't dump %s: unix socket %lu is not visible to sock_diag (in another network namespace?)\n",
		       p->desc, (unsigned long)p->st.st_ino);
		return -1;
	}
	if (d->id) {
		/* Seen files are found before this: it is being dumped right now. */
		pr_err("Can't dump %s: unix socket %u is in flight in its own queue or in a cycle of queues (not supported)\n",
		       p->desc, d->ino);
		return -1;
	}
	snprintf(d->desc, sizeof(d->desc), "%s", p->desc);
	d->id = id;
	if (d->type != SOCK_STREAM && d->type != SOCK_DGRAM && d->type != SOCK_SEQPACKET) {
		pr_err("Can't dump %s: unix socket %u of type %u is not supported\n", p->desc,
		       d->ino, d->type);
		return -1;
	}
	if (d->state == TCP_LISTEN && (d->rqlen || d->nr_icons)) {
		pr_err("Can't dump %s: listening unix socket %u has %u connections waiting to be accepted (not supported yet)\n",
		       p->desc, d->ino, d->rqlen ? d->rqlen : d->nr_icons);
		return -1;
	}
	if (d->state != TCP_LISTEN && d->state != TCP_ESTABLISHED && d->state != TCP_CLOSE) {
		pr_err("Can't dump %s: unix socket %u is in state %u (connecting?)\n", p->desc,
		       d->ino, d->state);
		return -1;
	}
	peer = d->peer ? find_diag(priv, d->peer) : NULL;

	ue.id = id;
	ue.ino = d->ino;
	ue.type = d->type;
	ue.state = d->state;
	ue.flags = p->flags;
	ue.uflags = 0;
	ue.backlog = d->state == TCP_LISTEN ? d->wqlen : 0;
	/* A peer that no longer exists (closed): this end stays alone. */
	ue.peer = peer ? d->peer : 0;
	files_dump_fown(p->lfd, &fown);
	ue.fown = &fown;
	snprintf(what, sizeof(what), "%s (unix socket %u)", p->desc, d->ino);
	if (sk_opts_dump(p->lfd, &opts, what))
		return -1;
	ue.opts = &opts;
	ue.name.data = d->name;
	ue.name.len = d->namelen;
	if (d->namelen && d->name[0] && dump_path(p, d, &ue, &perms, dir, sizeof(dir)))
		goto out;
	if (d->shutdown) {
		ue.has_shutdown = true;
		ue.shutdown = d->shutdown & (SK_RCV_SHUTDOWN | SK_SEND_SHUTDOWN);
	}
	if (d->state != TCP_LISTEN && sk_queue_dump(ctx, p->lfd, d->type, id, what))
		goto out;

	pr_info("%s: unix %s socket %u state %u peer %u\n", p->desc, type_name(d->type), d->ino,
		d->state, ue.peer);
	fe.type = FD_TYPES__UNIXSK;
	fe.id = id;
	fe.usk = &ue;
	ret = files_dump_write_entry(ctx, &fe);
out:
	free(opts.so_filter);
	return ret;
}

/* --ext-unix-sk, with an optional list of allowed inodes. */
struct cr_options_ext {
	bool on;
	const char *const *ids;
	int nr;
};

static bool ext_allowed(const struct cr_options_ext *ext, uint32_t ino, uint32_t peer)
{
	int i;

	if (!ext->on)
		return false;
	if (!ext->nr)
		return true;
	for (i = 0; i < ext->nr; i++) {
		unsigned long v = strtoul(ext->ids[i], NULL, 0);

		if (v == ino || v == peer)
			return true;
	}
	return false;
}

/* The outside peer of @d, saved so that restore can connect to it by name. */
static int dump_extern(struct files_dump_ctx *ctx, struct usk_diag *d, struct usk_diag *peer)
{
	FileEntry fe = FILE_ENTRY__INIT;
	UnixSkEntry ue = UNIX_SK_ENTRY__INIT;
	SkOptsEntry opts = SK_OPTS_ENTRY__INIT;
	FownEntry fown = FOWN_ENTRY__INIT;

	if (peer->id)
		return 0;
	peer->id = files_dump_new_id(ctx);
	ue.id = peer->id;
	ue.ino = peer->ino;
	ue.type = peer->type;
	ue.state = peer->state;
	ue.uflags = USK_EXTERN;
	ue.peer = peer->peer;
	ue.fown = &fown;
	ue.opts = &opts;
	ue.name.data = peer->name;
	ue.name.len = peer->namelen;
	fe.type = FD_TYPES__UNIXSK;
	fe.id = peer->id;
	fe.usk = &ue;
	pr_info("%s: peer %u is outside the tree, saved as external\n", d->desc, peer->ino);
	return files_dump_write_entry(ctx, &fe);
}

static int usk_dump_finish(struct files_dump_ctx *ctx)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__UNIXSK);
	const struct files_dump_opts *o = files_dump_opts(ctx);
	struct cr_options_ext ext = {
		.on = o->ext_unix_sk,
		.ids = o->ext_unix_ids,
		.nr = o->nr_ext_unix_ids,
	};
	struct usk_dump_priv *priv = *slot;
	size_t i;

	if (!priv || priv->finished)
		return 0;
	priv->finished = true;
	for (i = 0; i < priv->nr; i++) {
		struct usk_diag *d = &priv->v[i], *peer;

		if (!d->desc[0] || !d->peer)
			continue;
		peer = find_diag(priv, d->peer);
		if (!peer || peer->desc[0])
			continue;
		if (!ext_allowed(&ext, d->ino, d->peer)) {
			pr_err("Can't dump %s: unix socket %u is connected to socket %u outside the dumped tree (use --ext-unix-sk to allow it)\n",
			       d->desc, d->ino, d->peer);
			return -1;
		}
		if (dump_extern(ctx, d, peer))
			return -1;
	}
	return 0;
}

static void usk_dump_free(struct files_dump_ctx *ctx)
{
	void **slot = files_dump_kind_priv(ctx, FD_TYPES__UNIXSK);
	struct usk_dump_priv *priv = *slot;

	if (!priv)
		return;
	free(priv->v);
	free(priv);
	*slot = NULL;
}

const struct fd_kind_ops unix_sk_ops = {
	.name = "unix socket",
	.file_type = FD_TYPES__UNIXSK,
	.match = usk_match,
	.dump = usk_dump,
	.dump_finish = usk_dump_finish,
	.dump_free = usk_dump_free,
	.collect = usk_collect,
	.open = usk_open,
	.rst_done = usk_rst_done,
	.rst_free = usk_rst_free,
};
