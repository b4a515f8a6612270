// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes as an image file, read the way crit
 * reads it (kind from the magic, every message, payloads, JSON output).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crit.h"
#include "image.h"
#include "log.h"

struct fuzz_state {
	int fd; /* memfd holding the current input */
	FILE *out; /* /dev/null: the printer runs, nothing is kept */
};

static int on_msg(void *arg, const ProtobufCMessage *m, off_t off, int64_t payload)
{
	struct fuzz_state *st = arg;

	json_print_msg(st->out, m, (int)(off & 1) ? -1 : 0);
	return 0;
}

static int on_raw(void *arg, off_t off, uint64_t len)
{
	return 0;
}

static struct fuzz_state *state(void)
{
	static struct fuzz_state st = { .fd = -1 };

	if (st.fd < 0) {
		st.fd = memfd_create("fuzz-image", 0);
		st.out = fopen("/dev/null", "w");
		if (st.fd < 0 || !st.out)
			abort();
		/* Errors are the expected outcome for most inputs: keep them quiet. */
		log_set_loglevel(LOG_MSG);
	}
	return &st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct img_walk_ops ops = { .msg = on_msg, .raw = on_raw };
	struct fuzz_state *st = state();
	struct cr_img *img;
	int kind, fd;

	if (ftruncate(st->fd, 0) || pwrite(st->fd, data, size, 0) != (ssize_t)size)
		abort();

	kind = img_identify(data, size);
	/* Unknown magic: try a kind picked by the input, magic checks included. */
	if (kind < 0)
		kind = size ? data[size - 1] % CR_FD_MAX : CR_FD_PAGES;

	fd = dup(st->fd);
	if (fd < 0 || lseek(fd, 0, SEEK_SET))
		abort();
	img = img_from_fd(fd, kind, O_RSTR, "fuzz.img");
	if (!img)
		return 0;
	img_walk(img, &ops, st);
	close_image(img);
	return 0;
}
