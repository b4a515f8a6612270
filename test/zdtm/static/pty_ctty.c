// SPDX-License-Identifier: GPL-2.0
/*
 * A pty slave as the controlling terminal of the test's session: the test
 * (a session leader) opens the slave without O_NOCTTY, so it becomes its
 * terminal, and makes its child's process group the foreground one.
 * After restore the slave must still be the session's terminal (tty_nr in
 * /proc/self/stat, TIOCGSID), with the child's group in the foreground,
 * and /dev/tty must open it.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>

#include "zdtmtst.h"

/* tty_nr of /proc/self/stat, -1 on error */
static long stat_tty_nr(void)
{
	char buf[1024], *p;
	long nr;

	if (read_file("/proc/self/stat", buf, sizeof(buf)) < 0)
		return -1;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %ld", &nr) != 1)
		return -1;
	return nr;
}

int main(int argc, char **argv)
{
	int ma, sl, tty, sid = 0, p[2], status, ret = 0;
	struct stat st;
	char name[64], c;
	pid_t pid;

	test_init(argc, argv);
	ma = posix_openpt(O_RDWR | O_NOCTTY);
	if (ma < 0 || grantpt(ma) || unlockpt(ma) || ptsname_r(ma, name, sizeof(name)) || pipe(p)) {
		pr_perror("posix_openpt");
		return 1;
	}
	sl = open(name, O_RDWR); /* a session leader without a terminal: it becomes ours */
	if (sl < 0 || fstat(sl, &st) || stat_tty_nr() != (long)st.st_rdev) {
		pr_perror("%s did not become the terminal", name);
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		if (setpgid(0, 0) || write(p[1], "c", 1) != 1)
			_exit(2);
		test_waitsig();
		_exit(stat_tty_nr() == (long)st.st_rdev ? 0 : 3);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1 || tcsetpgrp(sl, pid)) {
		pr_perror("foreground group");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (stat_tty_nr() != (long)st.st_rdev) {
		fail("the session's terminal is %ld, expected %ld", stat_tty_nr(), (long)st.st_rdev);
		ret = 1;
	}
	if (ioctl(sl, TIOCGSID, &sid) || sid != getsid(0)) {
		fail("the pty belongs to session %d, expected %d", sid, getsid(0));
		ret = 1;
	}
	if (tcgetpgrp(sl) != pid) {
		fail("foreground group %d, expected %d", tcgetpgrp(sl), pid);
		ret = 1;
	}
	tty = open("/dev/tty", O_RDWR);
	if (tty < 0) {
		fail("can't open /dev/tty");
		ret = 1;
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
