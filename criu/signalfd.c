// SPDX-License-Identifier: GPL-2.0
/* signalfd: its only state is the set of signals it reads, shown by fdinfo. */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "files.h"
#include "log.h"

#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"
#include "images/signalfd.pb-c.h"

static bool signalfd_match(const struct fd_parms *p)
{
	return !strcmp(p->link, "anon_inode:[signalfd]");
}

static int signalfd_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	FileEntry fe = FILE_ENTRY__INIT;
	SignalfdEntry sfe = SIGNALFD_ENTRY__INIT;
	FownEntry fown;
	char val[64];

	if (fdinfo_field(p->fdinfo, "sigmask", val, sizeof(val))) {
		pr_err("Can't dump %s: no sigmask in its fdinfo\n", p->desc);
		return -1;
	}
	/* Bit N-1 stands for signal N, as in the kernel's sigset. */
	sfe.sigmask = strtoull(val, NULL, 16);
	files_dump_fown(p->lfd, &fown);
	sfe.id = id;
	sfe.flags = p->flags;
	sfe.fown = &fown;
	fe.type = FD_TYPES__SIGNALFD;
	fe.id = id;
	fe.sgfd = &sfe;
	return files_dump_write_entry(ctx, &fe);
}

static int signalfd_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	SignalfdEntry *sfe = d->fe->sgfd;

	if (!sfe || !sfe->fown || sfe->id != d->id) {
		pr_err("files.img: signalfd id %u has no valid signalfd entry\n", d->id);
		return -1;
	}
	return 0;
}

static int signalfd_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	SignalfdEntry *sfe = d->fe->sgfd;
	uint64_t mask = sfe->sigmask;
	int flags = SFD_CLOEXEC, fd;

	if (sfe->flags & O_NONBLOCK)
		flags |= SFD_NONBLOCK;
	/*
	 * The raw call takes the kernel's 64-bit set as is; glibc's sigset
	 * helpers refuse the signals it keeps for itself (32, 33).
	 */
	fd = syscall(SYS_signalfd4, -1, &mask, sizeof(mask), flags);
	if (fd < 0) {
		pr_perror("Can't create signalfd id %u", d->id);
		return -1;
	}
	if (files_restore_fown(fd, sfe->fown)) {
		close(fd);
		return -1;
	}
	return fd;
}

const struct fd_kind_ops signalfd_ops = {
	.name = "signalfd",
	.file_type = FD_TYPES__SIGNALFD,
	.match = signalfd_match,
	.dump = signalfd_dump,
	.collect = signalfd_collect,
	.open = signalfd_open,
};
