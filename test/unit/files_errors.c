// SPDX-License-Identifier: GPL-2.0
/*
 * The files subsystem refuses what it can't do, clearly: fds of kinds not
 * supported (a TCP socket, fanotify, memfd) fail the dump naming the task,
 * the fd and the kind; held file locks and stale epoll watches too; an unlinked
 * file over the ghost limit fails the dump; a file that changed size, a
 * file that vanished and a device that changed fail the restore naming the
 * path; corrupt or inconsistent images fail before anything is restored.
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "image.h"
#include "log.h"
#include "unit.h"

#include "images/fdinfo.pb-c.h"

static char dir[] = "/tmp/criu-files-err-XXXXXX";
static char log_path[256];

static void must(int cond, const char *what)
{
	if (!cond) {
		perror(what);
		exit(100);
	}
}

static bool log_has(const char *needle)
{
	static char buf[1 << 16];
	ssize_t n;
	int fd = open(log_path, O_RDONLY);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static void log_reset(void)
{
	must(!truncate(log_path, 0), "truncate log");
}

/* A child holding @fd at number @at (and only 0-2 besides), stopped. */
static pid_t stopped_child_with(int fd, int at)
{
	pid_t pid = fork();

	must(pid >= 0, "fork");
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (fd != at)
			dup2(fd, at);
		syscall(SYS_close_range, 3, at - 1, 0);
		syscall(SYS_close_range, at + 1, ~0U, 0);
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	close(fd);
	waitpid(pid, NULL, WUNTRACED);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int new_img_dir(const char *name)
{
	char path[512];
	int dfd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	must(!mkdir(path, 0700), "mkdir");
	dfd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	must(dfd >= 0, "open images dir");
	return dfd;
}

/* Dumps @pid as fdinfo 1 into a new images dir; the dump's result. */
static int dump_one(pid_t pid, int dfd, unsigned long ghost_limit)
{
	struct files_dump_opts o = { .ghost_limit = ghost_limit };
	struct files_dump_ctx *ctx;
	int ret;

	if (files_dump_ctx_create(dfd, &o, &ctx))
		return -1;
	ret = files_dump_task(ctx, pid, 1);
	if (files_dump_ctx_finish(ctx))
		ret = -1;
	files_dump_ctx_destroy(ctx);
	return ret;
}

/* Restores task @pid of @dfd in a new process; 0 when it worked. */
static int restore_one(int dfd, pid_t pid, const struct files_rst_opts *o)
{
	struct files_rst_ctx *ctx;
	pid_t r;
	int status;

	if (files_rst_ctx_open(dfd, o, &ctx))
		return -1;
	if (files_rst_add_task(ctx, pid, 1) || files_rst_prepare(ctx)) {
		files_rst_ctx_close(ctx);
		return -1;
	}
	r = fork();
	must(r >= 0, "fork");
	if (!r)
		_exit(files_rst_task(ctx, NULL, pid) ? 1 : 0);
	files_rst_ctx_close(ctx);
	waitpid(r, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void test_tcp_socket(void)
{
	int sk = socket(AF_INET, SOCK_STREAM, 0), dfd;
	char want[256];
	struct stat st;
	pid_t pid;

	must(sk >= 0 && !fstat(sk, &st), "socket");
	pid = stopped_child_with(sk, 5);
	dfd = new_img_dir("tcp");
	log_reset();
	CHECK(dump_one(pid, dfd, 1 << 20) < 0, "dump of a TCP socket fails");
	snprintf(want, sizeof(want),
		 "Can't dump fd 5 of task %d: socket:[%lu] (TCP sockets are not supported yet)",
		 pid, (unsigned long)st.st_ino);
	CHECK(log_has(want), "message: %s", want);
	reap(pid);
	close(dfd);
}

static void test_fanotify(void)
{
	int fd = fanotify_init(FAN_CLASS_NOTIF, O_RDONLY), dfd;
	char want[256];
	pid_t pid;

	must(fd >= 0, "fanotify");
	pid = stopped_child_with(fd, 7);
	dfd = new_img_dir("fanotify");
	log_reset();
	CHECK(dump_one(pid, dfd, 1 << 20) < 0, "dump of a fanotify fd fails");
	snprintf(
		want, sizeof(want),
		"Can't dump fd 7 of task %d: anon_inode:[fanotify] (fanotify is not supported yet)",
		pid);
	CHECK(log_has(want), "message: %s", want);
	reap(pid);
	close(dfd);
}

/* A watch on a file the task reaches by another number only. */
static void test_epoll_stale_watch(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int p[2], dfd;
	char want[256];
	pid_t pid;

	pid = fork();
	must(pid >= 0, "fork");
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		syscall(SYS_close_range, 3, ~0U, 0);
		if (pipe(p) || p[0] != 3 || epoll_create1(0) != 5 ||
		    epoll_ctl(5, EPOLL_CTL_ADD, 3, &ev) || dup2(3, 6) != 6)
			_exit(1);
		close(3); /* the watch stays: the file lives on as fd 6 */
		raise(SIGSTOP);
		for (;;)
			pause();
	}
	waitpid(pid, NULL, WUNTRACED);
	dfd = new_img_dir("epoll");
	log_reset();
	CHECK(dump_one(pid, dfd, 1 << 20) < 0, "dump of a stale epoll watch fails");
	snprintf(want, sizeof(want),
		 "Can't dump fd 5 of task %d: epoll watches fd 3, which the task closed or reused",
		 pid);
	CHECK(log_has(want), "message: %s", want);
	reap(pid);
	close(dfd);
}

static void test_nsfs(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY), dfd;
	char want[256], link[64] = {};
	pid_t pid;

	must(fd >= 0 && readlink("/proc/self/ns/net", link, sizeof(link) - 1) > 0, "ns file");
	pid = stopped_child_with(fd, 9);
	dfd = new_img_dir("nsfs");
	log_reset();
	CHECK(dump_one(pid, dfd, 1 << 20) < 0, "dump of a namespace file fails");
	snprintf(want, sizeof(want),
		 "Can't dump fd 9 of task %d: %s (namespace files are not supported yet)", pid,
		 link);
	CHECK(log_has(want), "message: %s", want);
	reap(pid);
	close(dfd);
}

static void test_file_lock(void)
{
	char path[256], want[512];
	int fd, dfd;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/locked", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	must(fd >= 0 && !flock(fd, LOCK_EX), "flock");
	pid = stopped_child_with(fd, 3);
	dfd = new_img_dir("lock");
	log_reset();
	CHECK(dump_one(pid, dfd, 1 << 20) < 0, "dump of a locked file fails");
	snprintf(
		want, sizeof(want),
		"Can't dump fd 3 of task %d: %s holds a file lock (use --file-locks to dump locks)",
		pid, path);
	CHECK(log_has(want), "message: %s", want);
	reap(pid);
	close(dfd);
}

static void test_ghost_limit(void)
{
	char path[256], want[512];
	int fd, dfd;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/big", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	must(fd >= 0 && ftruncate(fd, 100) == 0 && unlink(path) == 0, "big ghost");
	pid = stopped_child_with(fd, 4);
	dfd = new_img_dir("ghost");
	log_reset();
	CHECK(dump_one(pid, dfd, 10) < 0, "a ghost over the limit fails the dump");
	snprintf(want, sizeof(want),
		 "Can't dump fd 4 of task %d: unlinked file %s has 100 bytes, more than the "
		 "ghost limit of 10",
		 pid, path);
	CHECK(log_has(want), "message: %s", want);
	reap(pid);
	close(dfd);
}

/* A regular file dumped fine, then changed or removed before restore. */
static void test_changed_file(void)
{
	struct files_rst_opts o = {};
	char path[256], want[512];
	int fd, dfd;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/changes", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	must(fd >= 0 && write(fd, "12345", 5) == 5, "file");
	pid = stopped_child_with(fd, 3);
	dfd = new_img_dir("changed");
	CHECK(dump_one(pid, dfd, 1 << 20) == 0, "dump of a regular file");
	reap(pid);

	CHECK(restore_one(dfd, pid, &o) == 0, "restore of the unchanged file");

	fd = open(path, O_WRONLY | O_APPEND);
	must(fd >= 0 && write(fd, "678", 3) == 3, "grow");
	close(fd);
	log_reset();
	CHECK(restore_one(dfd, pid, &o) < 0, "restore fails once the size changed");
	snprintf(want, sizeof(want), "File %s has size 8, but 5 at dump", path);
	CHECK(log_has(want), "message: %s", want);

	o.skip_size_check = true;
	CHECK(restore_one(dfd, pid, &o) == 0, "restore with the size check off");
	o.skip_size_check = false;

	unlink(path);
	log_reset();
	CHECK(restore_one(dfd, pid, &o) < 0, "restore fails when the file is gone");
	snprintf(want, sizeof(want), "File %s (file id 2) no longer exists", path);
	CHECK(log_has(want), "message: %s", want);
	close(dfd);
}

/* /dev/null restored under a root where "/dev/null" is another device. */
static void test_device_changed(void)
{
	struct files_rst_opts o = {};
	char root[256], path[300];
	int dfd;
	pid_t pid;

	pid = stopped_child_with(open("/dev/null", O_RDONLY), 3);
	dfd = new_img_dir("dev");
	CHECK(dump_one(pid, dfd, 1 << 20) == 0, "dump of /dev/null");
	reap(pid);

	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(path, sizeof(path), "%s/dev", root);
	must(!mkdir(root, 0700) && !mkdir(path, 0700), "mkdir root");
	snprintf(path, sizeof(path), "%s/dev/null", root);
	must(!mknod(path, S_IFCHR | 0666, makedev(1, 5)), "mknod");
	o.root = root;
	log_reset();
	CHECK(restore_one(dfd, pid, &o) < 0, "restore fails on another device");
	snprintf(path, sizeof(path), "Device %s/dev/null is 1:5 here", root);
	CHECK(log_has(path), "message: %s", path);
	close(dfd);
}

static int copy_file(int from_dfd, int to_dfd, const char *name, size_t keep)
{
	char buf[4096];
	ssize_t n;
	int in = openat(from_dfd, name, O_RDONLY), out;

	if (in < 0)
		return -1;
	out = openat(to_dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	n = read(in, buf, sizeof(buf));
	if (n > 0 && (size_t)n > keep)
		n = keep;
	if (out < 0 || n < 0 || write(out, buf, n) != n)
		n = -1;
	close(in);
	close(out);
	return n < 0 ? -1 : 0;
}

static void test_corrupt_images(void)
{
	struct files_rst_opts o = {};
	struct files_rst_ctx *ctx;
	FdinfoEntry e = FDINFO_ENTRY__INIT;
	struct cr_img *img;
	int dfd, bad, fd;
	pid_t pid;

	pid = stopped_child_with(open("/dev/null", O_RDONLY), 3);
	dfd = new_img_dir("good");
	CHECK(dump_one(pid, dfd, 1 << 20) == 0, "dump for the corruption tests");
	reap(pid);

	/* Cut in the middle of the last message. */
	bad = new_img_dir("truncated");
	must(!copy_file(dfd, bad, "files.img", 20), "copy");
	log_reset();
	CHECK(files_rst_ctx_open(bad, &o, &ctx) < 0, "truncated files.img is refused");
	CHECK(log_has("files.img") && log_has("can't read the open files"),
	      "the message names files.img");
	close(bad);

	/* A garbage size prefix. */
	bad = new_img_dir("garbage");
	must(!copy_file(dfd, bad, "files.img", 4096), "copy");
	fd = openat(bad, "files.img", O_WRONLY);
	must(fd >= 0 && pwrite(fd, "\xff\xff\xff\x7f", 4, 8) == 4, "corrupt");
	close(fd);
	log_reset();
	CHECK(files_rst_ctx_open(bad, &o, &ctx) < 0, "garbage files.img is refused");
	CHECK(log_has("files.img"), "the message names files.img");
	close(bad);

	/* No files.img at all. */
	bad = new_img_dir("missing");
	log_reset();
	CHECK(files_rst_ctx_open(bad, &o, &ctx) < 0, "missing files.img is refused");
	CHECK(log_has("files.img"), "the message names files.img");
	close(bad);

	/* An fd pointing to a file id files.img does not have. */
	img = open_image_at(dfd, CR_FD_FDINFO, O_DUMP, 9);
	e.id = 999;
	e.fd = 4;
	e.type = FD_TYPES__REG;
	must(img && !pb_write_one(img, &e, PB_FDINFO) && !close_image(img), "fdinfo-9");
	CHECK(files_rst_ctx_open(dfd, &o, &ctx) == 0, "good files.img");
	log_reset();
	CHECK(files_rst_add_task(ctx, 1, 9) < 0, "dangling file id is refused");
	CHECK(log_has("fd 4 refers to file id 999, not in files.img"), "dangling id message");
	files_rst_ctx_close(ctx);
	close(dfd);
}

int main(void)
{
	char cmd[512];

	/* pidfd_getfd() and kcmp() on other tasks need root (CAP_SYS_PTRACE). */
	if (geteuid() || syscall(SYS_pidfd_getfd, -1, 0, 0) != -1 || errno == ENOSYS) {
		printf("skipped: needs root and pidfd_getfd (Linux 5.6)\n");
		return 77;
	}
	must(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(log_path, sizeof(log_path), "%s/log", dir);
	must(!log_init(log_path), "log_init");
	fprintf(stderr, "(errors below are expected: each case checks its message)\n");

	test_tcp_socket();
	test_fanotify();
	test_epoll_stale_watch();
	test_nsfs();
	test_file_lock();
	test_ghost_limit();
	test_changed_file();
	test_device_changed();
	test_corrupt_images();

	log_fini();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "can't remove %s\n", dir);
	return unit_done();
}
