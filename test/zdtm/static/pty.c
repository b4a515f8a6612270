// SPDX-License-Identifier: GPL-2.0
/*
 * A pseudo-terminal pair inside the tree: the test holds the master (and
 * a slave fd it does not use), its child the slave (opened with
 * O_NOCTTY), with non-default termios (raw mode, VMIN/VTIME, a custom
 * VINTR, 19200 baud) and window size, and data queued both ways (the slave
 * in raw mode, so no echo).  After
 * restore the slave must be the same pty (TIOCGPTN), termios and window
 * size must be unchanged on both sides, the queued data must come out
 * exactly, and new data written to the master must be read from the slave
 * and back.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>

#include "zdtmtst.h"

#define TO_SLAVE "queued for the slave"
#define TO_MASTER "queued for the master"

static struct termios tio;
static struct winsize ws = { .ws_row = 37, .ws_col = 123, .ws_xpixel = 800, .ws_ypixel = 600 };

static int same_termios(int fd, const char *who)
{
	struct termios t;
	struct winsize w;

	if (tcgetattr(fd, &t) || t.c_iflag != tio.c_iflag || t.c_oflag != tio.c_oflag ||
	    t.c_cflag != tio.c_cflag || t.c_lflag != tio.c_lflag ||
	    memcmp(t.c_cc, tio.c_cc, sizeof(t.c_cc)) || cfgetospeed(&t) != B19200) {
		fail("%s: termios changed", who);
		return 1;
	}
	if (ioctl(fd, TIOCGWINSZ, &w) || memcmp(&w, &ws, sizeof(w))) {
		fail("%s: window size %dx%d, expected %dx%d", who, w.ws_col, w.ws_row, ws.ws_col,
		     ws.ws_row);
		return 1;
	}
	return 0;
}

static int read_exact(int fd, const char *want, const char *who)
{
	char buf[64];
	size_t len = strlen(want), got = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (got < len) {
		ssize_t n;

		if (poll(&pfd, 1, 10000) != 1)
			break;
		n = read(fd, buf + got, len - got);
		if (n <= 0)
			break;
		got += n;
	}
	if (got != len || memcmp(buf, want, len)) {
		fail("%s: read %zu bytes, expected \"%s\"", who, got, want);
		return 1;
	}
	if (poll(&pfd, 1, 0) != 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = 0;
		fail("%s: more data than queued (revents 0x%x, %zd bytes \"%s\")", who, pfd.revents,
		     n, buf);
		return 1;
	}
	return 0;
}

static int child(int sl, int wfd)
{
	int ret = 0;

	if (write_data(sl, TO_MASTER, strlen(TO_MASTER)) || write(wfd, "c", 1) != 1)
		return 2;
	test_waitsig();
	ret |= same_termios(sl, "slave");
	ret |= read_exact(sl, TO_SLAVE, "slave");
	if (ret)
		return 1;
	/* ready: answer what the master sends next */
	if (write(sl, "R", 1) != 1 || read_exact(sl, "ping", "slave") || write(sl, "pong", 4) != 4)
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int ma, sl, ptn, ptn2, p[2], status, ret = 0;
	char name[64], c;
	pid_t pid;

	test_init(argc, argv);
	ma = posix_openpt(O_RDWR | O_NOCTTY);
	if (ma < 0 || grantpt(ma) || unlockpt(ma) || ptsname_r(ma, name, sizeof(name)) ||
	    ioctl(ma, TIOCGPTN, &ptn) || pipe(p)) {
		pr_perror("posix_openpt");
		return 1;
	}
	sl = open(name, O_RDWR | O_NOCTTY);
	if (sl < 0 || tcgetattr(sl, &tio)) {
		pr_perror("open %s", name);
		return 1;
	}
	cfmakeraw(&tio);
	tio.c_cc[VMIN] = 3;
	tio.c_cc[VTIME] = 7;
	tio.c_cc[VINTR] = 0x12;
	cfsetspeed(&tio, B19200);
	if (tcsetattr(sl, TCSANOW, &tio) || tcgetattr(sl, &tio) || ioctl(ma, TIOCSWINSZ, &ws)) {
		pr_perror("tcsetattr");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(ma);
		close(p[0]);
		_exit(child(sl, p[1]));
	}
	/*
	 * The slave stays open here too: closing a slave description makes
	 * the kernel flag the master "other side closed" (POLLHUP, EIO) at
	 * times, even with the child's copy still open.
	 */
	close(p[1]);
	if (read(p[0], &c, 1) != 1 || write_data(ma, TO_SLAVE, strlen(TO_SLAVE))) {
		pr_err("the child failed");
		return 1;
	}
	/* let the child's data reach the master */
	{
		struct pollfd pfd = { .fd = ma, .events = POLLIN };

		if (poll(&pfd, 1, 10000) != 1) {
			pr_err("no data from the slave");
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	if (ioctl(ma, TIOCGPTN, &ptn2) || ptn2 != ptn) {
		fail("the master is pty %d, expected %d", ptn2, ptn);
		ret = 1;
	}
	ret |= same_termios(ma, "master");
	ret |= read_exact(ma, TO_MASTER, "master");
	kill(pid, ret ? SIGKILL : SIGTERM);
	if (!ret && (read_exact(ma, "R", "master") || write(ma, "ping", 4) != 4 ||
		     read_exact(ma, "pong", "master"))) {
		fail("no echo through the pty");
		ret = 1;
	}
	if (ret)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid ||
	    (!ret && (!WIFEXITED(status) || WEXITSTATUS(status)))) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
