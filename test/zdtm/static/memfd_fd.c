// SPDX-License-Identifier: GPL-2.0
/*
 * memfd file descriptors (not mapped): one sealed against writes, growing
 * and shrinking and then against sealing, one with no seals at an offset,
 * one created without MFD_ALLOW_SEALING, and a second fd of the first
 * memfd opened through /proc/self/fd (a separate open file description).
 * After restore each fd must show the same name, size, content, offset and
 * F_GET_SEALS, the seals must be enforced (write, ftruncate and
 * F_ADD_SEALS fail), the unsealed memfd must be writable with the data
 * seen through a new open of it, and the two fds of the first memfd must
 * still be one inode with independent offsets.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "zdtmtst.h"

#define SZ1 10000
#define SZ2 5000

struct mfd {
	int fd;
	off_t off, size;
	int seals, fl;
	char link[PATH_MAX];
	uint32_t crc;
	struct stat st;
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

static int save(struct mfd *m, int fd)
{
	static uint8_t buf[SZ1];

	m->fd = fd;
	m->off = lseek(fd, 0, SEEK_CUR);
	m->seals = fcntl(fd, F_GET_SEALS);
	m->fl = fcntl(fd, F_GETFL);
	m->crc = ~0U;
	if (fstat(fd, &m->st) || fd_path(fd, m->link, sizeof(m->link)))
		return -1;
	m->size = m->st.st_size;
	if (pread(fd, buf, m->size, 0) != m->size)
		return -1;
	datasum(buf, m->size, &m->crc);
	return 0;
}

static int check(struct mfd *m, const char *what)
{
	static uint8_t buf[SZ1];
	char link[PATH_MAX];
	uint32_t crc = ~0U;
	struct stat st;

	if (fd_path(m->fd, link, sizeof(link)) || strcmp(link, m->link)) {
		fail("%s: \"%s\", expected \"%s\"", what, link, m->link);
		return 1;
	}
	if (fstat(m->fd, &st) || st.st_size != m->size ||
	    (st.st_mode & 07777) != (m->st.st_mode & 07777)) {
		fail("%s: size %ld mode 0%o, expected %ld 0%o", what, (long)st.st_size, st.st_mode,
		     (long)m->size, m->st.st_mode);
		return 1;
	}
	if (lseek(m->fd, 0, SEEK_CUR) != m->off || fcntl(m->fd, F_GET_SEALS) != m->seals ||
	    fcntl(m->fd, F_GETFL) != m->fl) {
		fail("%s: offset %ld seals 0x%x flags 0%o, expected %ld 0x%x 0%o", what,
		     (long)lseek(m->fd, 0, SEEK_CUR), fcntl(m->fd, F_GET_SEALS),
		     fcntl(m->fd, F_GETFL), (long)m->off, m->seals, m->fl);
		return 1;
	}
	if (pread(m->fd, buf, m->size, 0) != m->size || datasum(buf, m->size, &crc) ||
	    crc != m->crc) {
		fail("%s: content changed", what);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t data[SZ1];
	int fd1, fd2, fd3, fd1b, ret = 0;
	struct mfd m[4];
	uint32_t crc = ~0U;
	char path[64];
	struct stat st1, st2;

	test_init(argc, argv);
	datagen2(data, SZ1, &crc);
	fd1 = memfd_create("zdtm-sealed", MFD_ALLOW_SEALING);
	fd2 = memfd_create("zdtm-open", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	fd3 = memfd_create("zdtm-nosealing", 0);
	if (fd1 < 0 || fd2 < 0 || fd3 < 0) {
		pr_perror("memfd_create");
		return 1;
	}
	if (write_data(fd1, data, SZ1) || write_data(fd2, data + 100, SZ2) ||
	    write_data(fd3, data + 7, 333) || lseek(fd1, 1234, SEEK_SET) != 1234 ||
	    lseek(fd2, 77, SEEK_SET) != 77) {
		pr_perror("fill");
		return 1;
	}
	ssprintf(path, "/proc/self/fd/%d", fd1);
	fd1b = open(path, O_RDONLY);
	if (fd1b < 0 || lseek(fd1b, 99, SEEK_SET) != 99 ||
	    fcntl(fd1, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL)) {
		pr_perror("seal");
		return 1;
	}
	if (save(&m[0], fd1) || save(&m[1], fd2) || save(&m[2], fd3) || save(&m[3], fd1b)) {
		pr_perror("save");
		return 1;
	}

	test_daemon();
	test_waitsig();

	ret |= check(&m[0], "sealed");
	ret |= check(&m[1], "unsealed");
	ret |= check(&m[2], "no sealing");
	ret |= check(&m[3], "second fd of sealed");
	if (ret)
		goto out;
	if (fcntl(fd2, F_GETFD) != FD_CLOEXEC) {
		fail("unsealed: FD_CLOEXEC lost");
		ret = 1;
	}
	/* the seals hold */
	if (pwrite(fd1, "x", 1, 0) != -1 || ftruncate(fd1, SZ1 + 1) != -1 ||
	    ftruncate(fd1, 1) != -1 || fcntl(fd1, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) != -1) {
		fail("sealed: a seal is not enforced");
		ret = 1;
	}
	/* no sealing allowed on the third */
	if (fcntl(fd3, F_ADD_SEALS, F_SEAL_WRITE) != -1 || errno != EPERM) {
		fail("no sealing: could be sealed");
		ret = 1;
	}
	/* the unsealed one is writable, and a new open sees the data */
	ssprintf(path, "/proc/self/fd/%d", fd2);
	if (write(fd2, "new", 3) != 3 || read_file(path, (char *)data, sizeof(data)) < 80 ||
	    memcmp(data + 77, "new", 3)) {
		fail("unsealed: a write is not seen through a new open");
		ret = 1;
	}
	/* one inode, two offsets */
	if (fstat(fd1, &st1) || fstat(fd1b, &st2) || st1.st_ino != st2.st_ino ||
	    lseek(fd1b, 0, SEEK_CUR) != 99 || lseek(fd1, 0, SEEK_CUR) != 1234) {
		fail("the two fds of the sealed memfd are not one inode with two offsets");
		ret = 1;
	}
out:
	if (!ret)
		pass();
	return 0;
}
