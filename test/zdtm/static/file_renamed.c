// SPDX-License-Identifier: GPL-2.0
/*
 * Files renamed while open: one renamed in place, one moved into a
 * subdirectory, one whose old name was then taken by another file.  After
 * restore each fd must reach the very same inode (not a copy) under its new
 * name, with its content and offset, and writes through the fd must be
 * seen through the new path.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "zdtmtst.h"

struct rfile {
	const char *old, *new;
	off_t off;
	int fd;
	char link[PATH_MAX];
	struct stat st;
};

static struct rfile files[] = {
	{ "a.data", "b.data", 7 },
	{ "c.data", "sub/c.moved", 0 },
	{ "d.data", "e.data", 30 },
};

#define TAKER "d.data"

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

static int check(int i)
{
	struct rfile *f = &files[i];
	char link[PATH_MAX], buf[64], want[64];
	struct stat st, pst;
	int n;

	if (fd_path(f->fd, link, sizeof(link)) || strcmp(link, f->link)) {
		fail("%s: fd points to \"%s\", expected \"%s\"", f->new, link, f->link);
		return 1;
	}
	if (fstat(f->fd, &st) || stat(f->new, &pst) || st.st_ino != f->st.st_ino ||
	    pst.st_ino != f->st.st_ino || st.st_dev != pst.st_dev || st.st_nlink != 1) {
		fail("%s: not the same inode any more", f->new);
		return 1;
	}
	if (lseek(f->fd, 0, SEEK_CUR) != f->off) {
		fail("%s: offset %ld, expected %ld", f->new, (long)lseek(f->fd, 0, SEEK_CUR),
		     (long)f->off);
		return 1;
	}
	n = snprintf(want, sizeof(want), "content of %s, padded .........................\n",
		     f->old);
	if (pread(f->fd, buf, n, 0) != n || memcmp(buf, want, n)) {
		fail("%s: content changed", f->new);
		return 1;
	}
	if (pwrite(f->fd, "W", 1, 0) != 1 || read_file(f->new, buf, sizeof(buf)) < 1 ||
	    buf[0] != 'W') {
		fail("%s: a write via the fd is not seen via the path", f->new);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char buf[64];
	int i, fd, ret = 0;

	test_init(argc, argv);
	if (mkdir("sub", 0755)) {
		pr_perror("mkdir");
		return 1;
	}
	for (i = 0; i < (int)ARRAY_SIZE(files); i++) {
		struct rfile *f = &files[i];
		int n = snprintf(buf, sizeof(buf),
				 "content of %s, padded .........................\n", f->old);

		f->fd = open(f->old, O_RDWR | O_CREAT | O_EXCL, 0644);
		if (f->fd < 0 || write_data(f->fd, buf, n) ||
		    lseek(f->fd, f->off, SEEK_SET) != f->off || rename(f->old, f->new) ||
		    fstat(f->fd, &f->st) || fd_path(f->fd, f->link, sizeof(f->link))) {
			pr_perror("%s", f->old);
			return 1;
		}
		if (!strstr(f->link, f->new)) {
			pr_err("%s: the fd shows \"%s\"", f->new, f->link);
			return 1;
		}
	}
	fd = open(TAKER, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write_data(fd, "taker", 5) || close(fd)) {
		pr_perror(TAKER);
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < (int)ARRAY_SIZE(files); i++)
		ret |= check(i);
	if (read_file(TAKER, buf, sizeof(buf)) != 5 || strcmp(buf, "taker")) {
		fail("the file that took an old name changed");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
