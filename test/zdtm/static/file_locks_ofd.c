// SPDX-License-Identifier: GPL-2.0
/*
 * Open file description locks (F_OFD_SETLK, dumped with --file-locks): a
 * write lock on [0, 10) and a read lock on [100, 200) owned by one open
 * file description that the test and its child share (inherited across
 * fork), and a read lock on [1000, EOF) owned by a second description the
 * test alone has.  After restore another process, with its own open file
 * description, must see exactly those conflicts (F_OFD_GETLK reports pid
 * -1), F_OFD_SETLK on them must fail with EAGAIN, the child's copy must
 * still own the locks (it can upgrade its read lock), and a POSIX lock of
 * another process must conflict with them too.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define FNAME "ofd.lock"

static int lock(int fd, int cmd, short type, off_t start, off_t len, struct flock *out)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	int ret = fcntl(fd, cmd, &fl);

	if (out)
		*out = fl;
	return ret;
}

static int expect(int fd, short want, off_t start, off_t len, short type, off_t lstart, off_t llen)
{
	struct flock fl;

	if (lock(fd, F_OFD_GETLK, want, start, len, &fl)) {
		pr_perror("F_OFD_GETLK");
		return 1;
	}
	if (fl.l_type != type ||
	    (type != F_UNLCK && (fl.l_start != lstart || fl.l_len != llen || fl.l_pid != -1))) {
		fail("F_OFD_GETLK(%d, %ld+%ld) gave type %d %ld+%ld pid %d, expected type %d "
		     "%ld+%ld",
		     want, (long)start, (long)len, fl.l_type, (long)fl.l_start, (long)fl.l_len,
		     fl.l_pid, type, (long)lstart, (long)llen);
		return 1;
	}
	if (type != F_UNLCK &&
	    (lock(fd, F_OFD_SETLK, want, start, len, NULL) != -1 || errno != EAGAIN)) {
		fail("F_OFD_SETLK(%d, %ld+%ld) was not refused", want, (long)start, (long)len);
		return 1;
	}
	return 0;
}

/* the checks from another process, with its own open of the file */
static int first_checks(int other)
{
	int ret = 0;

	ret |= expect(other, F_RDLCK, 5, 1, F_WRLCK, 0, 10);
	ret |= expect(other, F_WRLCK, 10, 90, F_UNLCK, 0, 0);
	ret |= expect(other, F_WRLCK, 150, 1, F_RDLCK, 100, 100);
	ret |= expect(other, F_RDLCK, 100, 100, F_UNLCK, 0, 0);
	ret |= expect(other, F_WRLCK, 2000, 1, F_RDLCK, 1000, 0);
	ret |= expect(other, F_WRLCK, 200, 800, F_UNLCK, 0, 0);
	return ret;
}

static int upgraded_checks(int other)
{
	int ret = 0;

	ret |= expect(other, F_RDLCK, 150, 1, F_WRLCK, 100, 100);
	/* a POSIX lock conflicts as well */
	if (lock(other, F_SETLK, F_RDLCK, 0, 5, NULL) != -1 || errno != EAGAIN) {
		fail("a POSIX lock does not conflict with the OFD lock");
		ret = 1;
	}
	return ret;
}

static int in_other_process(int (*checks)(int other))
{
	int status;
	pid_t pid;

	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		int other = open(FNAME, O_RDWR);

		if (other < 0) {
			pr_perror("open");
			_exit(1);
		}
		_exit(checks(other));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the checking process ended with 0x%x", status);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int fd, fd2, p[2], q[2], status, ret = 0;
	struct flock fl;
	pid_t pid;
	char c;

	test_init(argc, argv);
	fd = open(FNAME, O_RDWR | O_CREAT, 0644);
	fd2 = open(FNAME, O_RDONLY);
	if (fd < 0 || fd2 < 0 || ftruncate(fd, 4096) || pipe(p) || pipe(q)) {
		pr_perror("set-up");
		return 1;
	}
	if (lock(fd, F_OFD_SETLK, F_WRLCK, 0, 10, NULL) ||
	    lock(fd, F_OFD_SETLK, F_RDLCK, 100, 100, NULL) ||
	    lock(fd2, F_OFD_SETLK, F_RDLCK, 1000, 0, NULL)) {
		if (errno == EINVAL)
			test_skip("no OFD locks");
		pr_perror("F_OFD_SETLK");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(fd2);
		close(p[0]);
		close(q[1]);
		if (write(p[1], "r", 1) != 1)
			_exit(2);
		/* wait for the test's word, then upgrade the read lock */
		if (read(q[0], &c, 1) != 1)
			_exit(2);
		c = lock(fd, F_OFD_SETLK, F_WRLCK, 100, 100, NULL) ? 'F' : 'D';
		if (write(p[1], &c, 1) != 1)
			_exit(2);
		test_waitsig();
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	if (read(p[0], &c, 1) != 1) {
		pr_err("the child failed");
		return 1;
	}

	test_daemon();
	test_waitsig();

	ret |= in_other_process(first_checks);
	/* a description's own locks never conflict with it */
	if (lock(fd2, F_OFD_GETLK, F_WRLCK, 1000, 10, &fl) || fl.l_type != F_UNLCK) {
		fail("fd2 conflicts with its own lock");
		ret = 1;
	}
	/* the child's copy of the shared description upgrades the lock */
	if (write(q[1], "u", 1) != 1 || read(p[0], &c, 1) != 1 || c != 'D') {
		fail("the child could not upgrade its lock");
		ret = 1;
	}
	ret |= in_other_process(upgraded_checks);
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
