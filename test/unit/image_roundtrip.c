// SPDX-License-Identifier: GPL-2.0
/*
 * Image layer: every kind round-trips messages with every field set, and
 * broken files (truncated, bad magic, oversized size, garbage) give errors,
 * never crashes.
 */

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <protobuf-c/protobuf-c.h>

#include "image.h"
#include "log.h"
#include "magic.h"
#include "unit.h"

#include "images/fs.pb-c.h"
#include "images/ghost-file.pb-c.h"
#include "images/inventory.pb-c.h"
#include "images/pipe-data.pb-c.h"
#include "images/pstree.pb-c.h"
#include "images/regfile.pb-c.h"
#include "images/sk-packet.pb-c.h"

#define MAX_DEPTH 6
#define NR_REPEATED 3

static char tmpdir[] = "/tmp/image-roundtrip-XXXXXX";
static int dfd = -1;
static char logpath[PATH_MAX];

static size_t elem_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_ENUM:
		return 4;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	}
	return 0;
}

static ProtobufCMessage *fill_msg(const ProtobufCMessageDescriptor *d, int depth, unsigned *seed);

/* Put a distinct, non-default value into one element; 0 if it can't be made. */
static int fill_value(const ProtobufCFieldDescriptor *f, void *p, int depth, unsigned *seed)
{
	unsigned v = ++*seed;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		*(int32_t *)p = -(int32_t)(v * 7);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		*(uint32_t *)p = 0x80000000u + v;
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		*(int64_t *)p = -(int64_t)v * 0x100000001LL;
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		*(uint64_t *)p = 0xfedcba9800000000ULL + v;
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		*(float *)p = 1.5f * v;
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		*(double *)p = 2.5 * v;
		break;
	case PROTOBUF_C_TYPE_BOOL:
		*(protobuf_c_boolean *)p = 1;
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumDescriptor *e = f->descriptor;

		*(int *)p = e->values[e->n_values - 1].value;
		break;
	}
	case PROTOBUF_C_TYPE_STRING: {
		char *s = malloc(32);

		snprintf(s, 32, "str-%u-\xc3\xa9", v);
		*(char **)p = s;
		break;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		ProtobufCBinaryData *b = p;
		size_t i;

		b->len = 5 + v % 7;
		b->data = malloc(b->len);
		for (i = 0; i < b->len; i++)
			b->data[i] = (uint8_t)(v + i * 31);
		b->data[0] = 0;
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		if (depth >= MAX_DEPTH)
			return 0;
		*(ProtobufCMessage **)p = fill_msg(f->descriptor, depth + 1, seed);
		break;
	}
	return 1;
}

static ProtobufCMessage *fill_msg(const ProtobufCMessageDescriptor *d, int depth, unsigned *seed)
{
	ProtobufCMessage *m = calloc(1, d->sizeof_message);
	unsigned i, j;

	protobuf_c_message_init(d, m);
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		char *member = (char *)m + f->offset;
		char *quant = (char *)m + f->quantifier_offset;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t es = elem_size(f);
			char *arr = calloc(NR_REPEATED, es);
			size_t n = 0;

			for (j = 0; j < NR_REPEATED; j++)
				n += fill_value(f, arr + n * es, depth, seed);
			if (!n) {
				free(arr);
				arr = NULL;
			}
			*(void **)member = arr;
			*(size_t *)quant = n;
			continue;
		}
		if (!fill_value(f, member, depth, seed))
			continue;
		if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset)
			*(protobuf_c_boolean *)quant = 1;
	}
	return m;
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
	uint8_t *buf;

	*len = protobuf_c_message_get_packed_size(m);
	buf = malloc(*len + 1);
	protobuf_c_message_pack(m, buf);
	return buf;
}

static int same_packed(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	size_t la, lb;
	uint8_t *pa = pack(a, &la), *pb = pack(b, &lb);
	int ret = la == lb && !memcmp(pa, pb, la);

	free(pa);
	free(pb);
	return ret;
}

static struct cr_img *open_kind(int kind, unsigned long flags)
{
	if (strstr(cr_fd_desc[kind].fmt, "%s"))
		return open_image_at(dfd, kind, flags, "dump");
	return open_image_at(dfd, kind, flags, 4242u);
}

static const uint8_t payload[] = { 'p', 'a', 'y', 0, 'd' };

/* Per-kind fix-ups so that payload sizes in messages match what follows. */
static void fix_entry(int kind, ProtobufCMessage *m, int head)
{
	if (cr_fd_desc[kind].payload == IMG_PAYLOAD_PIPE_DATA)
		((PipeDataEntry *)m)->bytes = sizeof(payload);
	if (cr_fd_desc[kind].payload == IMG_PAYLOAD_SK_QUEUE)
		((SkPacketEntry *)m)->length = sizeof(payload);
	if (cr_fd_desc[kind].payload == IMG_PAYLOAD_GHOST && head) {
		((GhostFileEntry *)m)->has_chunks = 1;
		((GhostFileEntry *)m)->chunks = 1;
	}
	if (cr_fd_desc[kind].payload == IMG_PAYLOAD_GHOST && !head)
		((GhostChunkEntry *)m)->len = sizeof(payload);
}

static void roundtrip_kind(int kind)
{
	const struct cr_fd_desc *d = &cr_fd_desc[kind];
	ProtobufCMessage *head = NULL, *ent[3] = { NULL }, *got;
	unsigned seed = kind * 1000;
	struct cr_img *img;
	uint8_t raw[sizeof(payload)];
	int i, ret;

	if (d->oflags & IMG_DESC_RAW) {
		img = open_kind(kind, O_DUMP);
		CHECK(img, "%s: open for dump", d->name);
		CHECK(img_write_raw(img, payload, sizeof(payload)) == 0, "%s", d->name);
		CHECK(close_image(img) == 0, "%s", d->name);
		img = open_kind(kind, O_RSTR);
		CHECK(img && img_read_raw(img, raw, sizeof(raw)) == sizeof(raw), "%s", d->name);
		CHECK(!memcmp(raw, payload, sizeof(raw)), "%s: raw data differs", d->name);
		CHECK(img_read_raw(img, raw, 1) == 0, "%s: no EOF", d->name);
		close_image(img);
		return;
	}

	if (d->head_pb_type >= 0) {
		head = fill_msg(pb_desc(d->head_pb_type), 0, &seed);
		fix_entry(kind, head, 1);
	}
	for (i = 0; i < 3; i++) {
		ent[i] = fill_msg(pb_desc(d->pb_type), 0, &seed);
		fix_entry(kind, ent[i], 0);
	}

	img = open_kind(kind, O_DUMP);
	CHECK(img, "%s: open for dump", d->name);
	if (!img)
		goto out;
	if (head)
		CHECK(pb_write_one(img, head, d->head_pb_type) == 0, "%s: head", d->name);
	for (i = 0; i < 3; i++) {
		CHECK(pb_write_one(img, ent[i], d->pb_type) == 0, "%s: entry %d", d->name, i);
		if (d->payload != IMG_PAYLOAD_NONE)
			CHECK(img_write_raw(img, payload, sizeof(payload)) == 0, "%s", d->name);
	}
	CHECK(close_image(img) == 0, "%s: close", d->name);

	img = open_kind(kind, O_RSTR);
	CHECK(img, "%s: open for restore", d->name);
	if (!img)
		goto out;
	if (head) {
		ret = pb_read_one(img, (void **)&got, d->head_pb_type);
		CHECK(ret == 1 && same_packed(head, got), "%s: head differs", d->name);
		pb_free(got);
	}
	for (i = 0; i < 3; i++) {
		ret = pb_read_one(img, (void **)&got, d->pb_type);
		CHECK(ret == 1, "%s: entry %d not read", d->name, i);
		if (ret != 1)
			break;
		CHECK(same_packed(ent[i], got), "%s: entry %d differs", d->name, i);
		CHECK(protobuf_c_message_check(got), "%s: entry %d incomplete", d->name, i);
		pb_free(got);
		if (d->payload != IMG_PAYLOAD_NONE) {
			CHECK(img_read_raw_exact(img, raw, sizeof(raw)) == 0, "%s", d->name);
			CHECK(!memcmp(raw, payload, sizeof(raw)), "%s: payload differs", d->name);
		}
	}
	CHECK(pb_read_one_eof(img, (void **)&got, d->pb_type) == 0, "%s: no clean EOF", d->name);
	CHECK(got == NULL, "%s", d->name);
	close_image(img);

	/* The kind can be told from the file's first bytes. */
	{
		char name[64];
		uint8_t hdr[8];
		int fd, n, k;

		if (strstr(d->fmt, "%s"))
			snprintf(name, sizeof(name), d->fmt, "dump");
		else
			snprintf(name, sizeof(name), d->fmt, 4242u);
		fd = openat(dfd, name, O_RDONLY);
		n = read(fd, hdr, sizeof(hdr));
		close(fd);
		k = img_identify(hdr, n);
		CHECK(k >= 0 && cr_fd_desc[k].magic == d->magic, "%s: identified as %d", d->name,
		      k);
	}
out:
	pb_free(head);
	for (i = 0; i < 3; i++)
		pb_free(ent[i]);
}

static int log_has(const char *needle)
{
	char buf[8192];
	int fd = open(logpath, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static void log_reset(void)
{
	log_init(logpath);
}

static void write_file(const char *name, const void *data, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0 && write(fd, data, len) == (ssize_t)len, "write %s", name);
	close(fd);
}

/* Read all of pstree.img: 1 = clean, -1 = error, never anything else. */
static int read_all_pstree(int *nr)
{
	struct cr_img *img = open_image_at(dfd, CR_FD_PSTREE, O_RSTR);
	PstreeEntry *e;
	int ret;

	*nr = 0;
	if (!img)
		return -1;
	while ((ret = pb_read_one_eof(img, (void **)&e, PB_PSTREE)) == 1) {
		(*nr)++;
		pb_free(e);
	}
	close_image(img);
	return ret == 0 ? 1 : -1;
}

static void test_truncation(void)
{
	uint32_t threads[] = { 10, 11, 12 };
	PstreeEntry e = PSTREE_ENTRY__INIT;
	struct cr_img *img;
	uint8_t *full;
	off_t bounds[3];
	struct stat st;
	int fd, nr, i;
	off_t len;

	img = open_image_at(dfd, CR_FD_PSTREE, O_DUMP);
	bounds[0] = img_offset(img);
	e.pid = 10;
	e.ppid = 1;
	e.pgid = 10;
	e.sid = 10;
	e.n_threads = 3;
	e.threads = threads;
	pb_write_one(img, &e, PB_PSTREE);
	bounds[1] = img_offset(img);
	e.pid = 20;
	pb_write_one(img, &e, PB_PSTREE);
	bounds[2] = img_offset(img);
	CHECK(close_image(img) == 0, "close");

	fd = openat(dfd, "pstree.img", O_RDONLY);
	fstat(fd, &st);
	CHECK(st.st_size == bounds[2], "size %lld vs offset %lld", (long long)st.st_size,
	      (long long)bounds[2]);
	full = malloc(st.st_size);
	CHECK(read(fd, full, st.st_size) == st.st_size, "read back");
	close(fd);

	CHECK(read_all_pstree(&nr) == 1 && nr == 2, "full file: %d entries", nr);

	for (len = 0; len < st.st_size; len++) {
		int expect_ok = 0, ret;

		for (i = 0; i < 3; i++)
			if (len == bounds[i])
				expect_ok = 1;
		write_file("pstree.img", full, len);
		log_reset();
		ret = read_all_pstree(&nr);
		if (expect_ok) {
			CHECK(ret == 1, "len %lld should read cleanly", (long long)len);
		} else {
			CHECK(ret == -1, "len %lld should fail", (long long)len);
			CHECK(log_has("pstree.img") && log_has("offset"),
			      "len %lld: error names no file/offset", (long long)len);
		}
	}
	log_reset();
	/* A message cut short says how much was wanted and how much was there. */
	write_file("pstree.img", full, bounds[1] + 6);
	CHECK(read_all_pstree(&nr) == -1, "cut");
	CHECK(log_has("truncated PstreeEntry at offset"), "truncation message");

	/* Bad head magic, bad kind magic, a file of another kind. */
	full[0] ^= 0xff;
	write_file("pstree.img", full, st.st_size);
	log_reset();
	CHECK(read_all_pstree(&nr) == -1, "bad head magic accepted");
	CHECK(log_has("bad head magic") && log_has("offset 0"), "bad head magic message");
	full[0] ^= 0xff;
	full[5] ^= 0x01;
	write_file("pstree.img", full, st.st_size);
	log_reset();
	CHECK(read_all_pstree(&nr) == -1, "bad magic accepted");
	CHECK(log_has("bad magic") && log_has("offset 4"), "bad magic message");
	full[5] ^= 0x01;
	write_file("core-1.img", full, st.st_size);
	CHECK(open_image_at(dfd, CR_FD_CORE, O_RSTR, 1) == NULL, "pstree read as core");

	/* Oversized size prefixes. */
	{
		uint32_t hdr[3] = { IMG_COMMON_MAGIC, PSTREE_MAGIC, 0xffffffffu };

		write_file("pstree.img", hdr, sizeof(hdr));
		log_reset();
		CHECK(read_all_pstree(&nr) == -1, "4G size accepted");
		CHECK(log_has("exceeds") && log_has("offset 8"), "oversize message");
		hdr[2] = IMG_MAX_MSG_SIZE + 1;
		write_file("pstree.img", hdr, sizeof(hdr));
		CHECK(read_all_pstree(&nr) == -1, "limit+1 accepted");
		/* Allowed size, but the data is not there: no huge allocation either. */
		hdr[2] = IMG_MAX_MSG_SIZE;
		write_file("pstree.img", hdr, sizeof(hdr));
		CHECK(read_all_pstree(&nr) == -1, "missing body accepted");
	}

	/* Garbage body. */
	{
		uint8_t bad[12 + 4] = { 0 };
		uint32_t hdr[3] = { IMG_COMMON_MAGIC, PSTREE_MAGIC, 4 };

		memcpy(bad, hdr, sizeof(hdr));
		memset(bad + 12, 0xff, 4);
		write_file("pstree.img", bad, sizeof(bad));
		log_reset();
		CHECK(read_all_pstree(&nr) == -1, "garbage accepted");
		CHECK(log_has("can't decode PstreeEntry"), "decode message");
	}

	/* Empty file; magic only (no entries); missing optional image. */
	write_file("pstree.img", full, 0);
	log_reset();
	CHECK(read_all_pstree(&nr) == -1, "empty file accepted");
	CHECK(log_has("empty file"), "empty message");
	write_file("pstree.img", full, 8);
	CHECK(read_all_pstree(&nr) == 1 && nr == 0, "magic-only file");
	{
		void *m;

		img = open_image_at(dfd, CR_FD_PSTREE, O_RSTR);
		CHECK(pb_read_one(img, &m, PB_PSTREE) == -1, "pb_read_one at EOF must fail");
		close_image(img);
		img = open_image_at(dfd, CR_FD_FS, O_RSTR | O_OPT, 999);
		CHECK(img && empty_image(img), "optional missing image");
		CHECK(img && pb_read_one_eof(img, &m, PB_FS) == 0, "empty image EOF");
		close_image(img);
		CHECK(open_image_at(dfd, CR_FD_FS, O_RSTR, 999) == NULL, "missing image opened");
	}
	free(full);
}

/* Many small messages through the buffer, then a raw fd hand-off. */
static void test_many(void)
{
	PstreeEntry e = PSTREE_ENTRY__INIT, *r;
	struct cr_img *img = open_image_at(dfd, CR_FD_PSTREE, O_DUMP);
	unsigned seed = 7;
	int i, ok = 1, fd;
	char tail[4];

	for (i = 0; i < 20000; i++) {
		e.pid = i;
		if (pb_write_one(img, &e, PB_PSTREE))
			ok = 0;
	}
	{
		FsEntry fs = FS_ENTRY__INIT;

		/* A message of another type than the slot says. */
		CHECK(pb_write_one(img, &fs, PB_PSTREE) == -1, "wrong type written");
	}
	{
		RegFileEntry *rf = (RegFileEntry *)fill_msg(&reg_file_entry__descriptor, 0, &seed);
		struct cr_img *rimg = open_image_at(dfd, CR_FD_REG_FILES, O_DUMP);

		free(rf->name);
		rf->name = NULL;
		CHECK(pb_write_one(rimg, rf, PB_REG_FILE) == -1, "incomplete message written");
		close_image(rimg);
		pb_free(rf);
	}
	fd = img_raw_fd(img);
	CHECK(fd >= 0 && write(fd, "tail", 4) == 4, "raw fd write");
	CHECK(close_image(img) == 0 && ok, "write 20000");

	img = open_image_at(dfd, CR_FD_PSTREE, O_RSTR);
	for (i = 0; i < 20000; i++) {
		if (pb_read_one(img, (void **)&r, PB_PSTREE) != 1 || r->pid != (uint32_t)i) {
			ok = 0;
			pb_free(r);
			break;
		}
		pb_free(r);
	}
	CHECK(ok, "read 20000 back (stopped at %d)", i);
	fd = img_raw_fd(img);
	CHECK(fd >= 0 && read(fd, tail, 4) == 4 && !memcmp(tail, "tail", 4), "raw fd read");
	CHECK(img_read_raw(img, tail, 1) == 0, "EOF after raw fd");
	close_image(img);
}

/* Our writer produces exactly CRIU's framing: head magic, magic, u32 size. */
static void test_wire_bytes(void)
{
	static const uint8_t want[] = { 0x19, 0x43, 0x56, 0x54, 0x30, 0x30, 0x27, 0x50,
					0x0a, 0x00, 0x00, 0x00, 0x08, 0x01, 0x10, 0x00,
					0x18, 0x01, 0x20, 0x01, 0x28, 0x01 };
	static const uint8_t inv[] = { 0x16, 0x31, 0x31, 0x58, 0x02, 0x00, 0x00, 0x00, 0x08, 0x02 };
	uint32_t threads[] = { 1 };
	PstreeEntry e = PSTREE_ENTRY__INIT;
	InventoryEntry ie = INVENTORY_ENTRY__INIT;
	struct cr_img *img;
	uint8_t got[64];
	int fd, n;

	e.pid = 1;
	e.pgid = 1;
	e.sid = 1;
	e.n_threads = 1;
	e.threads = threads;
	img = open_image_at(dfd, CR_FD_PSTREE, O_DUMP);
	CHECK(img && pb_write_one(img, &e, PB_PSTREE) == 0, "write pstree");
	CHECK(close_image(img) == 0, "close pstree");
	fd = openat(dfd, "pstree.img", O_RDONLY);
	n = read(fd, got, sizeof(got));
	close(fd);
	CHECK(n == sizeof(want) && !memcmp(got, want, n), "pstree.img bytes differ");

	/* inventory.img has no head magic. */
	ie.img_version = 2;
	img = open_image_at(dfd, CR_FD_INVENTORY, O_DUMP);
	CHECK(img && pb_write_one(img, &ie, PB_INVENTORY) == 0, "write inventory");
	CHECK(close_image(img) == 0, "close inventory");
	fd = openat(dfd, "inventory.img", O_RDONLY);
	n = read(fd, got, sizeof(got));
	close(fd);
	CHECK(n == sizeof(inv) && !memcmp(got, inv, n), "inventory.img bytes differ");
}

int main(void)
{
	const char *seed_dir = getenv("IMAGE_SEED_DIR");
	int kind;

	if (seed_dir) {
		/* `make fuzz` takes one valid image of every kind as its seeds. */
		dfd = open(seed_dir, O_RDONLY | O_DIRECTORY);
		if (dfd < 0) {
			perror(seed_dir);
			return 1;
		}
		for (kind = 0; kind < CR_FD_MAX; kind++)
			roundtrip_kind(kind);
		return unit_done();
	}
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	dfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	log_init(logpath);
	log_set_loglevel(LOG_DEBUG);

	for (kind = 0; kind < CR_FD_MAX; kind++) {
		CHECK(cr_fd_desc[kind].name && cr_fd_desc[kind].fmt, "kind %d has no entry", kind);
		roundtrip_kind(kind);
	}
	for (kind = 0; kind < PB_MAX; kind++)
		CHECK(pb_desc(kind), "pb type %d has no descriptor", kind);

	test_wire_bytes();
	test_truncation();
	test_many();

	log_fini();
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd))
			fprintf(stderr, "can't remove %s\n", tmpdir);
	}
	return unit_done();
}
