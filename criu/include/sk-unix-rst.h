/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_SK_UNIX_RST_H
#define CRIU_SK_UNIX_RST_H

/* Unix sockets being restored, shared by sk-unix-restore.c and sk-unix-refill.c. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "files.h"
#include "sockets.h"

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

static inline bool is_extern(const struct usk *s)
{
	return s->ue->uflags & USK_EXTERN;
}

/* Accepted from a listener (or a temporary one) at restore. */
static inline bool accepted(const struct usk *s)
{
	return s->listener || s->tmp_listener;
}

static inline void to_name(const struct usk *s, struct unix_name *n)
{
	n->name = s->ue->name.data;
	n->len = s->ue->name.len;
	n->dir = s->ue->name_dir;
}

/* "unix socket INO (id ID, NAME)" for messages. */
const char *usk_desc(const struct usk *s, char *buf, size_t size);
/* Whether @a is bound to @name (of @len bytes) resolved in @dir. */
bool usk_same_name(const UnixSkEntry *a, const uint8_t *name, size_t len, const char *dir);

/* Queues every saved message again, with the descriptors in flight. */
int usk_refill(struct usk_priv *priv);

#endif
