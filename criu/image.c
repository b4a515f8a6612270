// SPDX-License-Identifier: GPL-2.0
/*
 * Image files: open by kind, magic check, size-prefixed protobuf messages and
 * raw payloads, all through one buffer per image so that thousands of small
 * messages cost a few system calls.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <protobuf-c/protobuf-c.h>

#include "image.h"
#include "log.h"
#include "magic.h"

#define IMG_BUF_SIZE (64U << 10)
/* Messages up to this size are packed and unpacked on the stack. */
#define IMG_STACK_MSG 1024U

struct cr_img {
	int fd; /* -1 for an empty (missing optional) image */
	int kind;
	bool writing;
	bool off_stale; /* fd was handed out by img_raw_fd() */
	off_t off; /* logical offset of the next byte */
	char *buf;
	size_t pos, len; /* reading: unread bytes are buf[pos..len) */
	char path[PATH_MAX];
};

bool empty_image(const struct cr_img *img)
{
	return img && img->fd < 0;
}

const char *img_path(const struct cr_img *img)
{
	return img->path;
}

int img_kind(const struct cr_img *img)
{
	return img->kind;
}

off_t img_offset(const struct cr_img *img)
{
	return img->off;
}

static const char *pb_name(int pb_type)
{
	const ProtobufCMessageDescriptor *d = pb_desc(pb_type);

	return d ? d->short_name : "?";
}

static void img_refresh_off(struct cr_img *img)
{
	off_t off;

	if (!img->off_stale)
		return;
	off = lseek(img->fd, 0, SEEK_CUR);
	if (off >= 0)
		img->off = off;
	img->off_stale = false;
}

static int write_all(struct cr_img *img, const char *p, size_t len)
{
	off_t at = img->off;

	while (len) {
		ssize_t n = write(img->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			pr_perror("%s: can't write %zu bytes at offset %lld", img->path, len,
				  (long long)at);
			return -1;
		}
		p += n;
		len -= n;
		at += n;
	}
	return 0;
}

static int img_flush(struct cr_img *img)
{
	size_t len = img->len;

	if (!img->writing || !len)
		return 0;
	img->len = 0;
	/* The buffered bytes end at img->off; write_all reports from their start. */
	img->off -= len;
	if (write_all(img, img->buf, len))
		return -1;
	img->off += len;
	return 0;
}

static int img_write(struct cr_img *img, const void *data, size_t len)
{
	img_refresh_off(img);
	if (!img->buf || len >= IMG_BUF_SIZE) {
		if (img_flush(img) || write_all(img, data, len))
			return -1;
		img->off += len;
		return 0;
	}
	if (!len)
		return 0;
	if (img->len + len > IMG_BUF_SIZE && img_flush(img))
		return -1;
	memcpy(img->buf + img->len, data, len);
	img->len += len;
	img->off += len;
	return 0;
}

static ssize_t read_some(struct cr_img *img, void *dst, size_t len)
{
	ssize_t n;

	do
		n = read(img->fd, dst, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		pr_perror("%s: can't read at offset %lld", img->path, (long long)img->off);
	return n;
}

/* Up to @len bytes; fewer only at the end of the file. */
static ssize_t img_read(struct cr_img *img, void *dst, size_t len)
{
	char *p = dst;
	size_t done = 0;

	if (img->fd < 0)
		return 0;
	img_refresh_off(img);

	while (done < len) {
		size_t avail = img->len - img->pos;
		ssize_t n;

		if (avail) {
			size_t c = min(avail, len - done);

			memcpy(p + done, img->buf + img->pos, c);
			img->pos += c;
			done += c;
			img->off += c;
			continue;
		}
		/* Big reads skip the buffer: one copy less. */
		if (!img->buf || len - done >= IMG_BUF_SIZE) {
			n = read_some(img, p + done, len - done);
			if (n < 0)
				return -1;
			if (n == 0)
				break;
			done += n;
			img->off += n;
			continue;
		}
		n = read_some(img, img->buf, IMG_BUF_SIZE);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		img->pos = 0;
		img->len = n;
	}
	return done;
}

static struct cr_img *img_alloc(int kind, const char *path)
{
	struct cr_img *img = calloc(1, sizeof(*img));

	if (!img) {
		pr_err("%s: out of memory\n", path);
		return NULL;
	}
	img->fd = -1;
	img->kind = kind;
	snprintf(img->path, sizeof(img->path), "%s", path);
	return img;
}

static void img_free(struct cr_img *img)
{
	if (img->fd >= 0)
		close(img->fd);
	free(img->buf);
	free(img);
}

static int write_u32(struct cr_img *img, uint32_t v)
{
	return img_write(img, &v, sizeof(v));
}

static int check_u32(struct cr_img *img, uint32_t want, const char *what)
{
	off_t at = img->off;
	uint32_t v;
	ssize_t n;

	n = img_read(img, &v, sizeof(v));
	if (n < 0)
		return -1;
	if (n == 0 && at == 0) {
		pr_err("%s: empty file at offset 0, expected a %s image\n", img->path,
		       cr_fd_desc[img->kind].name);
		return -1;
	}
	if (n < (ssize_t)sizeof(v)) {
		pr_err("%s: truncated %s at offset %lld (wanted 4 bytes, got %zd)\n", img->path,
		       what, (long long)at, n);
		return -1;
	}
	if (v != want) {
		pr_err("%s: bad %s 0x%08x at offset %lld (expected 0x%08x for %s)\n", img->path,
		       what, v, (long long)at, want, cr_fd_desc[img->kind].name);
		return -1;
	}
	return 0;
}

static int img_magic(struct cr_img *img)
{
	const struct cr_fd_desc *d = &cr_fd_desc[img->kind];
	uint32_t head = d->oflags & IMG_DESC_SERVICE ? IMG_SERVICE_MAGIC : IMG_COMMON_MAGIC;

	if (d->oflags & IMG_DESC_RAW)
		return 0;
	if (img->writing) {
		if (img->kind != CR_FD_INVENTORY && write_u32(img, head))
			return -1;
		return write_u32(img, d->magic);
	}
	if (img->kind != CR_FD_INVENTORY && check_u32(img, head, "head magic"))
		return -1;
	return check_u32(img, d->magic, "magic");
}

struct cr_img *img_from_fd(int fd, int kind, unsigned long flags, const char *path)
{
	struct cr_img *img;

	if (kind < 0 || kind >= CR_FD_MAX) {
		pr_err("%s: bad image kind %d\n", path, kind);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	img = img_alloc(kind, path);
	if (!img) {
		close(fd);
		return NULL;
	}
	img->fd = fd;
	img->writing = (flags & O_ACCMODE) != O_RDONLY;
	img->buf = malloc(IMG_BUF_SIZE);
	if (!img->buf) {
		pr_err("%s: out of memory\n", path);
		goto err;
	}
	if (img_magic(img))
		goto err;
	return img;
err:
	img_free(img);
	return NULL;
}

/* Errors are better with the directory in them; only a hint, so best effort. */
static void full_path(int dfd, const char *name, char *out, size_t size)
{
	char link[64], dir[PATH_MAX];
	ssize_t n;

	if (dfd == AT_FDCWD || name[0] == '/')
		goto plain;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dfd);
	n = readlink(link, dir, sizeof(dir) - 1);
	if (n <= 0)
		goto plain;
	dir[n] = '\0';
	if ((size_t)snprintf(out, size, "%s/%s", dir, name) < size)
		return;
plain:
	snprintf(out, size, "%s", name);
}

struct cr_img *open_image_at(int dfd, int kind, unsigned long flags, ...)
{
	char name[PATH_MAX], path[PATH_MAX];
	struct cr_img *img;
	va_list args;
	int oflags, fd, n;

	if (kind < 0 || kind >= CR_FD_MAX) {
		pr_err("Bad image kind %d\n", kind);
		return NULL;
	}

	va_start(args, flags);
	n = vsnprintf(name, sizeof(name), cr_fd_desc[kind].fmt, args);
	va_end(args);
	if (n < 0 || (size_t)n >= sizeof(name)) {
		pr_err("Image name for %s too long\n", cr_fd_desc[kind].name);
		return NULL;
	}
	full_path(dfd, name, path, sizeof(path));

	oflags = (int)(flags & (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND)) | O_CLOEXEC;
	fd = openat(dfd, name, oflags, 0600);
	if (fd < 0) {
		if (errno == ENOENT && (flags & O_OPT) && !(oflags & O_CREAT)) {
			pr_info("%s: no such image, taken as empty\n", path);
			return img_alloc(kind, path);
		}
		pr_perror("%s: can't open", path);
		return NULL;
	}
	img = img_from_fd(fd, kind, flags, path);
	return img;
}

int close_image(struct cr_img *img)
{
	int ret = 0;

	if (!img)
		return 0;
	if (img->fd >= 0 && img->writing) {
		ret = img_flush(img);
		if (close(img->fd) && !ret) {
			pr_perror("%s: can't close", img->path);
			ret = -1;
		}
		img->fd = -1;
	}
	img_free(img);
	return ret;
}

int pb_write_one(struct cr_img *img, const void *msg, int pb_type)
{
	const ProtobufCMessageDescriptor *d = pb_desc(pb_type);
	uint8_t stack[IMG_STACK_MSG], *buf = stack;
	uint32_t size;
	size_t packed;
	int ret = -1;

	if (!d || !msg || ((const ProtobufCMessage *)msg)->descriptor != d) {
		pr_err("%s: message of the wrong type for %s\n", img->path, pb_name(pb_type));
		return -1;
	}
	if (img->fd < 0 || !img->writing) {
		pr_err("%s: image not open for writing\n", img->path);
		return -1;
	}
	/* An image CRIU (or our own restore) would refuse must not be written. */
	if (!protobuf_c_message_check(msg)) {
		pr_err("%s: %s at offset %lld lacks a required field\n", img->path, d->short_name,
		       (long long)img->off);
		return -1;
	}
	packed = protobuf_c_message_get_packed_size(msg);
	if (packed > IMG_MAX_MSG_SIZE) {
		pr_err("%s: %s of %zu bytes at offset %lld exceeds the %u bytes limit\n", img->path,
		       d->short_name, packed, (long long)img->off, IMG_MAX_MSG_SIZE);
		return -1;
	}
	if (packed > sizeof(stack)) {
		buf = malloc(packed);
		if (!buf) {
			pr_err("%s: out of memory packing %s\n", img->path, d->short_name);
			return -1;
		}
	}
	size = (uint32_t)packed;
	if (protobuf_c_message_pack(msg, buf) != packed) {
		pr_err("%s: can't pack %s\n", img->path, d->short_name);
		goto out;
	}
	if (write_u32(img, size) || img_write(img, buf, packed))
		goto out;
	ret = 0;
out:
	if (buf != stack)
		free(buf);
	return ret;
}

/* Read @size message bytes, growing the buffer only as data really arrives. */
static uint8_t *read_body(struct cr_img *img, uint8_t *stack, uint32_t size, size_t *got)
{
	uint8_t *buf = stack, *nbuf;
	size_t cap = IMG_STACK_MSG;
	ssize_t n;

	*got = 0;
	while (*got < size) {
		if (*got == cap) {
			cap = min((size_t)size, cap * 4);
			nbuf = realloc(buf == stack ? NULL : buf, cap);
			if (!nbuf) {
				pr_err("%s: out of memory reading %u bytes\n", img->path, size);
				goto err;
			}
			if (buf == stack)
				memcpy(nbuf, stack, *got);
			buf = nbuf;
		}
		n = img_read(img, buf + *got, min(cap, (size_t)size) - *got);
		if (n < 0)
			goto err;
		if (n == 0)
			break;
		*got += n;
	}
	return buf;
err:
	if (buf != stack)
		free(buf);
	return NULL;
}

int pb_read_one_eof(struct cr_img *img, void **msg, int pb_type)
{
	const ProtobufCMessageDescriptor *d = pb_desc(pb_type);
	uint8_t stack[IMG_STACK_MSG], *buf;
	off_t at = img->off;
	uint32_t size;
	size_t got;
	ssize_t n;

	*msg = NULL;
	if (!d) {
		pr_err("%s: bad message type %d\n", img->path, pb_type);
		return -1;
	}
	if (img->writing) {
		pr_err("%s: image not open for reading\n", img->path);
		return -1;
	}
	n = img_read(img, &size, sizeof(size));
	if (n == 0)
		return 0;
	if (n < 0)
		return -1;
	if (n < (ssize_t)sizeof(size)) {
		pr_err("%s: truncated size of %s at offset %lld (wanted 4 bytes, got %zd)\n",
		       img->path, d->short_name, (long long)at, n);
		return -1;
	}
	if (size > IMG_MAX_MSG_SIZE) {
		pr_err("%s: size %u of %s at offset %lld exceeds the %u bytes limit\n", img->path,
		       size, d->short_name, (long long)at, IMG_MAX_MSG_SIZE);
		return -1;
	}

	buf = read_body(img, stack, size, &got);
	if (!buf)
		return -1;
	if (got < size) {
		pr_err("%s: truncated %s at offset %lld (wanted %u bytes, got %zu)\n", img->path,
		       d->short_name, (long long)at, size, got);
		goto err;
	}
	*msg = protobuf_c_message_unpack(d, NULL, size, buf);
	if (!*msg) {
		pr_err("%s: can't decode %s (%u bytes) at offset %lld\n", img->path, d->short_name,
		       size, (long long)at);
		goto err;
	}
	if (buf != stack)
		free(buf);
	return 1;
err:
	if (buf != stack)
		free(buf);
	return -1;
}

int pb_read_one(struct cr_img *img, void **msg, int pb_type)
{
	int ret = pb_read_one_eof(img, msg, pb_type);

	if (ret == 0) {
		pr_err("%s: unexpected end of file at offset %lld, expected %s\n", img->path,
		       (long long)img->off, pb_name(pb_type));
		return -1;
	}
	return ret;
}

void pb_free(void *msg)
{
	if (msg)
		protobuf_c_message_free_unpacked(msg, NULL);
}

int img_write_raw(struct cr_img *img, const void *buf, size_t len)
{
	if (img->fd < 0 || !img->writing) {
		pr_err("%s: image not open for writing\n", img->path);
		return -1;
	}
	return img_write(img, buf, len);
}

ssize_t img_read_raw(struct cr_img *img, void *buf, size_t len)
{
	if (img->writing) {
		pr_err("%s: image not open for reading\n", img->path);
		return -1;
	}
	return img_read(img, buf, len);
}

int img_read_raw_exact(struct cr_img *img, void *buf, size_t len)
{
	off_t at = img->off;
	ssize_t n = img_read_raw(img, buf, len);

	if (n < 0)
		return -1;
	if ((size_t)n < len) {
		pr_err("%s: truncated data at offset %lld (wanted %zu bytes, got %zd)\n", img->path,
		       (long long)at, len, n);
		return -1;
	}
	return 0;
}

int img_skip_raw(struct cr_img *img, uint64_t len)
{
	off_t at = img->off;
	uint64_t left = len;
	char sink[4096];

	while (left) {
		ssize_t n = img_read_raw(img, sink, min(left, (uint64_t)sizeof(sink)));

		if (n < 0)
			return -1;
		if (n == 0) {
			pr_err("%s: truncated data at offset %lld (wanted %llu bytes, got %llu)\n",
			       img->path, (long long)at, (unsigned long long)len,
			       (unsigned long long)(len - left));
			return -1;
		}
		left -= n;
	}
	return 0;
}

int img_raw_fd(struct cr_img *img)
{
	if (img->fd < 0)
		return -1;
	if (img->writing) {
		if (img_flush(img))
			return -1;
	} else if (img->len > img->pos) {
		/* Hand back what was read ahead so the fd sits at img->off. */
		if (lseek(img->fd, img->off, SEEK_SET) < 0) {
			pr_perror("%s: can't seek to offset %lld", img->path, (long long)img->off);
			return -1;
		}
		img->pos = img->len = 0;
	}
	img->off_stale = true;
	return img->fd;
}

int img_identify(const void *head, size_t len)
{
	uint32_t m[2] = { 0, 0 };

	if (len < sizeof(uint32_t))
		return -1;
	memcpy(m, head, min(len, sizeof(m)));
	if (m[0] == INVENTORY_MAGIC)
		return CR_FD_INVENTORY;
	if (len < sizeof(m))
		return -1;
	return cr_fd_kind_by_magic(m[0], m[1]);
}
