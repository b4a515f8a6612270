// SPDX-License-Identifier: GPL-2.0
/*
 * Open file descriptions shared across fork: a file opened read-write by
 * the test before forking two children, so that all three share one
 * offset and one set of status flags; a second file opened after the fork
 * by each process separately (three descriptions, three offsets).  After
 * restore a write by one process through the shared fd must advance the
 * offset seen by the others, an F_SETFL by one must be seen by the others,
 * FD_CLOEXEC (per fd) must stay per process, and the private descriptions
 * must keep their own offsets.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define NCHILD 2

static int shared_fd, own_fd;

/* each process has a command pipe in and a report pipe out */
static int cmd[NCHILD][2], rep[NCHILD][2];

static off_t cur(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

/*
 * Commands: 'w' write 10 bytes to the shared fd and report the new offset,
 * 'o' report the shared offset, 'f' report F_GETFL of the shared fd,
 * 'p' report the private offset, 'c' report FD_CLOEXEC of the shared fd.
 */
static void child(int n)
{
	char c;
	long v;
	int j;

	/* only our own ends: the parent's close must reach us as EOF */
	for (j = 0; j <= n; j++) {
		close(cmd[j][1]);
		close(rep[j][0]);
	}
	own_fd = open("private.data", O_RDONLY);
	if (own_fd < 0 || lseek(own_fd, 100 + n, SEEK_SET) != 100 + n)
		_exit(2);
	if (n == 1 && fcntl(shared_fd, F_SETFD, FD_CLOEXEC))
		_exit(2);
	v = 0;
	if (write(rep[n][1], &v, sizeof(v)) != sizeof(v))
		_exit(2);
	while (read(cmd[n][0], &c, 1) == 1) {
		switch (c) {
		case 'w':
			v = write(shared_fd, "0123456789", 10) == 10 ? cur(shared_fd) : -1;
			break;
		case 'o':
			v = cur(shared_fd);
			break;
		case 'f':
			v = fcntl(shared_fd, F_GETFL);
			break;
		case 'p':
			v = cur(own_fd);
			break;
		case 'c':
			v = fcntl(shared_fd, F_GETFD);
			break;
		default:
			_exit(3);
		}
		if (write(rep[n][1], &v, sizeof(v)) != sizeof(v))
			_exit(2);
	}
	_exit(0);
}

static long ask(int n, char c)
{
	long v;

	if (write(cmd[n][1], &c, 1) != 1 || read(rep[n][0], &v, sizeof(v)) != sizeof(v))
		return -100;
	return v;
}

int main(int argc, char **argv)
{
	pid_t pids[NCHILD];
	int i, status, ret = 0;
	long v, fl;
	off_t off;

	test_init(argc, argv);
	shared_fd = open("shared.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	own_fd = open("private.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (shared_fd < 0 || own_fd < 0 || write(shared_fd, "start", 5) != 5 ||
	    ftruncate(own_fd, 4096) || lseek(own_fd, 10, SEEK_SET) != 10) {
		pr_perror("set-up");
		return 1;
	}
	close(own_fd);
	for (i = 0; i < NCHILD; i++) {
		if (pipe(cmd[i]) || pipe(rep[i])) {
			pr_perror("pipe");
			return 1;
		}
		pids[i] = test_fork();
		if (pids[i] < 0) {
			pr_perror("fork");
			return 1;
		}
		if (pids[i] == 0)
			child(i);
		if (read(rep[i][0], &v, sizeof(v)) != sizeof(v) || v) {
			pr_err("child %d failed", i);
			return 1;
		}
	}
	own_fd = open("private.data", O_RDONLY);
	if (own_fd < 0 || lseek(own_fd, 10, SEEK_SET) != 10 || ask(0, 'w') != 15) {
		pr_perror("set-up");
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* the offset is shared, before and after new writes */
	if (cur(shared_fd) != 15 || ask(0, 'o') != 15 || ask(1, 'o') != 15) {
		fail("shared offsets %ld %ld %ld, expected 15", (long)cur(shared_fd), ask(0, 'o'),
		     ask(1, 'o'));
		ret = 1;
	}
	v = ask(1, 'w');
	off = cur(shared_fd);
	if (v != 25 || off != 25 || ask(0, 'o') != 25) {
		fail("after child 1 wrote: %ld in it, %ld here, %ld in child 0, expected 25", v,
		     (long)off, ask(0, 'o'));
		ret = 1;
	}
	if (write(shared_fd, "abc", 3) != 3 || ask(0, 'o') != 28 || ask(1, 'o') != 28) {
		fail("a write here does not move the children's offset");
		ret = 1;
	}
	/* status flags are shared too */
	if (fcntl(shared_fd, F_SETFL, O_APPEND | O_NONBLOCK)) {
		pr_perror("F_SETFL");
		return 1;
	}
	fl = fcntl(shared_fd, F_GETFL);
	if (ask(0, 'f') != fl || ask(1, 'f') != fl) {
		fail("F_SETFL not seen by the children: 0%lo 0%lo, expected 0%lo", ask(0, 'f'),
		     ask(1, 'f'), fl);
		ret = 1;
	}
	/* FD_CLOEXEC is per fd */
	if (fcntl(shared_fd, F_GETFD) != 0 || ask(0, 'c') != 0 || ask(1, 'c') != FD_CLOEXEC) {
		fail("FD_CLOEXEC: %d %ld %ld, expected 0 0 1", fcntl(shared_fd, F_GETFD),
		     ask(0, 'c'), ask(1, 'c'));
		ret = 1;
	}
	/* private descriptions keep private offsets */
	if (cur(own_fd) != 10 || ask(0, 'p') != 100 || ask(1, 'p') != 101) {
		fail("private offsets %ld %ld %ld, expected 10 100 101", (long)cur(own_fd),
		     ask(0, 'p'), ask(1, 'p'));
		ret = 1;
	}
	for (i = 0; i < NCHILD; i++) {
		close(cmd[i][1]);
		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fail("child %d ended with 0x%x", i, status);
			ret = 1;
		}
	}
	if (!ret)
		pass();
	return 0;
}
