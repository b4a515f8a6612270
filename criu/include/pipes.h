/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_PIPES_H
#define CRIU_PIPES_H

#include <stddef.h>
#include <stdint.h>

#include "files.h"

/*
 * Data queued in a pipe or a FIFO, shared by pipes.c and fifo.c: each
 * pipe's bytes and capacity go into one PipeDataEntry (pipes-data.img or
 * fifo-data.img) followed by the bytes.
 */
struct pipe_data {
	uint32_t pipe_id;
	uint32_t size; /* capacity, F_GETPIPE_SZ; 0 if not saved */
	uint32_t bytes;
	void *data;
};

struct pipe_data_set {
	struct pipe_data *v;
	size_t nr;
};

/* Saves what pipe @pipe_id (open as fd @p) holds, without taking it out. */
int pipe_data_dump(struct files_dump_ctx *ctx, int img_kind, const struct fd_parms *p,
		   uint32_t pipe_id);

/* Reads every entry of @img_kind (missing image: none). */
int pipe_data_read(struct files_rst_ctx *ctx, int img_kind, struct pipe_data_set *set);
void pipe_data_free(struct pipe_data_set *set);
const struct pipe_data *pipe_data_find(const struct pipe_data_set *set, uint32_t pipe_id);
/* Gives the pipe behind @wfd its capacity and queues the data again. */
int pipe_data_restore(int wfd, const struct pipe_data *pd);

/* Gives a restored pipe or FIFO description its O_NONBLOCK/O_DIRECT state. */
int pipe_set_flags(int fd, unsigned int flags);

/* Ids of pipes already seen by a dump, so data is saved once. */
struct pipe_id_set {
	uint32_t *v;
	size_t nr;
};

/* 1 if @id was there, 0 if added now, -1 on error. */
int pipe_id_seen(struct pipe_id_set *s, uint32_t id);

#endif
