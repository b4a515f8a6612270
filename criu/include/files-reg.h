/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_FILES_REG_H
#define CRIU_FILES_REG_H

#include <stddef.h>
#include <stdint.h>

#include "files.h"

/*
 * Regular files, directories and the simple character devices
 * (files-reg.c), and unlinked files carried in the images (files-ghost.c).
 */

/* @name from an image joined to the restore root, into @buf. */
int reg_rst_path(const struct files_rst_ctx *ctx, const char *name, char *buf, size_t len);

/* Ghosts share the REG kind's private slots of both contexts. */
struct reg_dump_priv;
struct reg_rst_priv;

/*
 * The unlinked file behind @p (opened as @path) goes into a ghost image
 * unless bigger than the ghost limit; remap-fpath.img ties file @id to it.
 */
int ghost_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id, const char *path);
void ghost_dump_free(struct files_dump_ctx *ctx);

/* Restore: reads remap-fpath.img once; *remap_id is 0 when @id has no ghost. */
int ghost_collect(struct files_rst_ctx *ctx, uint32_t id, uint32_t *remap_id);
/*
 * A new description of ghost @remap_id with @flags: the first call in a
 * process recreates the file next to @path, fills it and unlinks it again,
 * and keeps it open (above the tree's fds) until ghost_rst_free().
 */
int ghost_open(struct files_rst_ctx *ctx, uint32_t remap_id, const char *path, int flags);
void ghost_rst_free(struct files_rst_ctx *ctx);

#endif
