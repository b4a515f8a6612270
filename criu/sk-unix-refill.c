// SPDX-License-Identifier: GPL-2.0
/*
 * Refilling the queues of restored unix sockets: each saved message is
 * sent again to its socket, in order.  Stream and seqpacket data comes
 * from the peer (or from the stand-in of a closed peer).  A datagram comes
 * from the peer of a connected socket (the only one it accepts), else from
 * the socket bound to its sender's address, else from a temporary socket
 * bound to that address (unbound if it had none).  Descriptors in flight
 * go along as SCM_RIGHTS: unix sockets are among the ones just made, other
 * files are opened here unless another task creates them.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "sk-unix-rst.h"
#include "sockets.h"

#include "images/fdinfo.pb-c.h"

static struct usk *find_named(struct usk_priv *priv, const SkPacketEntry *pe)
{
	size_t i;

	for (i = 0; i < priv->nr; i++) {
		struct usk *s = &priv->v[i];

		if (!is_extern(s) && !accepted(s) && s->ue->type == SOCK_DGRAM && s->ue->name.len &&
		    usk_same_name(s->ue, pe->addr.data, pe->addr.len, s->ue->name_dir))
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
		       usk_desc(on, b, sizeof(b)), id);
		return -1;
	}
	if (d->ops->file_type == FD_TYPES__UNIXSK) {
		for (i = 0; i < priv->nr; i++)
			if (priv->v[i].ue->id == id && priv->v[i].fd >= 0)
				return priv->v[i].fd;
		pr_err("%s: unix socket id %u in flight was not restored\n",
		       usk_desc(on, b, sizeof(b)), id);
		return -1;
	}
	if (d->fd >= 0)
		return d->fd;
	owner = d->owner ? d->owner : files_rst_group_owner(priv->ctx, d->group);
	if (owner && owner != priv->me) {
		pr_err("%s: file id %u in flight is created by task %d, the unix sockets by task %d (not supported yet)\n",
		       usk_desc(on, b, sizeof(b)), id, owner, priv->me);
		return -1;
	}
	fd = d->ops->open(priv->ctx, d);
	if (fd < 0) {
		pr_err("%s: can't open file id %u in flight\n", usk_desc(on, b, sizeof(b)), id);
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
			       usk_desc(s, b, sizeof(b)), pk->pe->scm[i]->type);
			return -1;
		}
		n += pk->pe->scm[i]->n_rights;
	}
	if (!n)
		return 0;
	if (n > SCM_MAX_FD) {
		pr_err("%s: a queued message carries %zu descriptors\n", usk_desc(s, b, sizeof(b)),
		       n);
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
			  usk_desc(s, b, sizeof(b)));
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
			       usk_desc(s, b, sizeof(b)));
			return -1;
		}
		fd = snd->fd;
	} else if (pe->has_addr && pe->addr.len && (snd = find_named(priv, pe))) {
		fd = snd->fd;
	} else {
		tmp = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (tmp < 0) {
			pr_perror("Can't make a socket to refill %s", usk_desc(s, b, sizeof(b)));
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
		       usk_desc(s, b, sizeof(b)));
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

int usk_refill(struct usk_priv *priv)
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
				       usk_desc(s, b, sizeof(b)));
				goto out;
			}
			if (send_msg(fd, m, s))
				goto out;
		}
		pr_debug("%s: %zu messages queued again\n", usk_desc(s, b, sizeof(b)), q->nr);
	}
	ret = 0;
out:
	free(m);
	return ret;
}
