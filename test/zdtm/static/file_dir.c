// SPDX-License-Identifier: GPL-2.0
/*
 * Directories opened with O_DIRECTORY: one read-only fd part-way through a
 * getdents64() scan, one O_PATH fd with FD_CLOEXEC.  After restore both
 * must name the same directory (path, inode) with the same flags; the scan
 * must continue where it stopped (the entries read before plus the rest
 * make up the directory exactly once), and both must work as dirfds for
 * openat()/fstatat() and for fchdir().
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define NFILES 40
#define DNAME "dir.test"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* seen[i] for file fNN, seen[NFILES] for "sub", +1 ".", +2 ".." */
static int seen[NFILES + 3];

static int note(const char *name)
{
	int i;

	if (!strcmp(name, "sub"))
		i = NFILES;
	else if (!strcmp(name, "."))
		i = NFILES + 1;
	else if (!strcmp(name, ".."))
		i = NFILES + 2;
	else if (sscanf(name, "f%d", &i) != 1 || i < 0 || i >= NFILES)
		return -1;
	return ++seen[i] == 1 ? 0 : -1;
}

/* Read one batch of entries (max bytes); returns entries read or -1. */
static int scan(int fd, size_t max)
{
	char buf[4096] __attribute__((aligned(8)));
	long n, pos;
	int cnt = 0;

	n = syscall(SYS_getdents64, fd, buf, max);
	if (n < 0)
		return -1;
	for (pos = 0; pos < n;) {
		struct linux_dirent64 *d = (void *)(buf + pos);

		if (note(d->d_name)) {
			fail("unexpected or repeated entry \"%s\"", d->d_name);
			return -1;
		}
		cnt++;
		pos += d->d_reclen;
	}
	return cnt;
}

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

static int check_fd(int fd, const char *what, int fl, int fdfl, const char *path,
		    const struct stat *st0)
{
	char p[PATH_MAX];
	struct stat st;

	if (fcntl(fd, F_GETFL) != fl || fcntl(fd, F_GETFD) != fdfl) {
		fail("%s: flags 0%o/%d, expected 0%o/%d", what, fcntl(fd, F_GETFL),
		     fcntl(fd, F_GETFD), fl, fdfl);
		return 1;
	}
	if (fd_path(fd, p, sizeof(p)) || strcmp(p, path)) {
		fail("%s: points to \"%s\", expected \"%s\"", what, p, path);
		return 1;
	}
	if (fstat(fd, &st) || !S_ISDIR(st.st_mode) || st.st_ino != st0->st_ino ||
	    st.st_dev != st0->st_dev) {
		fail("%s: not the same directory", what);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX], cwd[PATH_MAX], name[32], c;
	int dfd, pfd, fl, pfl, i, n, total, ret = 0;
	struct stat st0, st;
	off_t pos;

	test_init(argc, argv);

	if (mkdir(DNAME, 0755) || mkdir(DNAME "/sub", 0755)) {
		pr_perror("mkdir");
		return 1;
	}
	for (i = 0; i < NFILES; i++) {
		int fd;

		ssprintf(name, DNAME "/f%02d", i);
		fd = open(name, O_WRONLY | O_CREAT, 0644);
		c = 'a' + i % 26;
		if (fd < 0 || write(fd, &c, 1) != 1 || close(fd)) {
			pr_perror("create %s", name);
			return 1;
		}
	}
	dfd = open(DNAME, O_RDONLY | O_DIRECTORY);
	pfd = open(DNAME, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || pfd < 0 || fstat(dfd, &st0) || fd_path(dfd, path, sizeof(path))) {
		pr_perror("open " DNAME);
		return 1;
	}
	/* a small buffer: stop part-way */
	n = scan(dfd, 256);
	if (n <= 0 || n >= NFILES) {
		pr_err("the first getdents64 batch returned %d entries", n);
		return 1;
	}
	pos = lseek(dfd, 0, SEEK_CUR);
	fl = fcntl(dfd, F_GETFL);
	pfl = fcntl(pfd, F_GETFL);
	test_msg("%d entries read before the checkpoint\n", n);

	test_daemon();
	test_waitsig();

	ret |= check_fd(dfd, "dirfd", fl, 0, path, &st0);
	ret |= check_fd(pfd, "O_PATH dirfd", pfl, FD_CLOEXEC, path, &st0);
	if (lseek(dfd, 0, SEEK_CUR) != pos) {
		fail("directory position %ld, expected %ld", (long)lseek(dfd, 0, SEEK_CUR),
		     (long)pos);
		ret = 1;
	}
	total = n;
	while (!ret && (n = scan(dfd, 4096)) > 0)
		total += n;
	if (!ret && (n < 0 || total != NFILES + 3)) {
		fail("the scan saw %d entries in all, expected %d", total, NFILES + 3);
		ret = 1;
	}
	for (i = 0; i < NFILES + 3 && !ret; i++) {
		if (seen[i] != 1) {
			fail("entry %d seen %d times", i, seen[i]);
			ret = 1;
		}
	}
	/* both work as dirfds */
	for (i = 0; i < 2 && !ret; i++) {
		int fd = openat(i ? pfd : dfd, "f07", O_RDONLY);

		if (fd < 0 || read(fd, &c, 1) != 1 || c != 'a' + 7) {
			fail("openat(%s, f07) does not give the file", i ? "O_PATH fd" : "dirfd");
			ret = 1;
		}
		if (fd >= 0)
			close(fd);
		if (fstatat(i ? pfd : dfd, "sub", &st, 0) || !S_ISDIR(st.st_mode)) {
			fail("fstatat(sub)");
			ret = 1;
		}
	}
	if (!ret && (fchdir(pfd) || !getcwd(cwd, sizeof(cwd)) || strcmp(cwd, path))) {
		fail("fchdir to the O_PATH dirfd went to \"%s\"", cwd);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
