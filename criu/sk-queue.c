// SPDX-License-Identifier: GPL-2.0
/*
 * Messages queued on a socket.  Dump peeks at them with MSG_PEEK, the
 * socket's SO_PEEK_OFF moving past each one, so the queue stays as it
 * was for the task (the old peek offset is put back).  Each message is an
 * SkPacketEntry in sk-queues.img followed by its bytes; a datagram keeps
 * its sender's address.
 *
 * Known limitation: the kernel marks an empty message (datagram or
 * seqpacket) as peeked and from then on skips it in SO_PEEK_OFF walks, so
 * a second dump of a socket left running (--leave-running, snapshots)
 * does not see empty messages the first dump or the task peeked at.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/compiler.h"
#include "image.h"
#include "log.h"
#include "sockets.h"

#define CMSG_BUF 4096
#define SCM_MAX_FD 253 /* the kernel's limit of descriptors per message */

static void close_rights(struct msghdr *mh)
{
	struct cmsghdr *ch;

	for (ch = CMSG_FIRSTHDR(mh); ch; ch = CMSG_NXTHDR(mh, ch)) {
		int *fds = (int *)CMSG_DATA(ch);
		size_t i, n;

		if (ch->cmsg_level != SOL_SOCKET || ch->cmsg_type != SCM_RIGHTS)
			continue;
		n = (ch->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++)
			close(fds[i]);
	}
}

/* Saves the descriptors a message carries; criu's copies are taken over. */
static int dump_rights(struct files_dump_ctx *ctx, struct msghdr *mh, const char *desc,
		       ScmEntry *scm, uint32_t *ids, size_t max)
{
	struct cmsghdr *ch;
	int ret = 0;

	if (mh->msg_flags & MSG_CTRUNC) {
		close_rights(mh);
		pr_err("Can't dump %s: a queued message carries more control data than criu can take\n",
		       desc);
		return -1;
	}
	scm_entry__init(scm);
	scm->type = SCM_RIGHTS;
	scm->rights = ids;
	for (ch = CMSG_FIRSTHDR(mh); ch; ch = CMSG_NXTHDR(mh, ch)) {
		int *fds = (int *)CMSG_DATA(ch);
		size_t i, n;

		if (ch->cmsg_level != SOL_SOCKET || ch->cmsg_type != SCM_RIGHTS)
			continue;
		n = (ch->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			if (ret || scm->n_rights == max) {
				close(fds[i]);
				ret = -1;
				continue;
			}
			if (files_dump_inflight(ctx, fds[i], desc, &ids[scm->n_rights]))
				ret = -1;
			else
				scm->n_rights++;
		}
	}
	if (ret)
		pr_err("Can't dump the descriptors in flight on %s\n", desc);
	return ret;
}

static bool has_creds(struct msghdr *mh)
{
	struct cmsghdr *ch;

	for (ch = CMSG_FIRSTHDR(mh); ch; ch = CMSG_NXTHDR(mh, ch))
		if (ch->cmsg_level == SOL_SOCKET && ch->cmsg_type == SCM_CREDENTIALS)
			return true;
	return false;
}

static int peek_all(struct files_dump_ctx *ctx, int sk, int type, uint32_t id, const char *desc,
		    char *buf, size_t size, char *cbuf)
{
	struct cr_img *img = NULL;
	int nr = 0;

	for (;;) {
		SkPacketEntry pe = SK_PACKET_ENTRY__INIT;
		ScmEntry scm, *scmp = &scm;
		uint32_t ids[SCM_MAX_FD];
		struct sockaddr_un sa;
		struct iovec iov = { .iov_base = buf, .iov_len = size };
		struct msghdr mh = {
			.msg_name = &sa,
			.msg_namelen = sizeof(sa),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = cbuf,
			.msg_controllen = CMSG_BUF,
		};
		ssize_t n;

		n = recvmsg(sk, &mh, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			pr_perror("Can't peek at the queue of %s", desc);
			return -1;
		}
		if (dump_rights(ctx, &mh, desc, &scm, ids, ARRAY_SIZE(ids)))
			return -1;
		if (scm.n_rights) {
			pe.n_scm = 1;
			pe.scm = &scmp;
		}
		/*
		 * 0 is the end of a stream, or for messages either an empty
		 * message or the end after a shutdown: only a real message
		 * comes with the credentials SO_PASSCRED asked for.
		 */
		if (n == 0 && (type == SOCK_STREAM || !has_creds(&mh)))
			break;
		if ((size_t)n > size || (mh.msg_flags & MSG_TRUNC)) {
			pr_err("Can't dump %s: a queued message of %zd bytes is larger than %zu\n",
			       desc, n, size);
			return -1;
		}
		if (!img) {
			img = files_dump_img(ctx, CR_FD_SK_QUEUES);
			if (!img)
				return -1;
		}
		pe.id_for = id;
		pe.length = n;
		if (type == SOCK_DGRAM && mh.msg_namelen > offsetof(struct sockaddr_un, sun_path)) {
			pe.has_addr = true;
			pe.addr.data = (uint8_t *)sa.sun_path;
			pe.addr.len = mh.msg_namelen - offsetof(struct sockaddr_un, sun_path);
		}
		if (pb_write_one(img, &pe, PB_SK_QUEUES) || (n && img_write_raw(img, buf, n)))
			return -1;
		nr++;
	}
	if (nr)
		pr_debug("%s: %d queued messages\n", desc, nr);
	return 0;
}

int sk_queue_dump(struct files_dump_ctx *ctx, int sk, int type, uint32_t id, const char *desc)
{
	socklen_t len = sizeof(int);
	int old_off = -1, zero = 0, rcvbuf = 0, passcred = 0, one = 1, ret = -1;
	char *buf = NULL, *cbuf = NULL;
	size_t size;

	if (getsockopt(sk, SOL_SOCKET, SO_PEEK_OFF, &old_off, &len) ||
	    getsockopt(sk, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len) ||
	    getsockopt(sk, SOL_SOCKET, SO_PASSCRED, &passcred, &len)) {
		pr_perror("Can't read the peek offset of %s", desc);
		return -1;
	}
	if (old_off >= 0) {
		/* Not in the images: restoring without it would change recv(MSG_PEEK). */
		pr_err("Can't dump %s: it has SO_PEEK_OFF set (not supported yet)\n", desc);
		return -1;
	}
	/* For a while, to tell empty messages from the end (see peek_all). */
	if (type != SOCK_STREAM && !passcred &&
	    setsockopt(sk, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one))) {
		pr_perror("Can't set SO_PASSCRED on %s", desc);
		return -1;
	}
	/* A message fits its sender's buffer; the receiver's is a fair bound too. */
	size = rcvbuf > 0 ? (size_t)rcvbuf * 2 : 0;
	if (size < 1 << 20)
		size = 1 << 20;
	buf = malloc(size);
	cbuf = malloc(CMSG_BUF);
	if (!buf || !cbuf) {
		pr_err("files: out of memory\n");
		goto out;
	}
	if (setsockopt(sk, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero))) {
		pr_perror("Can't set the peek offset of %s", desc);
		goto out;
	}
	ret = peek_all(ctx, sk, type, id, desc, buf, size, cbuf);
	if (setsockopt(sk, SOL_SOCKET, SO_PEEK_OFF, &old_off, sizeof(old_off))) {
		pr_perror("Can't put back the peek offset of %s", desc);
		ret = -1;
	}
out:
	if (type != SOCK_STREAM && !passcred &&
	    setsockopt(sk, SOL_SOCKET, SO_PASSCRED, &passcred, sizeof(passcred))) {
		pr_perror("Can't clear SO_PASSCRED of %s again", desc);
		ret = -1;
	}
	free(buf);
	free(cbuf);
	return ret;
}

/* ---------------------------------------------------------------- restore */

const struct sk_queue *sk_queue_find(const struct sk_queue_set *set, uint32_t id)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		if (set->v[i].id == id)
			return &set->v[i];
	return NULL;
}

static struct sk_queue *get_queue(struct sk_queue_set *set, uint32_t id)
{
	struct sk_queue *q = (struct sk_queue *)sk_queue_find(set, id);

	if (q)
		return q;
	q = realloc(set->v, (set->nr + 1) * sizeof(*q));
	if (!q)
		return NULL;
	set->v = q;
	q = &set->v[set->nr++];
	*q = (struct sk_queue){ .id = id };
	return q;
}

int sk_queue_read(struct files_rst_ctx *ctx, struct sk_queue_set *set)
{
	struct cr_img *img;
	int ret;

	img = open_image_at(files_rst_dfd(ctx), CR_FD_SK_QUEUES, O_RSTR | O_OPT);
	if (!img)
		return -1;
	for (;;) {
		SkPacketEntry *pe;
		struct sk_queue *q;
		struct sk_packet *n;
		void *data = NULL;

		ret = pb_read_one_eof(img, (void **)&pe, PB_SK_QUEUES);
		if (ret <= 0)
			break;
		ret = -1;
		if (pe->length) {
			data = malloc(pe->length);
			if (!data || img_read_raw_exact(img, data, pe->length)) {
				free(data);
				pb_free(pe);
				break;
			}
		}
		q = get_queue(set, pe->id_for);
		n = q ? realloc(q->v, (q->nr + 1) * sizeof(*n)) : NULL;
		if (!n) {
			pr_err("files: out of memory\n");
			free(data);
			pb_free(pe);
			break;
		}
		q->v = n;
		q->v[q->nr++] = (struct sk_packet){ .pe = pe, .data = data };
	}
	if (ret < 0)
		pr_err("%s: can't read the queued messages\n", img_path(img));
	close_image(img);
	return ret;
}

void sk_queue_free(struct sk_queue_set *set)
{
	size_t i, j;

	for (i = 0; i < set->nr; i++) {
		for (j = 0; j < set->v[i].nr; j++) {
			pb_free(set->v[i].v[j].pe);
			free(set->v[i].v[j].data);
		}
		free(set->v[i].v);
	}
	free(set->v);
	set->v = NULL;
	set->nr = 0;
}
