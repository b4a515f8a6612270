// SPDX-License-Identifier: GPL-2.0
/* Paths of the regular files that mappings and the exe link name by id. */

#include <stdlib.h>
#include <string.h>

#include "fdinfo.pb-c.h"
#include "image.h"
#include "log.h"
#include "restore.h"

int read_regfiles(struct restore_ctx *ctx)
{
	struct cr_img *img = open_image_at(ctx->dfd, CR_FD_FILES, O_RSTR | O_OPT);
	FileEntry *fe;
	int ret;

	if (!img)
		return -1;
	while ((ret = pb_read_one_eof(img, (void **)&fe, PB_FILE)) > 0) {
		struct rst_regfile *r;

		if (fe->type != FD_TYPES__REG || !fe->reg) {
			pb_free(fe);
			continue;
		}
		r = realloc(ctx->regfiles, (ctx->nr_regfiles + 1) * sizeof(*r));
		if (!r) {
			pb_free(fe);
			ret = -1;
			break;
		}
		ctx->regfiles = r;
		r += ctx->nr_regfiles;
		r->id = fe->id;
		r->flags = fe->reg->flags;
		r->path = strdup(fe->reg->name);
		pb_free(fe);
		if (!r->path) {
			ret = -1;
			break;
		}
		ctx->nr_regfiles++;
	}
	close_image(img);
	return ret < 0 ? -1 : 0;
}

const struct rst_regfile *find_regfile(const struct restore_ctx *ctx, uint32_t id)
{
	size_t i;

	for (i = 0; i < ctx->nr_regfiles; i++)
		if (ctx->regfiles[i].id == id)
			return &ctx->regfiles[i];
	pr_err("No file with id %#x in files.img\n", id);
	return NULL;
}

void free_regfiles(struct restore_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nr_regfiles; i++)
		free(ctx->regfiles[i].path);
	free(ctx->regfiles);
	ctx->regfiles = NULL;
	ctx->nr_regfiles = 0;
}
