/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_IMAGE_H
#define CRIU_IMAGE_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/compiler.h"
#include "image-desc.h"

/*
 * The one image I/O layer.  An image file is: head magic(s) (see magic.h),
 * then messages each prefixed by its size as a 32-bit little-endian number,
 * some followed by raw payload bytes.  Every error names the file and the
 * offset; nothing here trusts a size read from a file.
 */

/* open_image_at() flags */
#define O_DUMP (O_WRONLY | O_CREAT | O_TRUNC)
#define O_RSTR (O_RDONLY)
/* With O_RSTR: a missing file is an empty image, not an error. */
#define O_OPT (1UL << 32)

/* Larger size prefixes are taken for corruption, not for a message. */
#define IMG_MAX_MSG_SIZE (64U << 20)

struct cr_img;

/*
 * Open the image of @kind in directory @dfd (AT_FDCWD for the current one);
 * the file name is cr_fd_desc[kind].fmt filled with the extra arguments.
 * Writes (O_DUMP) or checks (O_RSTR) the magic.  NULL on error, logged.
 */
struct cr_img *open_image_at(int dfd, int kind, unsigned long flags, ...);

/* The same on an already open @fd (taken over, closed by close_image). */
struct cr_img *img_from_fd(int fd, int kind, unsigned long flags, const char *path);

/* Flushes pending writes: a dump must check the result. */
int close_image(struct cr_img *img);

/* True for an O_OPT image whose file did not exist. */
bool empty_image(const struct cr_img *img);
const char *img_path(const struct cr_img *img);
int img_kind(const struct cr_img *img);
/* Offset in the file of the next byte to be read or written. */
off_t img_offset(const struct cr_img *img);

/* 0 or -1. */
int pb_write_one(struct cr_img *img, const void *msg, int pb_type);
/* 1 with *msg set, 0 at a clean end of file (no byte left), -1 on error. */
int pb_read_one_eof(struct cr_img *img, void **msg, int pb_type);
/* 1 with *msg set, -1 on error; the end of file is an error here. */
int pb_read_one(struct cr_img *img, void **msg, int pb_type);
/* Free a message returned by pb_read_one*(); NULL is fine. */
void pb_free(void *msg);

/* Raw payload after a message, or the whole content of a raw image. */
int img_write_raw(struct cr_img *img, const void *buf, size_t len);
/* Bytes read, fewer than @len only at the end of file; -1 on error. */
ssize_t img_read_raw(struct cr_img *img, void *buf, size_t len);
/* Exactly @len bytes or -1 with a "truncated" error. */
int img_read_raw_exact(struct cr_img *img, void *buf, size_t len);
/* Skip @len payload bytes; -1 with a "truncated" error if the file ends. */
int img_skip_raw(struct cr_img *img, uint64_t len);

/*
 * The descriptor positioned at the logical offset, buffers flushed, for
 * splice()/sendfile() of payloads; buffered calls may follow afterwards.
 */
int img_raw_fd(struct cr_img *img);

/* The kind of an image from its first bytes, or -1 (raw or not an image). */
int img_identify(const void *head, size_t len);

#endif
