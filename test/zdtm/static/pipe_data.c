// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes with queued data, their ends in different processes: the child
 * writes 100000 bytes into a 128 KiB pipe the test reads; the test writes
 * 100 bytes into a default-sized pipe whose read end, non-blocking, is in
 * the child.  After restore the data must be read back exactly and nothing
 * more (the pipe is then empty but not at EOF), both pipes must keep their
 * size (F_GETPIPE_SZ) and flags, and they must still carry new data and
 * report EOF when the writer goes.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define BIG_SZ (128 * 1024)
#define BIG_LEN 100000
#define SMALL_LEN 100

static int check_empty(int fd, const char *who)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 0) != 0) {
		fail("%s: the pipe is not empty and open after the data", who);
		return 1;
	}
	return 0;
}

static int wait_in(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 60000) == 1;
}

static int child(int rfd, int wfd, const uint8_t *small)
{
	uint8_t buf[SMALL_LEN];
	int ret = 0;

	test_waitsig();
	if (fcntl(rfd, F_GETFL) != (O_RDONLY | O_NONBLOCK) || fcntl(rfd, F_GETPIPE_SZ) != 65536) {
		fail("child: pipe flags 0%o size %d", fcntl(rfd, F_GETFL),
		     fcntl(rfd, F_GETPIPE_SZ));
		ret = 1;
	}
	if (read(rfd, buf, sizeof(buf)) != SMALL_LEN || memcmp(buf, small, SMALL_LEN)) {
		fail("child: wrong data in the small pipe");
		ret = 1;
	}
	ret |= check_empty(rfd, "child");
	if (write(wfd, "bye", 3) != 3) {
		fail("child: can't write any more");
		ret = 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static uint8_t big[BIG_LEN], buf[BIG_LEN + 1];
	uint8_t small[SMALL_LEN];
	int bp[2], sp[2], status, ret = 0;
	uint32_t crc = ~0U;
	pid_t pid;

	test_init(argc, argv);
	datagen2(big, BIG_LEN, &crc);
	datagen2(small, SMALL_LEN, &crc);
	if (pipe(bp) || pipe2(sp, O_NONBLOCK)) {
		pr_perror("pipe");
		return 1;
	}
	if (fcntl(bp[0], F_SETPIPE_SZ, BIG_SZ) != BIG_SZ) {
		pr_perror("F_SETPIPE_SZ");
		return 1;
	}
	/* the write end of sp blocks, the read end does not */
	if (fcntl(sp[1], F_SETFL, 0) || write_data(sp[1], small, SMALL_LEN)) {
		pr_perror("fill the small pipe");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(bp[0]);
		close(sp[1]);
		if (write_data(bp[1], big, BIG_LEN))
			_exit(2);
		_exit(child(sp[0], bp[1], small));
	}
	close(bp[1]);
	close(sp[0]);
	/* wait until the child's data is all queued */
	while (1) {
		int n = 0;

		if (ioctl(bp[0], FIONREAD, &n)) {
			pr_perror("FIONREAD");
			return 1;
		}
		if (n == BIG_LEN)
			break;
		if (waitpid(pid, &status, WNOHANG)) {
			pr_err("the child died");
			return 1;
		}
		usleep(10000);
	}
	if (set_nonblock(bp[0], 1)) {
		pr_perror("set_nonblock");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (fcntl(bp[0], F_GETPIPE_SZ) != BIG_SZ ||
	    fcntl(bp[0], F_GETFL) != (O_RDONLY | O_NONBLOCK)) {
		fail("big pipe: size %d flags 0%o", fcntl(bp[0], F_GETPIPE_SZ),
		     fcntl(bp[0], F_GETFL));
		ret = 1;
	}
	if (fcntl(sp[1], F_GETPIPE_SZ) != 65536 || fcntl(sp[1], F_GETFL) != O_WRONLY) {
		fail("small pipe: size %d flags 0%o", fcntl(sp[1], F_GETPIPE_SZ),
		     fcntl(sp[1], F_GETFL));
		ret = 1;
	}
	if (read(bp[0], buf, sizeof(buf)) != BIG_LEN || memcmp(buf, big, BIG_LEN)) {
		fail("wrong data in the big pipe");
		ret = 1;
	}
	ret |= check_empty(bp[0], "test");
	kill(pid, SIGTERM);
	/* "bye", then EOF; a minute each at most */
	if (!wait_in(bp[0]) || read(bp[0], buf, 3) != 3 || memcmp(buf, "bye", 3) ||
	    !wait_in(bp[0]) || read(bp[0], buf, 1) != 0) {
		fail("no \"bye\" and EOF from the child");
		ret = 1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
