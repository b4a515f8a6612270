// SPDX-License-Identifier: GPL-2.0
/*
 * A changed root (run as root): the test chroots into a directory of its
 * own and works in a subdirectory of it.  After restore "/" must still be
 * that directory (same device and inode, the marker file at /marker) and
 * the working directory must be /sub.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "zdtmtst.h"

#define MARK "chroot zdtm marker"

int main(int argc, char **argv)
{
	struct stat root_st, st;
	char buf[PATH_MAX];
	int fd, ret = 0;

	test_init(argc, argv);
	if (getuid() != 0)
		test_skip("needs root (flags suid)");
	if (mkdir("newroot", 0755) || mkdir("newroot/sub", 0755)) {
		pr_perror("mkdir");
		return 1;
	}
	fd = open("newroot/marker", O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, MARK, strlen(MARK)) != (ssize_t)strlen(MARK) || close(fd)) {
		pr_perror("can't write the marker");
		return 1;
	}
	if (stat("newroot", &root_st)) {
		pr_perror("stat");
		return 1;
	}
	if (chroot("newroot") || chdir("/sub")) {
		pr_perror("chroot");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (stat("/", &st) || st.st_dev != root_st.st_dev || st.st_ino != root_st.st_ino) {
		fail("\"/\" is not the new root");
		ret = 1;
	}
	if (read_file("/marker", buf, sizeof(buf)) < 0 || strcmp(buf, MARK)) {
		fail("no marker at /marker");
		ret = 1;
	}
	if (!getcwd(buf, sizeof(buf)))
		strcpy(buf, "(unknown)");
	if (strcmp(buf, "/sub")) {
		fail("cwd is %s, expected /sub", buf);
		ret = 1;
	}
	if (stat("/sub/..", &st) || st.st_ino != root_st.st_ino) {
		fail("/sub/.. is not the root");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
