// SPDX-License-Identifier: GPL-2.0
/*
 * FIFOs with queued data: one opened by separate read (non-blocking) and
 * write descriptors, one opened read-write, and one whose writer is in the
 * child.  After restore every fd must still be that FIFO (path, S_ISFIFO,
 * inode, flags), the data must be read back exactly, and a new open of the
 * FIFO path must reach the same pipe: what is written through it comes out
 * of the old read end.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define LEN1 5000
#define LEN2 777
#define LEN3 3000

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

struct ffd {
	const char *fifo;
	int fd, fl;
	char path[PATH_MAX];
	struct stat st;
};

static int save(struct ffd *f, const char *fifo, int fd)
{
	f->fifo = fifo;
	f->fd = fd;
	f->fl = fcntl(fd, F_GETFL);
	return f->fl < 0 || fstat(fd, &f->st) || fd_path(fd, f->path, sizeof(f->path));
}

static int check(struct ffd *f)
{
	char path[PATH_MAX];
	struct stat st;

	if (fcntl(f->fd, F_GETFL) != f->fl) {
		fail("%s: fd %d flags 0%o, expected 0%o", f->fifo, f->fd, fcntl(f->fd, F_GETFL),
		     f->fl);
		return 1;
	}
	if (fd_path(f->fd, path, sizeof(path)) || strcmp(path, f->path)) {
		fail("%s: fd %d points to \"%s\", expected \"%s\"", f->fifo, f->fd, path, f->path);
		return 1;
	}
	if (fstat(f->fd, &st) || !S_ISFIFO(st.st_mode) || st.st_ino != f->st.st_ino) {
		fail("%s: fd %d is not the same FIFO", f->fifo, f->fd);
		return 1;
	}
	return 0;
}

static int read_exact(int fd, const uint8_t *want, size_t len, const char *what)
{
	static uint8_t buf[LEN1 + 1];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	n = read(fd, buf, len + 1);
	if (n != (ssize_t)len || memcmp(buf, want, len)) {
		fail("%s: read %zd bytes, expected %zu (or wrong data)", what, n, len);
		return 1;
	}
	if (poll(&pfd, 1, 0) != 0) {
		fail("%s: more data or EOF after the queued data", what);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t d1[LEN1], d2[LEN2], d3[LEN3];
	int r1, w1, rw2, r3, w, p[2], status, ret = 0, i;
	struct ffd f[4];
	uint32_t crc = ~0U;
	char c[8];
	pid_t pid;

	test_init(argc, argv);
	datagen2(d1, LEN1, &crc);
	datagen2(d2, LEN2, &crc);
	datagen2(d3, LEN3, &crc);
	if (mkfifo("fifo1", 0600) || mkfifo("fifo2", 0600) || mkfifo("fifo3", 0600) || pipe(p)) {
		pr_perror("mkfifo");
		return 1;
	}
	r1 = open("fifo1", O_RDONLY | O_NONBLOCK);
	w1 = open("fifo1", O_WRONLY);
	rw2 = open("fifo2", O_RDWR | O_NONBLOCK);
	r3 = open("fifo3", O_RDONLY | O_NONBLOCK);
	if (r1 < 0 || w1 < 0 || rw2 < 0 || r3 < 0 || write_data(w1, d1, LEN1) ||
	    write_data(rw2, d2, LEN2)) {
		pr_perror("open or fill the FIFOs");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		int fd = open("fifo3", O_WRONLY);

		if (fd < 0 || write_data(fd, d3, LEN3) || write(p[1], "r", 1) != 1)
			_exit(2);
		test_waitsig();
		_exit(write(fd, "end", 3) != 3);
	}
	if (read(p[0], c, 1) != 1) {
		pr_err("the child failed");
		return 1;
	}
	if (save(&f[0], "fifo1", r1) || save(&f[1], "fifo1", w1) || save(&f[2], "fifo2", rw2) ||
	    save(&f[3], "fifo3", r3)) {
		pr_perror("save");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < 4; i++)
		ret |= check(&f[i]);
	if (ret)
		goto out;
	ret |= read_exact(r1, d1, LEN1, "fifo1");
	ret |= read_exact(rw2, d2, LEN2, "fifo2");
	ret |= read_exact(r3, d3, LEN3, "fifo3");
	if (ret)
		goto out;
	/* a new writer through the path reaches the old readers */
	for (i = 1; i <= 2; i++) {
		char name[8];

		ssprintf(name, "fifo%d", i);
		w = open(name, O_WRONLY | O_NONBLOCK);
		if (w < 0 || write(w, "new", 3) != 3 || close(w)) {
			fail("%s: can't write through a new open", name);
			ret = 1;
			continue;
		}
		if (read(i == 1 ? r1 : rw2, c, sizeof(c)) != 3 || memcmp(c, "new", 3)) {
			fail("%s: data written through the path does not reach the old fd", name);
			ret = 1;
		}
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	} else if (read(r3, c, sizeof(c)) != 3 || memcmp(c, "end", 3) || read(r3, c, 1) != 0) {
		fail("fifo3: no \"end\" and EOF from the child");
		ret = 1;
	}
out:
	if (!ret)
		pass();
	return 0;
}
