// SPDX-License-Identifier: GPL-2.0
/*
 * epoll: the instance is saved with its watch list from fdinfo ("tfd:"
 * lines: target fd number, events, data).  epoll keys each watch by the
 * pair (file, fd number), so at restore the watches are added back only
 * once every fd of the owner task sits at its number, through those very
 * numbers.
 *
 * The fd numbers are those of the task that was dumped first with the
 * instance; the restore owner is the lowest pid holding it, so the flow
 * dumps tasks in ascending pid order (or both hold the targets alike).
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "files.h"
#include "log.h"

#include "images/eventpoll.pb-c.h"
#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"

static bool eventpoll_match(const struct fd_parms *p)
{
	return !strcmp(p->link, "anon_inode:[eventpoll]");
}

/*
 * The watch must be on the file the task still has at that number: a
 * watch whose fd was closed or reused names a file we can't reach.
 */
static int check_target(const struct fd_parms *p, int tfd)
{
	struct kcmp_epoll_slot slot = { .efd = p->fd, .tfd = tfd, .toff = 0 };
	long r = syscall(SYS_kcmp, p->pid, p->pid, KCMP_EPOLL_TFD, tfd, &slot);

	if (r == 0)
		return 0;
	if (r < 0 && errno != EBADF && errno != ENOENT) {
		pr_perror("kcmp on epoll target %d of %s", tfd, p->desc);
		return -1;
	}
	pr_err("Can't dump %s: epoll watches fd %d, which the task closed or reused "
	       "(not supported yet)\n",
	       p->desc, tfd);
	return -1;
}

static int parse_tfds(const struct fd_parms *p, EventpollTfdEntry ***out, size_t *nr)
{
	const char *line = p->fdinfo;
	EventpollTfdEntry **v = NULL;
	size_t n = 0;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		EventpollTfdEntry *e, **nv;
		unsigned long long data;
		unsigned int events;
		int tfd;

		if (strncmp(line, "tfd:", 4))
			continue;
		if (sscanf(line, "tfd: %d events: %x data: %llx", &tfd, &events, &data) != 3) {
			pr_err("Can't dump %s: bad epoll line in fdinfo\n", p->desc);
			goto err;
		}
		if (check_target(p, tfd))
			goto err;
		nv = realloc(v, (n + 1) * sizeof(*nv));
		e = malloc(sizeof(*e));
		if (!nv || !e) {
			free(e);
			v = nv ? nv : v;
			pr_err("files: out of memory\n");
			goto err;
		}
		v = nv;
		eventpoll_tfd_entry__init(e);
		e->tfd = tfd;
		e->events = events;
		e->data = data;
		v[n++] = e;
	}
	*out = v;
	*nr = n;
	return 0;
err:
	while (n)
		free(v[--n]);
	free(v);
	return -1;
}

static int eventpoll_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	FileEntry fe = FILE_ENTRY__INIT;
	EventpollFileEntry efe = EVENTPOLL_FILE_ENTRY__INIT;
	EventpollTfdEntry **tfds;
	FownEntry fown;
	size_t i, nr;
	int ret;

	if (parse_tfds(p, &tfds, &nr))
		return -1;
	for (i = 0; i < nr; i++)
		tfds[i]->id = id;
	files_dump_fown(p->lfd, &fown);
	efe.id = id;
	efe.flags = p->flags;
	efe.fown = &fown;
	efe.n_tfd = nr;
	efe.tfd = tfds;
	fe.type = FD_TYPES__EVENTPOLL;
	fe.id = id;
	fe.epfd = &efe;
	ret = files_dump_write_entry(ctx, &fe);
	for (i = 0; i < nr; i++)
		free(tfds[i]);
	free(tfds);
	return ret;
}

static int eventpoll_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	EventpollFileEntry *efe = d->fe->epfd;
	size_t i;

	if (!efe || !efe->fown || efe->id != d->id) {
		pr_err("files.img: eventpoll id %u has no valid eventpoll entry\n", d->id);
		return -1;
	}
	for (i = 0; i < efe->n_tfd; i++) {
		if (efe->tfd[i]->tfd > INT_MAX) {
			pr_err("files.img: eventpoll id %u watches bad fd %u\n", d->id,
			       efe->tfd[i]->tfd);
			return -1;
		}
	}
	return 0;
}

static int eventpoll_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);

	if (fd < 0) {
		pr_perror("Can't create eventpoll id %u", d->id);
		return -1;
	}
	if (files_restore_fown(fd, d->fe->epfd->fown)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int eventpoll_post_install(struct files_rst_ctx *ctx, struct file_desc *d, int fd)
{
	EventpollFileEntry *efe = d->fe->epfd;
	size_t i;

	for (i = 0; i < efe->n_tfd; i++) {
		struct epoll_event ev = {
			.events = efe->tfd[i]->events,
			.data.u64 = efe->tfd[i]->data,
		};

		if (epoll_ctl(fd, EPOLL_CTL_ADD, efe->tfd[i]->tfd, &ev)) {
			pr_perror("Can't make eventpoll id %u (fd %d) watch fd %u again", d->id, fd,
				  efe->tfd[i]->tfd);
			return -1;
		}
	}
	return 0;
}

const struct fd_kind_ops eventpoll_ops = {
	.name = "eventpoll",
	.file_type = FD_TYPES__EVENTPOLL,
	.match = eventpoll_match,
	.dump = eventpoll_dump,
	.collect = eventpoll_collect,
	.open = eventpoll_open,
	.post_install = eventpoll_post_install,
};
