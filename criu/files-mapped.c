// SPDX-License-Identifier: GPL-2.0
/*
 * Files a task refers to without an fd: the ones it maps, its executable,
 * its cwd and root.  They are saved like an fd's regular file (same entry in
 * files.img, same ghost handling when unlinked), read-only at position 0.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dump.h"
#include "files.h"
#include "log.h"

int files_dump_path_fd(struct files_dump_ctx *ctx, pid_t pid, int lfd, const char *path,
		       uint32_t *id)
{
	struct fd_parms *p = calloc(1, sizeof(*p));
	int ret = -1;

	if (!p)
		return -1;
	p->pid = pid;
	p->fd = -1;
	p->lfd = lfd;
	p->flags = O_RDONLY;
	p->mnt_id = -1;
	snprintf(p->link, sizeof(p->link), "%s", path);
	if (fstat(lfd, &p->st)) {
		pr_perror("Can't stat %s of task %d", path, pid);
		goto out;
	}
	if (!reg_file_ops.match(p)) {
		pr_err("Task %d refers to %s, which is not a regular file or directory: "
		       "not supported yet\n", pid, path);
		goto out;
	}
	*id = files_dump_new_id(ctx);
	ret = reg_file_ops.dump(ctx, p, *id);
out:
	free(p);
	return ret;
}
