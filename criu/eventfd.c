// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd: its state is the 64-bit counter and the semaphore mode, both
 * shown by fdinfo ("eventfd-count" in hex, "eventfd-semaphore" since 6.7).
 */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "files.h"
#include "log.h"

#include "images/eventfd.pb-c.h"
#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"

/*
 * EventfdFileEntry.flags holds the file status flags.  An eventfd is always
 * O_RDWR, so bit 0 (O_WRONLY) is free: it records EFD_SEMAPHORE (also 1),
 * which F_SETFL would ignore should another tool apply the flags as is.
 */
#define EFD_FLAG_SEMAPHORE 1U

static bool eventfd_match(const struct fd_parms *p)
{
	return !strcmp(p->link, "anon_inode:[eventfd]");
}

static int eventfd_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	FileEntry fe = FILE_ENTRY__INIT;
	EventfdFileEntry efe = EVENTFD_FILE_ENTRY__INIT;
	FownEntry fown;
	char val[64];

	if (fdinfo_field(p->fdinfo, "eventfd-count", val, sizeof(val))) {
		pr_err("Can't dump fd %d of task %d: no eventfd-count in its fdinfo\n", p->fd,
		       p->pid);
		return -1;
	}
	efe.counter = strtoull(val, NULL, 16);
	efe.flags = p->flags & ~O_ACCMODE;
	if (!fdinfo_field(p->fdinfo, "eventfd-semaphore", val, sizeof(val)) && atoi(val))
		efe.flags |= EFD_FLAG_SEMAPHORE;
	files_dump_fown(p->lfd, &fown);
	efe.id = id;
	efe.fown = &fown;
	fe.type = FD_TYPES__EVENTFD;
	fe.id = id;
	fe.efd = &efe;
	return files_dump_write_entry(ctx, &fe);
}

static int eventfd_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	EventfdFileEntry *efe = d->fe->efd;

	if (!efe || !efe->fown || efe->id != d->id) {
		pr_err("files.img: eventfd id %u has no valid eventfd entry\n", d->id);
		return -1;
	}
	return 0;
}

static int eventfd_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	EventfdFileEntry *efe = d->fe->efd;
	int flags = EFD_CLOEXEC, fd;

	if (efe->flags & EFD_FLAG_SEMAPHORE)
		flags |= EFD_SEMAPHORE;
	if (efe->flags & O_NONBLOCK)
		flags |= EFD_NONBLOCK;
	fd = eventfd(0, flags);
	if (fd < 0) {
		pr_perror("Can't create eventfd id %u", d->id);
		return -1;
	}
	/* eventfd() takes 32 bits only; a write adds the whole 64-bit count. */
	if (efe->counter && write(fd, &efe->counter, sizeof(efe->counter)) != sizeof(uint64_t)) {
		pr_perror("Can't set eventfd id %u to %llu", d->id,
			  (unsigned long long)efe->counter);
		goto err;
	}
	if (files_restore_fown(fd, efe->fown))
		goto err;
	return fd;
err:
	close(fd);
	return -1;
}

const struct fd_kind_ops eventfd_ops = {
	.name = "eventfd",
	.file_type = FD_TYPES__EVENTFD,
	.match = eventfd_match,
	.dump = eventfd_dump,
	.collect = eventfd_collect,
	.open = eventfd_open,
};
