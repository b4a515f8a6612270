// SPDX-License-Identifier: GPL-2.0
/*
 * dup'ed descriptors in one process: a file duplicated with dup(), with
 * dup2() to a high number (1000), with F_DUPFD_CLOEXEC and dup3(O_CLOEXEC),
 * next to a separate open() of the same file; a pipe end duplicated over
 * stdin; gaps in the fd table.  After restore the copies must still share
 * one open file description (offset and status flags move together),
 * FD_CLOEXEC must stay per fd, the separate open must keep its own offset
 * and flags, the fd table must hold the same numbers (the gaps still free),
 * and the pipe must work through any of its copies.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "zdtmtst.h"

#define HIGH 1000
#define HIGH3 777

/* the open fd numbers as a string "0,1,2,..." (sorted by the kernel) */
static int fd_table(char *out, size_t size)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	size_t len = 0;
	int dfd;

	if (!d)
		return -1;
	dfd = dirfd(d);
	out[0] = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dfd)
			continue;
		len += snprintf(out + len, size - len, "%s,", de->d_name);
		if (len >= size) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	int fd, d1, dc, sep, gap, p[2], pin, i, ret = 0;
	int copies[5];
	int cloexec[5] = { 0, 0, 0, FD_CLOEXEC, FD_CLOEXEC };
	struct stat st0, st;
	char buf[16], table[512], now[512];

	test_init(argc, argv);
	fd = open("dup.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 8192) || lseek(fd, 500, SEEK_SET) != 500 || fstat(fd, &st0)) {
		pr_perror("set-up");
		return 1;
	}
	gap = open("/dev/null", O_RDONLY);
	d1 = dup(fd);
	dc = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (gap < 0 || d1 < 0 || dc < 0 || dup2(fd, HIGH) != HIGH ||
	    dup3(fd, HIGH3, O_CLOEXEC) != HIGH3) {
		pr_perror("dup");
		return 1;
	}
	copies[0] = fd;
	copies[1] = d1;
	copies[2] = HIGH;
	copies[3] = dc;
	copies[4] = HIGH3;
	sep = open("dup.data", O_RDONLY);
	if (sep < 0 || lseek(sep, 7, SEEK_SET) != 7 || pipe(p) || dup2(p[0], STDIN_FILENO) < 0) {
		pr_perror("set-up");
		return 1;
	}
	pin = p[0];
	/* leave a hole in the table */
	close(gap);

	test_daemon();
	/* after test_daemon(): the library's fd to the launcher is gone */
	if (fd_table(table, sizeof(table))) {
		pr_perror("fd_table");
		return 1;
	}
	test_waitsig();

	if (fd_table(now, sizeof(now)) || strcmp(now, table)) {
		fail("open fds %s, expected %s", now, table);
		ret = 1;
	}

	for (i = 0; i < 5; i++) {
		if (fcntl(copies[i], F_GETFD) != cloexec[i] || fstat(copies[i], &st) ||
		    st.st_ino != st0.st_ino || lseek(copies[i], 0, SEEK_CUR) != 500) {
			fail("copy %d (fd %d): FD_CLOEXEC %d offset %ld", i, copies[i],
			     fcntl(copies[i], F_GETFD), (long)lseek(copies[i], 0, SEEK_CUR));
			ret = 1;
		}
	}
	if (fcntl(gap, F_GETFD) != -1 || errno != EBADF) {
		fail("fd %d, closed before the checkpoint, is open", gap);
		ret = 1;
	}
	if (ret)
		goto out;
	/* the copies move together */
	for (i = 0; i < 5; i++) {
		off_t want = 1000 + i * 10;

		if (lseek(copies[i], want, SEEK_SET) != want ||
		    lseek(copies[(i + 1) % 5], 0, SEEK_CUR) != want) {
			fail("copies %d and %d do not share an offset", i, (i + 1) % 5);
			ret = 1;
		}
	}
	if (fcntl(HIGH, F_SETFL, O_APPEND) || !(fcntl(dc, F_GETFL) & O_APPEND) ||
	    !(fcntl(fd, F_GETFL) & O_APPEND)) {
		fail("status flags are not shared between the copies");
		ret = 1;
	}
	/* the separate open is separate */
	if (lseek(sep, 0, SEEK_CUR) != 7 ||
	    (fcntl(sep, F_GETFL) & (O_APPEND | O_ACCMODE)) != O_RDONLY) {
		fail("the separate open shares state with the copies");
		ret = 1;
	}
	/* the pipe through its copies */
	if (write(p[1], "in", 2) != 2 || read(STDIN_FILENO, buf, 1) != 1 || buf[0] != 'i' ||
	    read(pin, buf, 1) != 1 || buf[0] != 'n') {
		fail("the pipe does not work through stdin and its original fd");
		ret = 1;
	}
out:
	if (!ret)
		pass();
	return 0;
}
