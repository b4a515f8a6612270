// SPDX-License-Identifier: GPL-2.0
/*
 * Regular files opened in different ways: read-only, read-write, write-only
 * with O_APPEND, non-blocking with FD_CLOEXEC, and one positioned past the
 * end of the file.  After restore every descriptor must name the same file
 * (path and inode), keep its access mode, status flags, FD_CLOEXEC and
 * offset, and behave accordingly when used: reads return the data at the
 * saved offset, writes land where they should, forbidden accesses fail.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "zdtmtst.h"

#define FSIZE 8192

struct ofile {
	const char *name;
	int flags;
	off_t off;
	int fd;
	int fl, fdfl;
	char path[PATH_MAX];
	struct stat st;
};

static struct ofile files[] = {
	{ "rdonly.data", O_RDONLY, 100 },
	{ "rdwr.data", O_RDWR, 1000 },
	{ "append.data", O_WRONLY | O_APPEND, FSIZE },
	{ "nonblock.data", O_RDWR | O_NONBLOCK | O_CLOEXEC, FSIZE - 1 },
	{ "hole.data", O_WRONLY, FSIZE + 5000 },
};

static uint8_t pat(int file, off_t i)
{
	return (uint8_t)(i * 131 + file * 17 + (i >> 8));
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

/* The byte at off as a fresh reader of the path sees it. */
static int byte_at(const char *path, off_t off)
{
	uint8_t c;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, &c, 1, off);
	close(fd);
	return n == 1 ? c : -1;
}

static int check_file(int i)
{
	struct ofile *f = &files[i];
	uint8_t buf[64];
	char path[PATH_MAX];
	struct stat st;
	int acc = f->flags & O_ACCMODE, ret = 0, j;
	off_t off;

	if (fcntl(f->fd, F_GETFL) != f->fl) {
		fail("%s: flags 0%o, expected 0%o", f->name, fcntl(f->fd, F_GETFL), f->fl);
		ret = 1;
	}
	if (fcntl(f->fd, F_GETFD) != f->fdfl) {
		fail("%s: fd flags %d, expected %d", f->name, fcntl(f->fd, F_GETFD), f->fdfl);
		ret = 1;
	}
	if (fd_path(f->fd, path, sizeof(path)) || strcmp(path, f->path)) {
		fail("%s: fd points to \"%s\", expected \"%s\"", f->name, path, f->path);
		ret = 1;
	}
	if (fstat(f->fd, &st) || st.st_ino != f->st.st_ino || st.st_dev != f->st.st_dev) {
		fail("%s: not the same inode", f->name);
		ret = 1;
	}
	if (stat(f->name, &st) || st.st_ino != f->st.st_ino) {
		fail("%s: the path names another file", f->name);
		ret = 1;
	}
	off = lseek(f->fd, 0, SEEK_CUR);
	if (off != f->off) {
		fail("%s: offset %ld, expected %ld", f->name, (long)off, (long)f->off);
		return 1;
	}
	if (ret)
		return ret;

	/* now use it */
	if (acc != O_WRONLY) {
		ssize_t want = f->off < FSIZE ? FSIZE - f->off : 0;
		ssize_t n = read(f->fd, buf, sizeof(buf));

		if (want > (ssize_t)sizeof(buf))
			want = sizeof(buf);
		if (n != want) {
			fail("%s: read %zd bytes, expected %zd", f->name, n, want);
			return 1;
		}
		for (j = 0; j < n; j++) {
			if (buf[j] != pat(i, f->off + j)) {
				fail("%s: wrong data at %ld", f->name, (long)f->off + j);
				return 1;
			}
		}
	} else if (read(f->fd, buf, 1) != -1 || errno != EBADF) {
		fail("%s: a write-only fd can be read", f->name);
		return 1;
	}
	if (acc == O_RDONLY) {
		if (write(f->fd, "x", 1) != -1 || errno != EBADF) {
			fail("%s: a read-only fd can be written", f->name);
			return 1;
		}
		return 0;
	}
	/* append: goes to the end whatever the offset; others: at the offset */
	if (f->flags & O_APPEND)
		lseek(f->fd, 0, SEEK_SET);
	off = lseek(f->fd, 0, SEEK_CUR);
	if (write(f->fd, "Z", 1) != 1) {
		fail("%s: write", f->name);
		return 1;
	}
	if (f->flags & O_APPEND)
		off = FSIZE;
	if (byte_at(f->name, off) != 'Z' || fstat(f->fd, &st) ||
	    st.st_size != (off + 1 > FSIZE ? off + 1 : FSIZE)) {
		fail("%s: the write did not land at %ld", f->name, (long)off);
		return 1;
	}
	if (f->off > FSIZE && byte_at(f->name, FSIZE + 10) != 0) {
		fail("%s: the hole is not a hole", f->name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t data[FSIZE];
	int i, j, ret = 0;

	test_init(argc, argv);

	for (i = 0; i < (int)ARRAY_SIZE(files); i++) {
		struct ofile *f = &files[i];
		int fd;

		for (j = 0; j < FSIZE; j++)
			data[j] = pat(i, j);
		fd = open(f->name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write_data(fd, data, FSIZE) || close(fd)) {
			pr_perror("can't create %s", f->name);
			return 1;
		}
		f->fd = open(f->name, f->flags);
		if (f->fd < 0) {
			pr_perror("can't open %s", f->name);
			return 1;
		}
		if (lseek(f->fd, f->off, SEEK_SET) != f->off || fstat(f->fd, &f->st) ||
		    fd_path(f->fd, f->path, sizeof(f->path))) {
			pr_perror("%s", f->name);
			return 1;
		}
		f->fl = fcntl(f->fd, F_GETFL);
		f->fdfl = fcntl(f->fd, F_GETFD);
		if (f->fl < 0 || f->fdfl != ((f->flags & O_CLOEXEC) ? FD_CLOEXEC : 0)) {
			pr_err("%s: unexpected flags", f->name);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < (int)ARRAY_SIZE(files); i++)
		ret |= check_file(i);
	if (!ret)
		pass();
	return 0;
}
