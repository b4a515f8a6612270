// SPDX-License-Identifier: GPL-2.0
/*
 * timerfd: clock, remaining time and interval, and the expirations not read
 * yet, all from fdinfo.  fdinfo shows the time left whatever flags armed the
 * timer, so restore arms it relative to now: an absolute timer keeps its
 * distance to expiry rather than its wall-clock deadline.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "files.h"
#include "log.h"

#include "images/fdinfo.pb-c.h"
#include "images/fown.pb-c.h"
#include "images/timerfd.pb-c.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

static bool timerfd_match(const struct fd_parms *p)
{
	return !strcmp(p->link, "anon_inode:[timerfd]");
}

static int parse_ts(const char *fdinfo, const char *name, uint64_t *sec, uint64_t *nsec)
{
	char val[64];
	unsigned long long s, ns;

	if (fdinfo_field(fdinfo, name, val, sizeof(val)) ||
	    sscanf(val, "(%llu, %llu)", &s, &ns) != 2)
		return -1;
	*sec = s;
	*nsec = ns;
	return 0;
}

/*
 * A periodic timer that expired counts one tick and stops until it is read
 * or queried; timerfd_gettime() then adds the periods missed meanwhile and
 * rearms it, as the task's next read would: the count and the time left
 * are only right after that.  Then fdinfo is read again.
 */
static int settle(const struct fd_parms *p, char *buf, size_t len)
{
	struct itimerspec its;
	char path[64];
	ssize_t n;
	int fd;

	if (timerfd_gettime(p->lfd, &its)) {
		pr_perror("Can't query the timer of %s", p->desc);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", p->pid, p->fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* Not an fd of a task (no fdinfo of its own): what we have will do. */
		snprintf(buf, len, "%s", p->fdinfo);
		return 0;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0) {
		pr_perror("Can't read %s", path);
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

static int timerfd_dump(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id)
{
	FileEntry fe = FILE_ENTRY__INIT;
	TimerfdEntry tfe = TIMERFD_ENTRY__INIT;
	FownEntry fown;
	char clk[32], ticks[32], sflags[32], info[sizeof(p->fdinfo)];

	if (settle(p, info, sizeof(info)))
		return -1;
	if (fdinfo_field(info, "clockid", clk, sizeof(clk)) ||
	    fdinfo_field(info, "ticks", ticks, sizeof(ticks)) ||
	    fdinfo_field(info, "settime flags", sflags, sizeof(sflags)) ||
	    parse_ts(info, "it_value", &tfe.vsec, &tfe.vnsec) ||
	    parse_ts(info, "it_interval", &tfe.isec, &tfe.insec)) {
		pr_err("Can't dump %s: unexpected timerfd fdinfo\n", p->desc);
		return -1;
	}
	tfe.clockid = atoi(clk);
	tfe.ticks = strtoull(ticks, NULL, 10);
	tfe.settime_flags = strtoul(sflags, NULL, 8);
	files_dump_fown(p->lfd, &fown);
	tfe.id = id;
	tfe.flags = p->flags;
	tfe.fown = &fown;
	fe.type = FD_TYPES__TIMERFD;
	fe.id = id;
	fe.tfd = &tfe;
	return files_dump_write_entry(ctx, &fe);
}

static int timerfd_collect(struct files_rst_ctx *ctx, struct file_desc *d)
{
	TimerfdEntry *tfe = d->fe->tfd;

	if (!tfe || !tfe->fown || tfe->id != d->id || tfe->vnsec >= 1000000000ULL ||
	    tfe->insec >= 1000000000ULL) {
		pr_err("files.img: timerfd id %u has no valid timerfd entry\n", d->id);
		return -1;
	}
	return 0;
}

static int timerfd_open(struct files_rst_ctx *ctx, struct file_desc *d)
{
	TimerfdEntry *tfe = d->fe->tfd;
	struct itimerspec its = {
		.it_value = { tfe->vsec, tfe->vnsec },
		.it_interval = { tfe->isec, tfe->insec },
	};
	int flags = TFD_CLOEXEC, fd;

	if (tfe->flags & O_NONBLOCK)
		flags |= TFD_NONBLOCK;
	/*
	 * A periodic timer with expirations not read yet is not rearmed by
	 * the kernel until the read: fdinfo shows no time left.  Arming it
	 * with zero would disarm it; the next expiration is one interval on
	 * (its phase is not known).
	 */
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value = its.it_interval;
	fd = timerfd_create(tfe->clockid, flags);
	if (fd < 0) {
		pr_perror("Can't create timerfd id %u on clock %u", d->id, tfe->clockid);
		return -1;
	}
	if (timerfd_settime(fd, 0, &its, NULL)) {
		pr_perror("Can't arm timerfd id %u", d->id);
		goto err;
	}
	/* Expirations the task had not read yet (CONFIG_CHECKPOINT_RESTORE). */
	if (tfe->ticks && ioctl(fd, TFD_IOC_SET_TICKS, &tfe->ticks)) {
		pr_perror("Can't give timerfd id %u its %llu pending expirations", d->id,
			  (unsigned long long)tfe->ticks);
		goto err;
	}
	if (files_restore_fown(fd, tfe->fown))
		goto err;
	return fd;
err:
	close(fd);
	return -1;
}

const struct fd_kind_ops timerfd_ops = {
	.name = "timerfd",
	.file_type = FD_TYPES__TIMERFD,
	.match = timerfd_match,
	.dump = timerfd_dump,
	.collect = timerfd_collect,
	.open = timerfd_open,
};
