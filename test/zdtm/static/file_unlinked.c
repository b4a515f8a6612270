// SPDX-License-Identifier: GPL-2.0
/*
 * Files opened and then unlinked: a read-write one with data and an
 * offset, an empty one, and a read-only one whose path was then reused by
 * a new, different file.  After restore each fd must still reach its own
 * deleted inode (nlink 0, "(deleted)" in /proc/self/fd, same size, same
 * content, same offset) and remain usable; the new file at the reused path
 * must be untouched; and the directory must hold nothing else (no
 * leftovers of the checkpoint).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "zdtmtst.h"

#define FSIZE (3 * 4096 + 123)

struct ufile {
	const char *name;
	int flags;
	size_t size;
	off_t off;
	int fd;
	char link[PATH_MAX];
	uint32_t crc;
};

static struct ufile files[] = {
	{ "unlinked.data", O_RDWR, FSIZE, 3000 },
	{ "empty.data", O_RDWR | O_APPEND, 0, 0 },
	{ "reused.data", O_RDONLY, FSIZE, 5 },
};

#define NEWFILE "reused.data"
#define NEWDATA "a new file at the old path\n"

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

static int check(struct ufile *f)
{
	static uint8_t buf[FSIZE];
	char link[PATH_MAX];
	uint32_t crc = ~0U;
	struct stat st;

	if (fd_path(f->fd, link, sizeof(link)) || strcmp(link, f->link)) {
		fail("%s: fd points to \"%s\", expected \"%s\"", f->name, link, f->link);
		return 1;
	}
	if (fstat(f->fd, &st) || st.st_nlink != 0 || (size_t)st.st_size != f->size) {
		fail("%s: nlink %ld size %ld, expected 0 and %zu", f->name, (long)st.st_nlink,
		     (long)st.st_size, f->size);
		return 1;
	}
	if (lseek(f->fd, 0, SEEK_CUR) != f->off) {
		fail("%s: offset %ld, expected %ld", f->name, (long)lseek(f->fd, 0, SEEK_CUR),
		     (long)f->off);
		return 1;
	}
	if (f->size && (pread(f->fd, buf, f->size, 0) != (ssize_t)f->size ||
			datasum(buf, f->size, &crc) || ~crc != f->crc)) {
		fail("%s: content changed", f->name);
		return 1;
	}
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return 0;
	/* still writable, and the data stays with the inode */
	if (write(f->fd, "tail", 4) != 4 ||
	    pread(f->fd, buf, 4, (f->flags & O_APPEND) ? (off_t)f->size : f->off) != 4 ||
	    memcmp(buf, "tail", 4)) {
		fail("%s: can't write and read back", f->name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t data[FSIZE];
	char buf[128];
	struct dirent *de;
	int i, fd, ret = 0;
	DIR *d;

	test_init(argc, argv);

	for (i = 0; i < (int)ARRAY_SIZE(files); i++) {
		struct ufile *f = &files[i];

		f->crc = ~0U;
		datagen2(data, f->size, &f->crc);
		f->crc = ~f->crc;
		fd = open(f->name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write_data(fd, data, f->size) || close(fd)) {
			pr_perror("create %s", f->name);
			return 1;
		}
		f->fd = open(f->name, f->flags);
		if (f->fd < 0 || lseek(f->fd, f->off, SEEK_SET) != f->off || unlink(f->name) ||
		    fd_path(f->fd, f->link, sizeof(f->link))) {
			pr_perror("%s", f->name);
			return 1;
		}
		if (!strstr(f->link, " (deleted)")) {
			pr_err("%s: fd link \"%s\" is not deleted", f->name, f->link);
			return 1;
		}
	}
	fd = open(NEWFILE, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write_data(fd, NEWDATA, strlen(NEWDATA)) || close(fd)) {
		pr_perror("create " NEWFILE);
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < (int)ARRAY_SIZE(files); i++)
		ret |= check(&files[i]);
	if (read_file(NEWFILE, buf, sizeof(buf)) != (ssize_t)strlen(NEWDATA) ||
	    strcmp(buf, NEWDATA)) {
		fail("the new file at the reused path changed: \"%s\"", buf);
		ret = 1;
	}
	d = opendir(".");
	if (!d) {
		pr_perror("opendir");
		return 1;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name, *dot = strrchr(n, '.');

		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, NEWFILE))
			continue;
		/* the runner's own files */
		if (dot && (!strcmp(dot, ".out") || !strcmp(dot, ".pid")))
			continue;
		fail("unexpected file \"%s\" in the test directory", n);
		ret = 1;
	}
	closedir(d);
	if (!ret)
		pass();
	return 0;
}
