/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_SOCKETS_H
#define CRIU_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "files.h"
#include "images/sk-opts.pb-c.h"
#include "images/sk-packet.pb-c.h"

/* UnixSkEntry.uflags bits, as in CRIU. */
#define USK_EXTERN (1 << 0) /* the peer outside the tree, not a socket of ours */

/* Kernel sk_shutdown bits as reported by UNIX_DIAG_SHUTDOWN. */
#define SK_RCV_SHUTDOWN 1
#define SK_SEND_SHUTDOWN 2

/* Options common to all sockets (sockets.c). */
int sk_opts_dump(int sk, SkOptsEntry *soe, const char *desc);
int sk_opts_restore(int sk, const SkOptsEntry *soe);

/*
 * Queued messages (sk-queue.c), in sk-queues.img: one SkPacketEntry per
 * message with the payload after it.  Dump peeks them (MSG_PEEK with
 * SO_PEEK_OFF), leaving the queue untouched; in-flight descriptors
 * (SCM_RIGHTS) fail the dump.
 */
int sk_queue_dump(struct files_dump_ctx *ctx, int sk, int type, uint32_t id, const char *desc);

struct sk_packet {
	SkPacketEntry *pe;
	void *data;
};

struct sk_queue {
	uint32_t id;
	struct sk_packet *v;
	size_t nr;
};

struct sk_queue_set {
	struct sk_queue *v;
	size_t nr;
};

int sk_queue_read(struct files_rst_ctx *ctx, struct sk_queue_set *set);
const struct sk_queue *sk_queue_find(const struct sk_queue_set *set, uint32_t id);
void sk_queue_free(struct sk_queue_set *set);

/* Unix sockets, restore side (sk-unix-restore.c). */
int usk_collect(struct files_rst_ctx *ctx, struct file_desc *d);
int usk_open(struct files_rst_ctx *ctx, struct file_desc *d);
void usk_rst_done(struct files_rst_ctx *ctx);
void usk_rst_free(struct files_rst_ctx *ctx);

/* Unix socket names: bind/connect/sendto a name relative to its directory. */
struct unix_name {
	const uint8_t *name;
	size_t len;
	const char *dir; /* for relative path names, else NULL */
};

bool unix_name_is_path(const struct unix_name *n);
int unix_name_bind(int sk, const struct unix_name *n);
int unix_name_connect(int sk, const struct unix_name *n);
/* sendmsg() of one iovec message to name @n, MSG_DONTWAIT; 0 if all of it went. */
int unix_name_sendmsg(int sk, struct msghdr *mh, const struct unix_name *n);
int unix_name_unlink(const struct unix_name *n);
int unix_name_chmod(const struct unix_name *n, unsigned int mode, unsigned int uid,
		    unsigned int gid);
/* Quoted, printable form of a name for messages. */
const char *unix_name_str(const struct unix_name *n, char *buf, size_t size);

#endif
