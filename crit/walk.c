// SPDX-License-Identifier: GPL-2.0
/* Generic traversal of an image file: messages, then payloads, by kind. */

#include "crit.h"
#include "image.h"
#include "log.h"

#include "images/ghost-file.pb-c.h"
#include "images/pipe-data.pb-c.h"
#include "images/sk-packet.pb-c.h"

/* Bytes left up to the end of the file, consumed. */
static int64_t drain(struct cr_img *img)
{
	char buf[4096];
	int64_t total = 0;
	ssize_t n;

	while ((n = img_read_raw(img, buf, sizeof(buf))) > 0)
		total += n;
	return n < 0 ? -1 : total;
}

static int64_t payload_of(int kind, const ProtobufCMessage *m)
{
	switch (cr_fd_desc[kind].payload) {
	case IMG_PAYLOAD_PIPE_DATA:
		return ((const PipeDataEntry *)m)->bytes;
	case IMG_PAYLOAD_SK_QUEUE:
		return ((const SkPacketEntry *)m)->length;
	case IMG_PAYLOAD_GHOST:
		return ((const GhostChunkEntry *)m)->len;
	case IMG_PAYLOAD_NONE:
		break;
	}
	return -1;
}

static int walk_raw_rest(struct cr_img *img, const struct img_walk_ops *ops, void *arg)
{
	off_t off = img_offset(img);
	int64_t len = drain(img);

	if (len < 0)
		return -1;
	return ops->raw ? ops->raw(arg, off, len) : 0;
}

int img_walk(struct cr_img *img, const struct img_walk_ops *ops, void *arg)
{
	int kind = img_kind(img);
	const struct cr_fd_desc *d = &cr_fd_desc[kind];
	ProtobufCMessage *m;
	int64_t payload;
	off_t off;
	int ret;

	if (d->oflags & IMG_DESC_RAW)
		return walk_raw_rest(img, ops, arg);

	if (d->head_pb_type >= 0) {
		off = img_offset(img);
		ret = pb_read_one_eof(img, (void **)&m, d->head_pb_type);
		if (ret <= 0)
			return ret;
		ret = ops->msg ? ops->msg(arg, m, off, -1) : 0;
		/* Unchunked ghost files carry the plain contents after the head. */
		if (!ret && d->payload == IMG_PAYLOAD_GHOST && !((GhostFileEntry *)m)->chunks) {
			pb_free(m);
			return walk_raw_rest(img, ops, arg);
		}
		pb_free(m);
		if (ret)
			return ret;
	}

	while (1) {
		off = img_offset(img);
		ret = pb_read_one_eof(img, (void **)&m, d->pb_type);
		if (ret <= 0)
			return ret;
		payload = payload_of(kind, m);
		ret = ops->msg ? ops->msg(arg, m, off, payload) : 0;
		pb_free(m);
		if (ret)
			return ret;
		if (payload > 0 && img_skip_raw(img, payload))
			return -1;
	}
}
