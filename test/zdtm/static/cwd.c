// SPDX-License-Identifier: GPL-2.0
/*
 * Working directories: the test works in a subdirectory (with a space in
 * its name) of its directory, a child in another one.  After restore each
 * must be in its own: same getcwd(), same device and inode for ".", and a
 * relative path must reach the file left there.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtmtst.h"

struct where {
	char path[PATH_MAX];
	dev_t dev;
	ino_t ino;
};

static int enter(const char *dir, struct where *w)
{
	struct stat st;
	int fd;

	if (chdir(dir) || !getcwd(w->path, sizeof(w->path)) || stat(".", &st))
		return -1;
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	fd = open("marker", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, dir, strlen(dir)) != (ssize_t)strlen(dir)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int check(const struct where *w, const char *dir)
{
	char now[PATH_MAX] = "", buf[PATH_MAX];
	struct stat st;
	int ret = 0;

	if (!getcwd(now, sizeof(now)) || strcmp(now, w->path)) {
		fail("cwd %s, expected %s", now, w->path);
		ret = 1;
	}
	if (stat(".", &st) || st.st_dev != w->dev || st.st_ino != w->ino) {
		fail("\".\" is not the same directory");
		ret = 1;
	}
	if (read_file("marker", buf, sizeof(buf)) < 0 || strcmp(buf, dir)) {
		fail("marker in %s is wrong", dir);
		ret = 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	const char *mine = "cwd.dir/sub dir", *childs = "cwd.dir/other";
	struct where w;
	int p[2], status, ret = 0;
	pid_t pid;

	test_init(argc, argv);
	if (mkdir("cwd.dir", 0755) || mkdir(mine, 0755) || mkdir(childs, 0755)) {
		pr_perror("mkdir");
		return 1;
	}
	if (pipe(p)) {
		pr_perror("pipe");
		return 1;
	}
	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		if (enter(childs, &w) || write(p[1], "x", 1) != 1)
			_exit(2);
		close(p[1]);
		test_waitsig();
		_exit(check(&w, childs));
	}
	close(p[1]);
	if (read_data(p[0], (char[1]){}, 1)) {
		pr_err("the child failed");
		return 1;
	}
	close(p[0]);
	if (enter(mine, &w)) {
		pr_perror("can't enter %s", mine);
		return 1;
	}

	test_daemon();
	test_waitsig();

	ret = check(&w, mine);
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
