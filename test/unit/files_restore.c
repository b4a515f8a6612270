// SPDX-License-Identifier: GPL-2.0
/*
 * The files subsystem end to end on real processes: a child and a
 * grandchild set up regular files (one at an offset with O_APPEND, one
 * shared by two fds), an unlinked file with a hole, /dev/null and /dev/zero,
 * a pipe whose ends are split between them, a pipe with both ends in the
 * child, a FIFO, a directory and an eventfd; they are stopped, dumped,
 * killed, and two fresh processes restore their fds from the images and
 * check them from the inside.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/compiler.h"
#include "files.h"
#include "log.h"
#include "unit.h"

#define APPEND_FD 10
#define SHARED_FD 11
#define SHARED_DUP_FD 12
#define GHOST_FD 13
#define NULL_FD 14
#define ZERO_FD 15
#define SPLIT_R_FD 20 /* in the grandchild */
#define SPLIT_W_FD 21 /* in the child */
#define INNER_R_FD 22
#define INNER_W_FD 23
#define FIFO_R_FD 24
#define FIFO_W_FD 25
#define DIR_FD 26
#define EVENT_FD 27
#define SIGNAL_FD 28
#define TIMER_FD 29
#define EXPIRED_TIMER_FD 30
#define EPOLL_FD 31
#define LINK_PATH_FD 32 /* O_PATH | O_NOFOLLOW on a symlink */
#define INOTIFY_FD 33
#define TICKING_TIMER_FD 34 /* periodic, expirations not read */

#define SPLIT_DATA "data queued between two tasks"
#define INNER_DATA "data queued in the child's own pipe"
#define FIFO_DATA "fifo bytes"
#define GHOST_HEAD "contents of a file nobody can see"
#define GHOST_HOLE_AT 200000
#define GHOST_TAIL "tail after a hole"
#define SPLIT_PIPE_SZ (128 * 1024)

struct shared {
	int ready;
	pid_t grandchild;
	/* filled by the restored processes */
	unsigned long split_ino[2];
	int failed[2];
	int done[2]; /* 1: checks passed, 2: some failed */
	char ep_watches[512]; /* the epoll's watches as fdinfo showed them at dump */
};

static char dir[] = "/tmp/criu-files-XXXXXX";
static char watched_path[256], watched_moved[256], link_path[256], append_path[256], shared_path[256], ghost_path[256], fifo_path[256],
	img_dir[256];

static void must(int cond, const char *what)
{
	if (!cond) {
		perror(what);
		_exit(100);
	}
}

static void place(int fd, int at)
{
	int cloexec = fcntl(fd, F_GETFD) & FD_CLOEXEC ? O_CLOEXEC : 0;

	if (fd == at)
		return;
	must(dup3(fd, at, cloexec) == at, "dup3");
	close(fd);
}

/* Only 0-2 on /dev/null: the dumped tasks hold nothing of the test's. */
static void clean_fds(void)
{
	int fd = open("/dev/null", O_RDWR);

	must(fd >= 0, "open /dev/null");
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	syscall(SYS_close_range, 3, ~0U, 0);
}

static void grandchild(int rfd)
{
	place(rfd, SPLIT_R_FD);
	for (;;)
		pause();
}

static void child(struct shared *sh)
{
	int p[2], fd;
	pid_t g;

	clean_fds();

	fd = open(append_path, O_WRONLY | O_APPEND);
	must(fd >= 0, "append file");
	must(write(fd, "appended", 8) == 8, "write");
	lseek(fd, 5, SEEK_SET);
	place(fd, APPEND_FD);

	fd = open(shared_path, O_RDONLY | O_CLOEXEC);
	must(fd >= 0, "shared file");
	lseek(fd, 7, SEEK_SET);
	place(fd, SHARED_FD);
	must(dup2(SHARED_FD, SHARED_DUP_FD) == SHARED_DUP_FD, "dup");

	fd = open(ghost_path, O_RDWR | O_CREAT | O_EXCL, 0640);
	must(fd >= 0, "ghost file");
	must(write(fd, GHOST_HEAD, strlen(GHOST_HEAD)) > 0, "write");
	must(pwrite(fd, GHOST_TAIL, strlen(GHOST_TAIL), GHOST_HOLE_AT) > 0, "pwrite");
	lseek(fd, 3, SEEK_SET);
	unlink(ghost_path);
	place(fd, GHOST_FD);

	place(open("/dev/null", O_WRONLY), NULL_FD);
	place(open("/dev/zero", O_RDONLY | O_CLOEXEC), ZERO_FD);

	must(!pipe(p), "pipe");
	must(fcntl(p[1], F_SETPIPE_SZ, SPLIT_PIPE_SZ) >= SPLIT_PIPE_SZ, "F_SETPIPE_SZ");
	must(write(p[1], SPLIT_DATA, strlen(SPLIT_DATA)) > 0, "write");
	g = fork();
	must(g >= 0, "fork");
	if (!g) {
		close(p[1]);
		grandchild(p[0]);
	}
	sh->grandchild = g;
	close(p[0]);
	place(p[1], SPLIT_W_FD);

	must(!pipe2(p, O_NONBLOCK), "pipe2");
	must(write(p[1], INNER_DATA, strlen(INNER_DATA)) > 0, "write");
	place(p[0], INNER_R_FD);
	place(p[1], INNER_W_FD);
	must(fcntl(INNER_W_FD, F_SETFL, 0) == 0, "F_SETFL");

	place(open(fifo_path, O_RDONLY | O_NONBLOCK), FIFO_R_FD);
	place(open(fifo_path, O_WRONLY), FIFO_W_FD);
	must(write(FIFO_W_FD, FIFO_DATA, strlen(FIFO_DATA)) > 0, "write fifo");

	place(open(dir, O_RDONLY | O_DIRECTORY), DIR_FD);
	place(eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK), EVENT_FD);
	must(write(EVENT_FD, &(uint64_t){ 5000000000ULL }, 8) == 8, "eventfd");

	{
		uint64_t mask = 1ULL << (SIGUSR1 - 1) | 1ULL << (SIGRTMIN + 3 - 1);
		struct itimerspec its = { .it_value = { 100, 0 }, .it_interval = { 1, 500000000 } };
		struct itimerspec now = { .it_value = { 0, 1 } };

		place(syscall(SYS_signalfd4, -1, &mask, 8, SFD_NONBLOCK), SIGNAL_FD);
		place(timerfd_create(CLOCK_MONOTONIC, 0), TIMER_FD);
		must(!timerfd_settime(TIMER_FD, 0, &its, NULL), "timerfd_settime");
		place(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), EXPIRED_TIMER_FD);
		must(!timerfd_settime(EXPIRED_TIMER_FD, 0, &now, NULL), "timerfd_settime");
		its = (struct itimerspec){ .it_value = { 0, 1000000 },
					   .it_interval = { 0, 1000000 } };
		place(timerfd_create(CLOCK_MONOTONIC, 0), TICKING_TIMER_FD);
		must(!timerfd_settime(TICKING_TIMER_FD, 0, &its, NULL), "timerfd_settime");
		usleep(5000); /* one expiration, not read; several for the ticking one */
	}

	{
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u64 = 0x1234 };

		place(epoll_create1(0), EPOLL_FD);
		must(!epoll_ctl(EPOLL_FD, EPOLL_CTL_ADD, INNER_R_FD, &ev), "epoll_ctl");
		ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 77 };
		must(!epoll_ctl(EPOLL_FD, EPOLL_CTL_ADD, EVENT_FD, &ev), "epoll_ctl");
	}

	place(open(link_path, O_PATH | O_NOFOLLOW), LINK_PATH_FD);

	/* Watches 1 and 3 (2 was removed): restore must keep the numbers. */
	place(inotify_init1(IN_NONBLOCK), INOTIFY_FD);
	must(inotify_add_watch(INOTIFY_FD, dir, IN_CREATE) == 1, "watch 1");
	must(inotify_add_watch(INOTIFY_FD, shared_path, IN_OPEN) == 2, "watch 2");
	must(!inotify_rm_watch(INOTIFY_FD, 2), "rm watch 2");
	must(inotify_add_watch(INOTIFY_FD, append_path, IN_MODIFY | IN_ATTRIB) == 3, "watch 3");
	/* Renamed after the dump: restore must find it by its file handle. */
	close(open(watched_path, O_CREAT | O_WRONLY, 0600));
	must(inotify_add_watch(INOTIFY_FD, watched_path, IN_DELETE_SELF) == 4, "watch 4");

	__atomic_store_n(&sh->ready, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pause();
}

/* ---------------------------------------------------------------- checks */

static int failures;

#define RCHECK(cond, fmt, ...)                                                            \
	do {                                                                              \
		if (!(cond)) {                                                            \
			failures++;                                                       \
			fprintf(stderr, "FAIL (restored) %s:%d: %s: " fmt "\n", __FILE__, \
				__LINE__, #cond, ##__VA_ARGS__);                          \
		}                                                                         \
	} while (0)

static int acc_flags(int fd)
{
	return fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK);
}

static bool cloexec(int fd)
{
	return fcntl(fd, F_GETFD) & FD_CLOEXEC;
}

static off_t pos(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

static bool same_inode(int fd, const char *path)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static bool is_dev(int fd, unsigned int maj, unsigned int min)
{
	struct stat st;

	return !fstat(fd, &st) && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj &&
	       minor(st.st_rdev) == min;
}

static bool reads(int fd, const char *want)
{
	char buf[256] = {};
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	return n == (ssize_t)strlen(want) && !memcmp(buf, want, n);
}

static bool fdinfo_has(int fd, const char *line)
{
	char path[64], buf[1024] = {};
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	if (f < 0 || read(f, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(f);
	return strstr(buf, line) != NULL;
}

/* The "tfd: N events: E data: D" part of each watch, all on one line. */
static void epoll_watches(const char *fdinfo_path, char *out, size_t len)
{
	char buf[2048] = {}, *l;
	int f = open(fdinfo_path, O_RDONLY);

	out[0] = '\0';
	if (f < 0 || read(f, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(f);
	for (l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		char *pos = strstr(l, " pos:");

		if (strncmp(l, "tfd:", 4))
			continue;
		if (pos)
			*pos = '\0';
		strncat(out, l, len - strlen(out) - 2);
		strcat(out, ";");
	}
}

static void check_epoll(const struct shared *sh)
{
	char now[512];

	char was[512], *w;

	epoll_watches("/proc/self/fdinfo/" __stringify(EPOLL_FD), now, sizeof(now));
	snprintf(was, sizeof(was), "%s", sh->ep_watches);
	/* The kernel lists watches in its tree's order: compare as sets. */
	RCHECK(was[0] && strlen(now) == strlen(was), "epoll watches [%s], were [%s]", now, was);
	for (w = strtok(was, ";"); w; w = strtok(NULL, ";"))
		RCHECK(strstr(now, w), "epoll watch [%s] restored: [%s]", w, now);
}

static void check_signalfd(void)
{
	char want[64];

	snprintf(want, sizeof(want), "sigmask:\t%016llx",
		 1ULL << (SIGUSR1 - 1) | 1ULL << (SIGRTMIN + 3 - 1));
	RCHECK(fdinfo_has(SIGNAL_FD, want), "signalfd %s", want);
	RCHECK(acc_flags(SIGNAL_FD) == (O_RDWR | O_NONBLOCK), "signalfd flags");
}

static void check_timers(void)
{
	struct itimerspec its;
	uint64_t ticks = 0;

	RCHECK(!timerfd_gettime(TIMER_FD, &its) && its.it_value.tv_sec >= 90 &&
		       its.it_value.tv_sec < 100 && its.it_interval.tv_sec == 1 &&
		       its.it_interval.tv_nsec == 500000000,
	       "timer left %ld.%09ld every %ld.%09ld", its.it_value.tv_sec, its.it_value.tv_nsec,
	       its.it_interval.tv_sec, its.it_interval.tv_nsec);
	RCHECK(fdinfo_has(TIMER_FD, "clockid: 1"), "monotonic clock");
	RCHECK(read(EXPIRED_TIMER_FD, &ticks, 8) == 8 && ticks == 1,
	       "pending expiration kept (%llu)", (unsigned long long)ticks);
	RCHECK(read(EXPIRED_TIMER_FD, &ticks, 8) < 0 && errno == EAGAIN, "and only one");
	/* Its pending ticks kept it disarmed in the kernel: it must tick on. */
	RCHECK(read(TICKING_TIMER_FD, &ticks, 8) == 8 && ticks >= 2, "ticks kept (%llu)",
	       (unsigned long long)ticks);
	RCHECK(read(TICKING_TIMER_FD, &ticks, 8) == 8 && ticks >= 1, "and it ticks on");
}

static void check_o_path(void)
{
	struct stat a, b;

	RCHECK(fcntl(LINK_PATH_FD, F_GETFL) & O_PATH, "O_PATH kept");
	RCHECK(!fstat(LINK_PATH_FD, &a) && S_ISLNK(a.st_mode) && !lstat(link_path, &b) &&
		       a.st_ino == b.st_ino,
	       "O_PATH fd on the symlink itself");
}

static void check_inotify(void)
{
	char buf[4096] __aligned(8), path[300];
	struct inotify_event *ev = (void *)buf;
	struct stat st;
	ssize_t n;
	int fd;

	RCHECK(acc_flags(INOTIFY_FD) == (O_RDONLY | O_NONBLOCK), "inotify flags");
	RCHECK(!stat(dir, &st), "stat dir");
	snprintf(path, sizeof(path), "inotify wd:1 ino:%lx ", (unsigned long)st.st_ino);
	RCHECK(fdinfo_has(INOTIFY_FD, path), "watch 1 on the directory");
	RCHECK(!stat(append_path, &st), "stat");
	snprintf(path, sizeof(path), "inotify wd:3 ino:%lx ", (unsigned long)st.st_ino);
	RCHECK(fdinfo_has(INOTIFY_FD, path), "watch 3 on the append file");
	RCHECK(!fdinfo_has(INOTIFY_FD, "inotify wd:2 "), "no watch 2");
	RCHECK(!stat(watched_moved, &st), "stat");
	snprintf(path, sizeof(path), "inotify wd:4 ino:%lx ", (unsigned long)st.st_ino);
	RCHECK(fdinfo_has(INOTIFY_FD, path), "watch 4 found by handle after a rename");

	/* And it works: a file made in the directory shows up on wd 1. */
	snprintf(path, sizeof(path), "%s/new", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	unlink(path);
	n = read(INOTIFY_FD, buf, sizeof(buf));
	RCHECK(n >= (ssize_t)sizeof(*ev) && ev->wd == 1 && (ev->mask & IN_CREATE) &&
		       !strcmp(ev->name, "new"),
	       "IN_CREATE on wd 1 (read %zd: wd %d mask %x name %s)", n, ev->wd, ev->mask,
	       ev->len ? ev->name : "");
}

static void check_child(const struct shared *sh)
{
	struct stat st;
	char buf[64];
	uint64_t cnt;
	int i;

	for (i = 0; i < 3; i++)
		RCHECK(is_dev(i, 1, 3) && acc_flags(i) == O_RDWR, "fd %d", i);

	RCHECK(acc_flags(APPEND_FD) == (O_WRONLY | O_APPEND), "flags %o", acc_flags(APPEND_FD));
	RCHECK(pos(APPEND_FD) == 5, "pos %lld", (long long)pos(APPEND_FD));
	RCHECK(!cloexec(APPEND_FD), "cloexec");
	RCHECK(same_inode(APPEND_FD, append_path), "inode of %s", append_path);

	RCHECK(acc_flags(SHARED_FD) == O_RDONLY && pos(SHARED_FD) == 7, "shared file");
	RCHECK(cloexec(SHARED_FD) && !cloexec(SHARED_DUP_FD), "cloexec per fd");
	RCHECK(syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, SHARED_FD, SHARED_DUP_FD) == 0,
	       "fds 11 and 12 share one description");
	RCHECK(syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, SHARED_FD, APPEND_FD) != 0,
	       "distinct descriptions stay distinct");

	RCHECK(!fstat(GHOST_FD, &st) && st.st_nlink == 0, "ghost is unlinked again");
	RCHECK(st.st_size == GHOST_HOLE_AT + (off_t)strlen(GHOST_TAIL), "ghost size %lld",
	       (long long)st.st_size);
	RCHECK((st.st_mode & 07777) == 0640, "ghost mode %o", st.st_mode);
	RCHECK(acc_flags(GHOST_FD) == O_RDWR && pos(GHOST_FD) == 3, "ghost flags/pos");
	RCHECK(pread(GHOST_FD, buf, strlen(GHOST_HEAD), 0) == (ssize_t)strlen(GHOST_HEAD) &&
		       !memcmp(buf, GHOST_HEAD, strlen(GHOST_HEAD)),
	       "ghost head");
	RCHECK(pread(GHOST_FD, buf, 8, 1000) == 8 && !memcmp(buf, "\0\0\0\0\0\0\0\0", 8),
	       "ghost hole");
	RCHECK(pread(GHOST_FD, buf, strlen(GHOST_TAIL), GHOST_HOLE_AT) ==
			       (ssize_t)strlen(GHOST_TAIL) &&
		       !memcmp(buf, GHOST_TAIL, strlen(GHOST_TAIL)),
	       "ghost tail");
	RCHECK(access(ghost_path, F_OK) && errno == ENOENT, "ghost path stays free");
	{
		char link[300] = {}, want[300];

		snprintf(want, sizeof(want), "%s (deleted)", ghost_path);
		RCHECK(readlink("/proc/self/fd/" __stringify(GHOST_FD), link, sizeof(link) - 1) >
				       0 &&
			       !strcmp(link, want),
		       "ghost shows as \"%s\"", link);
	}

	RCHECK(is_dev(NULL_FD, 1, 3) && acc_flags(NULL_FD) == O_WRONLY && !cloexec(NULL_FD),
	       "/dev/null");
	RCHECK(is_dev(ZERO_FD, 1, 5) && cloexec(ZERO_FD), "/dev/zero");

	RCHECK(acc_flags(SPLIT_W_FD) == O_WRONLY, "split write end");
	RCHECK(fcntl(SPLIT_W_FD, F_GETPIPE_SZ) == SPLIT_PIPE_SZ, "pipe size %d",
	       fcntl(SPLIT_W_FD, F_GETPIPE_SZ));

	RCHECK(acc_flags(INNER_R_FD) == (O_RDONLY | O_NONBLOCK), "inner read end %o",
	       acc_flags(INNER_R_FD));
	RCHECK(acc_flags(INNER_W_FD) == O_WRONLY, "inner write end %o", acc_flags(INNER_W_FD));
	RCHECK(reads(INNER_R_FD, INNER_DATA), "inner pipe data");
	RCHECK(write(INNER_W_FD, "x", 1) == 1 && reads(INNER_R_FD, "x"), "inner ends are one pipe");

	RCHECK(acc_flags(FIFO_R_FD) == (O_RDONLY | O_NONBLOCK), "fifo read end");
	RCHECK(acc_flags(FIFO_W_FD) == O_WRONLY, "fifo write end");
	RCHECK(same_inode(FIFO_R_FD, fifo_path), "fifo inode");
	RCHECK(reads(FIFO_R_FD, FIFO_DATA), "fifo data");

	RCHECK(same_inode(DIR_FD, dir) && acc_flags(DIR_FD) == O_RDONLY, "directory");

	RCHECK(acc_flags(EVENT_FD) == (O_RDWR | O_NONBLOCK), "eventfd flags");
	/* Semaphore mode: every read takes 1 off the 5e9 counter. */
	RCHECK(read(EVENT_FD, &cnt, 8) == 8 && cnt == 1, "eventfd semaphore read %llu",
	       (unsigned long long)cnt);

	RCHECK(fdinfo_has(EVENT_FD, "12a05f1ff"), "eventfd counter 5000000000 - 1");

	check_signalfd();
	check_timers();
	check_epoll(sh);
	check_o_path();
	check_inotify();
}

static void check_grandchild(void)
{
	RCHECK(acc_flags(SPLIT_R_FD) == O_RDONLY, "split read end");
	RCHECK(reads(SPLIT_R_FD, SPLIT_DATA), "split pipe data");
	RCHECK(fcntl(SPLIT_R_FD, F_GETPIPE_SZ) == SPLIT_PIPE_SZ, "split pipe size");
}

/* A mapping of the unlinked file opened after the fds: the same inode. */
static void check_ghost_mapping(struct files_rst_ctx *ctx)
{
	struct stat a, b;
	uint32_t id;
	int fd = -1;

	for (id = 1; id < 100 && fd < 0; id++) {
		struct file_desc *d = files_rst_find(ctx, id);

		if (d && d->fe->type == FD_TYPES__REG && !strcmp(d->fe->reg->name, ghost_path))
			fd = files_rst_open_reg(ctx, id, O_RDONLY);
	}
	RCHECK(fd >= 0 && !fstat(fd, &a) && !fstat(GHOST_FD, &b) && a.st_ino == b.st_ino &&
		       a.st_dev == b.st_dev,
	       "mapping of the unlinked file shares the fd's inode");
	close(fd);
}

/* ---------------------------------------------------------------- driver */

static void restored(struct files_rst_ctx *ctx, struct files_rst_transport *tr, pid_t pid, int idx,
		     struct shared *sh)
{
	struct stat st;
	int err, fd;

	/* Our stderr survives the restore at a high number. */
	err = files_service_fd(dup(2), files_rst_max_fd(ctx) + 1);
	stderr = fdopen(err, "w");
	setvbuf(stderr, NULL, _IONBF, 0);
	if (files_rst_task(ctx, tr, pid)) {
		fprintf(stderr, "FAIL: restore of task %d\n", pid);
		__atomic_store_n(&sh->done[idx], 2, __ATOMIC_SEQ_CST);
		_exit(1);
	}
	if (idx == 0) {
		check_child(sh);
		check_ghost_mapping(ctx);
	} else
		check_grandchild();
	fd = idx == 0 ? SPLIT_W_FD : SPLIT_R_FD;
	if (!fstat(fd, &st))
		sh->split_ino[idx] = st.st_ino;
	sh->failed[idx] = failures;
	/* Stay alive for the test to compare descriptions across both. */
	__atomic_store_n(&sh->done[idx], failures ? 2 : 1, __ATOMIC_SEQ_CST);
	for (;;)
		pause();
}

/* Both restored tasks are done checking: do they share what they shared? */
static void check_shared_across(const struct shared *sh, pid_t r0, pid_t r1)
{
	static const int fds[] = { APPEND_FD, SHARED_FD, SHARED_DUP_FD, GHOST_FD, NULL_FD };
	int i, t;

	for (t = 0; t < 3000 && !(sh->done[0] && sh->done[1]); t++)
		usleep(10000);
	CHECK(sh->done[0] == 1, "restored child checks (%d failures)", sh->failed[0]);
	CHECK(sh->done[1] == 1, "restored grandchild checks (%d failures)", sh->failed[1]);
	for (i = 0; i < (int)ARRAY_SIZE(fds); i++)
		CHECK(syscall(SYS_kcmp, r0, r1, KCMP_FILE, fds[i], fds[i]) == 0,
		      "fd %d is one description in both restored tasks", fds[i]);
	CHECK(syscall(SYS_kcmp, r0, r1, KCMP_FILE, SPLIT_W_FD, SPLIT_R_FD) != 0,
	      "pipe ends are two descriptions");
}

static void setup_files(void)
{
	int fd;

	must(mkdtemp(dir) != NULL, "mkdtemp");
	/* Names with a space and a newline: paths must not be parsed as text. */
	snprintf(append_path, sizeof(append_path), "%s/append file\nwith newline", dir);
	snprintf(shared_path, sizeof(shared_path), "%s/shared", dir);
	snprintf(ghost_path, sizeof(ghost_path), "%s/ghost", dir);
	snprintf(fifo_path, sizeof(fifo_path), "%s/fifo", dir);
	snprintf(img_dir, sizeof(img_dir), "%s/images", dir);
	fd = open(append_path, O_CREAT | O_WRONLY, 0600);
	must(fd >= 0 && write(fd, "0123456789", 10) == 10, "append file");
	close(fd);
	fd = open(shared_path, O_CREAT | O_WRONLY, 0600);
	must(fd >= 0 && write(fd, "abcdefghijklmnop", 16) == 16, "shared file");
	close(fd);
	must(!mkfifo(fifo_path, 0600), "mkfifo");
	snprintf(link_path, sizeof(link_path), "%s/link", dir);
	snprintf(watched_path, sizeof(watched_path), "%s/watched", dir);
	snprintf(watched_moved, sizeof(watched_moved), "%s/watched-moved", dir);
	must(!symlink("nowhere", link_path), "symlink");
	must(!mkdir(img_dir, 0700), "mkdir");
}

static int count_ghost_leftovers(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "ls -a '%s' | grep -c criu-ghost >/dev/null", dir);
	return system(cmd) == 0;
}

int main(void)
{
	struct files_dump_opts dopts = { .ghost_limit = 1 << 20 };
	struct files_rst_opts ropts = {};
	struct files_dump_ctx *dctx;
	struct files_rst_ctx *rctx;
	struct files_rst_transport *tr;
	struct shared *sh;
	struct file_desc *d;
	uint32_t map_id[2];
	pid_t c, g, r[2];
	int i;
	int dfd, bytes = -1, pidfd, lfd;
	char cmd[512];

	/* pidfd_getfd() and kcmp() on other tasks need root (CAP_SYS_PTRACE). */
	if (geteuid() || syscall(SYS_pidfd_getfd, -1, 0, 0) != -1 || errno == ENOSYS) {
		printf("skipped: needs root and pidfd_getfd (Linux 5.6)\n");
		return 77;
	}
	setup_files();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	must(sh != MAP_FAILED, "mmap");

	c = fork();
	must(c >= 0, "fork");
	if (!c)
		child(sh);
	while (!__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST))
		usleep(1000);
	g = sh->grandchild;
	kill(c, SIGSTOP);
	kill(g, SIGSTOP);

	dfd = open(img_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	must(dfd >= 0, "images dir");
	CHECK(files_dump_ctx_create(dfd, &dopts, &dctx) == 0, "dump ctx");
	CHECK(files_dump_task(dctx, c, 1) == 0, "dump child %d", c);
	CHECK(files_dump_task(dctx, g, 2) == 0, "dump grandchild %d", g);
	/* Files of mappings: one entry per file and flags. */
	lfd = open(shared_path, O_RDONLY | O_CLOEXEC);
	CHECK(files_dump_reg_fd(dctx, c, lfd, O_RDONLY, &map_id[0]) == 0, "mapped file");
	CHECK(files_dump_reg_fd(dctx, c, lfd, O_RDONLY, &map_id[1]) == 0 && map_id[1] == map_id[0],
	      "same mapped file, same id");
	CHECK(files_dump_reg_fd(dctx, c, lfd, O_RDWR, &map_id[1]) == 0 && map_id[1] != map_id[0],
	      "other flags, other id");
	close(lfd);
	/* A caller building fd_parms by hand (mapped files) on an unlinked file. */
	{
		char path[300];
		struct fd_parms *fp = calloc(1, sizeof(*fp));

		snprintf(path, sizeof(path), "%s/mapped-unlinked", dir);
		lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		must(fp && lfd >= 0 && write(lfd, "m", 1) == 1 && !unlink(path), "unlinked");
		fp->pid = c;
		fp->fd = -1;
		fp->lfd = lfd;
		fp->mnt_id = -1;
		snprintf(fp->link, sizeof(fp->link), "%s (deleted)", path);
		must(!fstat(lfd, &fp->st), "fstat");
		map_id[1] = files_dump_new_id(dctx);
		CHECK(reg_file_ops.dump(dctx, fp, map_id[1]) == 0, "hand-built unlinked entry");
		CHECK(faccessat(dfd, "ghost-file-2.img", F_OK, 0) == 0, "its ghost image");
		free(fp);
		close(lfd);
	}
	CHECK(files_dump_ctx_finish(dctx) == 0, "finish dump");
	files_dump_ctx_destroy(dctx);

	/* Dumping took nothing out of the pipe. */
	pidfd = syscall(SYS_pidfd_open, c, 0);
	lfd = syscall(SYS_pidfd_getfd, pidfd, SPLIT_W_FD, 0);
	CHECK(lfd >= 0 && !ioctl(lfd, FIONREAD, &bytes) && bytes == (int)strlen(SPLIT_DATA),
	      "pipe data left in place (%d bytes)", bytes);
	close(lfd);
	close(pidfd);

	snprintf(cmd, sizeof(cmd), "/proc/%d/fdinfo/%d", c, EPOLL_FD);
	epoll_watches(cmd, sh->ep_watches, sizeof(sh->ep_watches));
	CHECK(strstr(sh->ep_watches, "data:             1234"), "epoll fdinfo: %s", sh->ep_watches);

	must(!rename(watched_path, watched_moved), "rename watched");
	kill(c, SIGKILL);
	kill(g, SIGKILL);
	waitpid(c, NULL, 0);
	/* The ghost is gone with its last holder. */

	CHECK(files_rst_ctx_open(dfd, &ropts, &rctx) == 0, "restore ctx");
	CHECK(files_rst_add_task(rctx, c, 1) == 0, "add child");
	CHECK(files_rst_add_task(rctx, g, 2) == 0, "add grandchild");
	CHECK(files_rst_prepare(rctx) == 0, "prepare");
	d = files_rst_find(rctx, map_id[0]);
	CHECK(d && d->fe->type == FD_TYPES__REG && !strcmp(d->fe->reg->name, shared_path) &&
		      d->fe->reg->flags == O_RDONLY && d->nr_holders == 0,
	      "mapped file entry in files.img");
	lfd = files_rst_open_reg(rctx, map_id[0], O_RDONLY);
	CHECK(lfd >= 0 && same_inode(lfd, shared_path) && cloexec(lfd), "mapped file reopened");
	close(lfd);
	lfd = files_rst_open_reg(rctx, map_id[1], O_RDWR);
	{
		struct stat st;
		char m = 0;

		CHECK(lfd >= 0 && !fstat(lfd, &st) && st.st_nlink == 0 &&
			      pread(lfd, &m, 1, 0) == 1 && m == 'm',
		      "unlinked mapped file recreated");
	}
	close(lfd);
	close(dfd);
	/* Put the transport's sockets right where restored fds must go. */
	for (i = 3; i < APPEND_FD; i++)
		dup2(0, i);
	CHECK(files_rst_transport_create(rctx, &tr) == 0, "transport");
	for (i = 3; i < APPEND_FD; i++)
		close(i);
	CHECK(fcntl(APPEND_FD, F_GETFD) >= 0, "a transport socket sits at fd %d", APPEND_FD);
	if (unit_failed)
		return unit_done();

	fflush(NULL);
	r[0] = fork();
	if (!r[0])
		restored(rctx, tr, c, 0, sh);
	r[1] = fork();
	if (!r[1])
		restored(rctx, tr, g, 1, sh);
	files_rst_transport_destroy(tr);
	files_rst_ctx_close(rctx);
	check_shared_across(sh, r[0], r[1]);
	kill(r[0], SIGKILL);
	kill(r[1], SIGKILL);
	waitpid(r[0], NULL, 0);
	waitpid(r[1], NULL, 0);
	CHECK(sh->split_ino[0] && sh->split_ino[0] == sh->split_ino[1],
	      "split pipe ends are one pipe again (%lu, %lu)", sh->split_ino[0], sh->split_ino[1]);
	CHECK(!count_ghost_leftovers(), "no ghost file left behind in %s", dir);

	/* FILES_TEST_KEEP=1 leaves the images for crit. */
	if (getenv("FILES_TEST_KEEP")) {
		printf("images kept in %s\n", img_dir);
		return unit_done();
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "can't remove %s\n", dir);
	return unit_done();
}
