// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX record locks (fcntl F_SETLK, dumped with --file-locks): the child
 * holds a write lock on [0, 100) and a read lock on [200, 300), the test a
 * read lock from 500 to the end of the file.  After restore F_GETLK from
 * the other process must report exactly those locks (type, range, owner
 * pid), F_SETLK on them must fail with EAGAIN where they conflict and
 * succeed where they do not, and once the child drops its write lock the
 * test can take it.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define FNAME "posix.lock"

static int lock(int fd, int cmd, short type, off_t start, off_t len, struct flock *out)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	int ret = fcntl(fd, cmd, &fl);

	if (out)
		*out = fl;
	return ret;
}

/*
 * Check that a lock of type want on [start, start+len) is reported as
 * blocked by (type, start, len, pid), or free if type is F_UNLCK.
 */
static int expect(int fd, const char *who, short want, off_t start, off_t len, short type,
		  off_t lstart, off_t llen, pid_t pid)
{
	struct flock fl;

	if (lock(fd, F_GETLK, want, start, len, &fl)) {
		pr_perror("%s: F_GETLK", who);
		return 1;
	}
	if (fl.l_type != type ||
	    (type != F_UNLCK && (fl.l_start != lstart || fl.l_len != llen || fl.l_pid != pid))) {
		fail("%s: F_GETLK(%d, %ld+%ld) gave type %d %ld+%ld pid %d, expected type %d "
		     "%ld+%ld pid %d",
		     who, want, (long)start, (long)len, fl.l_type, (long)fl.l_start, (long)fl.l_len,
		     fl.l_pid, type, (long)lstart, (long)llen, pid);
		return 1;
	}
	/* and a real attempt agrees */
	if (type != F_UNLCK) {
		if (lock(fd, F_SETLK, want, start, len, NULL) != -1 ||
		    (errno != EAGAIN && errno != EACCES)) {
			fail("%s: F_SETLK(%d, %ld+%ld) was not refused", who, want, (long)start,
			     (long)len);
			return 1;
		}
	}
	return 0;
}

static void child(int fd, int wfd, pid_t parent)
{
	int ret = 0;
	char c = 'r';

	if (lock(fd, F_SETLK, F_WRLCK, 0, 100, NULL) ||
	    lock(fd, F_SETLK, F_RDLCK, 200, 100, NULL) || write(wfd, &c, 1) != 1)
		_exit(2);
	test_waitsig();
	/* the parent's read lock, seen from here */
	ret |= expect(fd, "child", F_WRLCK, 400, 200, F_RDLCK, 500, 0, parent);
	ret |= expect(fd, "child", F_RDLCK, 500, 10, F_UNLCK, 0, 0, 0);
	/* our own locks are still ours: we can downgrade and release them */
	if (lock(fd, F_SETLK, F_UNLCK, 0, 100, NULL)) {
		fail("child: unlock");
		ret = 1;
	}
	c = ret ? 'F' : 'D';
	if (write(wfd, &c, 1) != 1)
		_exit(2);
	pause();
	_exit(0);
}

int main(int argc, char **argv)
{
	int fd, p[2], status, ret = 0;
	pid_t pid, me = getpid();
	char c;

	test_init(argc, argv);
	me = getpid();
	fd = open(FNAME, O_RDWR | O_CREAT, 0644);
	if (fd < 0 || ftruncate(fd, 4096) || pipe(p)) {
		pr_perror("set-up");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		child(fd, p[1], me);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1 || lock(fd, F_SETLK, F_RDLCK, 500, 0, NULL)) {
		pr_perror("set-up of the locks");
		return 1;
	}

	test_daemon();
	test_waitsig();

	ret |= expect(fd, "test", F_RDLCK, 0, 1, F_WRLCK, 0, 100, pid);
	ret |= expect(fd, "test", F_WRLCK, 50, 200, F_WRLCK, 0, 100, pid);
	ret |= expect(fd, "test", F_WRLCK, 100, 100, F_UNLCK, 0, 0, 0);
	ret |= expect(fd, "test", F_WRLCK, 250, 1, F_RDLCK, 200, 100, pid);
	ret |= expect(fd, "test", F_RDLCK, 200, 100, F_UNLCK, 0, 0, 0);
	ret |= expect(fd, "test", F_WRLCK, 300, 100, F_UNLCK, 0, 0, 0);

	kill(pid, SIGTERM);
	if (read(p[0], &c, 1) != 1 || c != 'D') {
		fail("the child's checks failed");
		ret = 1;
	}
	/* the child released [0, 100): now we can take it */
	if (lock(fd, F_SETLK, F_WRLCK, 0, 100, NULL)) {
		fail("can't lock what the child released");
		ret = 1;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (!ret)
		pass();
	return 0;
}
