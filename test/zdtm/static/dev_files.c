// SPDX-License-Identifier: GPL-2.0
/*
 * Character devices: /dev/null (write-only, O_APPEND), /dev/zero
 * (read-write), /dev/urandom (read-only, non-blocking,
 * FD_CLOEXEC) and /dev/full.  After restore each fd must be the same
 * device (st_rdev, path) with the same flags, and behave like it: null
 * swallows writes and reads EOF, zero reads zeros, urandom reads data that
 * is not all zeros, full refuses writes with ENOSPC.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "zdtmtst.h"

struct dev {
	const char *path;
	int flags;
	unsigned int maj, min;
	int fd, fl, fdfl;
};

static struct dev devs[] = {
	{ "/dev/null", O_WRONLY | O_APPEND, 1, 3 },
	{ "/dev/zero", O_RDWR, 1, 5 },
	{ "/dev/urandom", O_RDONLY | O_NONBLOCK | O_CLOEXEC, 1, 9 },
	{ "/dev/full", O_RDWR, 1, 7 },
};

static int fd_path(int fd, char *buf, size_t size)
{
	char lnk[64];
	ssize_t n;

	ssprintf(lnk, "/proc/self/fd/%d", fd);
	n = readlink(lnk, buf, size - 1);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

int main(int argc, char **argv)
{
	char buf[256], path[PATH_MAX];
	struct stat st;
	int i, j, ret = 0;

	test_init(argc, argv);
	for (i = 0; i < (int)ARRAY_SIZE(devs); i++) {
		struct dev *d = &devs[i];

		d->fd = open(d->path, d->flags);
		if (d->fd < 0) {
			pr_perror("open %s", d->path);
			return 1;
		}
		if (fstat(d->fd, &st) || !S_ISCHR(st.st_mode) || major(st.st_rdev) != d->maj ||
		    minor(st.st_rdev) != d->min) {
			pr_err("%s is not the usual device", d->path);
			return 1;
		}
		d->fl = fcntl(d->fd, F_GETFL);
		d->fdfl = fcntl(d->fd, F_GETFD);
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < (int)ARRAY_SIZE(devs); i++) {
		struct dev *d = &devs[i];

		memset(&st, 0, sizeof(st));
		if (fd_path(d->fd, path, sizeof(path)))
			path[0] = 0;
		if (fstat(d->fd, &st) || !S_ISCHR(st.st_mode) || major(st.st_rdev) != d->maj ||
		    minor(st.st_rdev) != d->min || strcmp(path, d->path)) {
			fail("%s: fd %d is now %s (%u:%u)", d->path, d->fd, path, major(st.st_rdev),
			     minor(st.st_rdev));
			ret = 1;
		}
		if (fcntl(d->fd, F_GETFL) != d->fl || fcntl(d->fd, F_GETFD) != d->fdfl) {
			fail("%s: flags 0%o/%d, expected 0%o/%d", d->path, fcntl(d->fd, F_GETFL),
			     fcntl(d->fd, F_GETFD), d->fl, d->fdfl);
			ret = 1;
		}
	}
	if (ret)
		goto out;
	if (write(devs[0].fd, "swallowed", 9) != 9 || read(devs[0].fd, buf, 1) != -1) {
		fail("/dev/null: does not swallow writes, or is readable");
		ret = 1;
	}
	memset(buf, 0x55, sizeof(buf));
	if (read(devs[1].fd, buf, sizeof(buf)) != sizeof(buf)) {
		fail("/dev/zero: short read");
		ret = 1;
	}
	for (j = 0; j < (int)sizeof(buf); j++) {
		if (buf[j]) {
			fail("/dev/zero: read a non-zero byte");
			ret = 1;
			break;
		}
	}
	memset(buf, 0, sizeof(buf));
	if (read(devs[2].fd, buf, sizeof(buf)) != sizeof(buf)) {
		fail("/dev/urandom: short read");
		ret = 1;
	}
	for (j = 0; j < (int)sizeof(buf) && !buf[j]; j++)
		;
	if (j == (int)sizeof(buf)) {
		fail("/dev/urandom: all zeros");
		ret = 1;
	}
	if (write(devs[3].fd, "x", 1) != -1 || errno != ENOSPC) {
		fail("/dev/full: a write did not fail with ENOSPC");
		ret = 1;
	}
out:
	if (!ret)
		pass();
	return 0;
}
