// SPDX-License-Identifier: GPL-2.0
/*
 * The bytes queued in a pipe or FIFO.  At dump they are copied out with
 * tee() into a scratch pipe, which duplicates the pipe's buffers without
 * consuming them, so the dumped task finds its data untouched if the dump
 * fails or it is left running.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "files.h"
#include "image.h"
#include "log.h"
#include "pipes.h"

#include "images/pipe-data.pb-c.h"

int pipe_id_seen(struct pipe_id_set *s, uint32_t id)
{
	uint32_t *n;
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (s->v[i] == id)
			return 1;
	n = realloc(s->v, (s->nr + 1) * sizeof(*n));
	if (!n) {
		pr_err("files: out of memory\n");
		return -1;
	}
	s->v = n;
	s->v[s->nr++] = id;
	return 0;
}

/* Copies @bytes queued in @rfd into @buf, leaving them in place. */
static int peek_pipe(int rfd, int size, char *buf, int bytes, const struct fd_parms *p)
{
	int tmp[2], got = 0, ret = -1;
	ssize_t n;

	if (pipe2(tmp, O_CLOEXEC | O_NONBLOCK)) {
		pr_perror("Can't make a scratch pipe");
		return -1;
	}
	if (fcntl(tmp[1], F_SETPIPE_SZ, size) < size) {
		pr_perror("Can't size the scratch pipe to %d bytes", size);
		goto out;
	}
	n = tee(rfd, tmp[1], bytes, SPLICE_F_NONBLOCK);
	if (n != bytes) {
		if (n >= 0)
			errno = EAGAIN;
		pr_perror("Can't copy the %d bytes queued in %s", bytes, p->desc);
		goto out;
	}
	while (got < bytes) {
		n = read(tmp[0], buf + got, bytes - got);
		if (n <= 0) {
			pr_perror("Can't read the scratch pipe");
			goto out;
		}
		got += n;
	}
	ret = 0;
out:
	close(tmp[0]);
	close(tmp[1]);
	return ret;
}

int pipe_data_dump(struct files_dump_ctx *ctx, int img_kind, const struct fd_parms *p,
		   uint32_t pipe_id)
{
	PipeDataEntry pde = PIPE_DATA_ENTRY__INIT;
	struct cr_img *img;
	char *buf = NULL;
	int rfd, size, bytes = 0, ret = -1;

	/*
	 * A read end of our own, whichever end the task holds: reopening a
	 * pipe through /proc gives a new description of the same pipe.
	 */
	rfd = open(p->reopen, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rfd < 0) {
		pr_perror("Can't open %s (%s) for reading", p->desc, p->link);
		return -1;
	}
	size = fcntl(rfd, F_GETPIPE_SZ);
	if (size < 0 || ioctl(rfd, FIONREAD, &bytes)) {
		pr_perror("Can't size the pipe of %s", p->desc);
		goto out;
	}
	if (bytes > size) {
		pr_err("Pipe of %s holds %d bytes in %d\n", p->desc, bytes, size);
		goto out;
	}
	if (bytes) {
		buf = malloc(bytes);
		if (!buf) {
			pr_err("files: out of memory\n");
			goto out;
		}
		if (peek_pipe(rfd, size, buf, bytes, p))
			goto out;
	}
	img = files_dump_img(ctx, img_kind);
	if (!img)
		goto out;
	pde.pipe_id = pipe_id;
	pde.bytes = bytes;
	pde.has_size = true;
	pde.size = size;
	if (pb_write_one(img, &pde, PB_PIPE_DATA) || (bytes && img_write_raw(img, buf, bytes)))
		goto out;
	pr_debug("Pipe %u: %d bytes queued, capacity %d\n", pipe_id, bytes, size);
	ret = 0;
out:
	free(buf);
	close(rfd);
	return ret;
}

int pipe_data_read(struct files_rst_ctx *ctx, int img_kind, struct pipe_data_set *set)
{
	struct cr_img *img;
	int ret;

	img = open_image_at(files_rst_dfd(ctx), img_kind, O_RSTR | O_OPT);
	if (!img)
		return -1;
	for (;;) {
		PipeDataEntry *e;
		struct pipe_data *n, *pd;

		ret = pb_read_one_eof(img, (void **)&e, PB_PIPE_DATA);
		if (ret <= 0)
			break;
		ret = -1;
		if (pipe_data_find(set, e->pipe_id)) {
			pr_err("%s: pipe %u has two data entries\n", img_path(img), e->pipe_id);
			pb_free(e);
			break;
		}
		n = realloc(set->v, (set->nr + 1) * sizeof(*n));
		if (!n) {
			pr_err("files: out of memory\n");
			pb_free(e);
			break;
		}
		set->v = n;
		pd = &set->v[set->nr];
		*pd = (struct pipe_data){
			.pipe_id = e->pipe_id,
			.size = e->has_size ? e->size : 0,
			.bytes = e->bytes,
		};
		pb_free(e);
		/* Sizes from a file are checked by the image layer's reads. */
		if (pd->bytes > IMG_MAX_MSG_SIZE) {
			pr_err("%s: pipe %u claims %u bytes\n", img_path(img), pd->pipe_id,
			       pd->bytes);
			break;
		}
		pd->data = malloc(pd->bytes ? pd->bytes : 1);
		if (!pd->data) {
			pr_err("files: out of memory\n");
			break;
		}
		set->nr++;
		if (img_read_raw_exact(img, pd->data, pd->bytes))
			break;
	}
	if (ret < 0)
		pr_err("%s: can't read the queued pipe data\n", img_path(img));
	close_image(img);
	return ret;
}

void pipe_data_free(struct pipe_data_set *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		free(set->v[i].data);
	free(set->v);
	set->v = NULL;
	set->nr = 0;
}

const struct pipe_data *pipe_data_find(const struct pipe_data_set *set, uint32_t pipe_id)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		if (set->v[i].pipe_id == pipe_id)
			return &set->v[i];
	return NULL;
}

int pipe_data_restore(int wfd, const struct pipe_data *pd)
{
	uint32_t done = 0;
	int cap;

	if (!pd)
		return 0;
	if (pd->size && fcntl(wfd, F_SETPIPE_SZ, pd->size) < 0) {
		pr_perror("Can't give pipe %u its capacity of %u bytes", pd->pipe_id, pd->size);
		return -1;
	}
	cap = fcntl(wfd, F_GETPIPE_SZ);
	if (cap < 0 || (uint32_t)cap < pd->bytes) {
		pr_err("Pipe %u can't hold its %u bytes (capacity %d)\n", pd->pipe_id, pd->bytes,
		       cap);
		return -1;
	}
	while (done < pd->bytes) {
		ssize_t n = write(wfd, (char *)pd->data + done, pd->bytes - done);

		if (n <= 0) {
			pr_perror("Can't queue %u bytes into pipe %u", pd->bytes, pd->pipe_id);
			return -1;
		}
		done += n;
	}
	return 0;
}
