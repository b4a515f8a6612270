/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIT_CRIT_H
#define CRIT_CRIT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <protobuf-c/protobuf-c.h>

struct cr_img;

/*
 * Walk every message of an image in file order, telling the caller what raw
 * payload (if any) follows each one; the walker skips the payload itself.
 */
struct img_walk_ops {
	/* payload: bytes following this message, -1 when the kind has none */
	int (*msg)(void *arg, const ProtobufCMessage *m, off_t off, int64_t payload);
	/* A raw region not tied to a message (raw images, ghost contents). */
	int (*raw)(void *arg, off_t off, uint64_t len);
};

/* 0 after the whole file, -1 on the first error (logged, with the offset). */
int img_walk(struct cr_img *img, const struct img_walk_ops *ops, void *arg);

/* One message as JSON; @indent < 0 prints it on one line. */
void json_print_msg(FILE *f, const ProtobufCMessage *m, int indent);
/* The same with one more integer member @key (if not NULL) at the end. */
void json_print_msg_extra(FILE *f, const ProtobufCMessage *m, int indent, const char *key,
			  int64_t val);
void json_print_string(FILE *f, const char *s, size_t len);

#endif
