// SPDX-License-Identifier: GPL-2.0
/*
 * flock(2) locks (dumped with --file-locks): an exclusive lock held by the
 * test, a shared lock held by both the test and its child on two separate
 * open files, and an exclusive lock on an open file description shared by
 * the test and its child (inherited across fork).  After restore a fresh
 * open of each file by another process must conflict exactly as before, the lock lines of
 * /proc/self/fdinfo must be unchanged, and the holders must still own
 * their locks: once they drop them, others can take them.  Every attempt
 * is made by a new process.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "zdtmtst.h"

/*
 * Try a non-blocking lock from another process (a new open file
 * description): 0 if granted, -1 if refused, -2 on error.
 */
static int try_lock(const char *name, int op)
{
	int status;
	pid_t pid;

	pid = test_fork();
	if (pid < 0)
		return -2;
	if (pid == 0) {
		int fd = open(name, O_RDONLY);

		if (fd < 0)
			_exit(2);
		if (flock(fd, op | LOCK_NB))
			_exit(errno == EWOULDBLOCK ? 1 : 2);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
		return -2;
	return WEXITSTATUS(status) ? -1 : 0;
}

/* the "lock:" lines of an fd's fdinfo, without the lock numbers */
static int fd_locks(int fd, char *out, size_t size)
{
	char path[64], buf[4096], *l, *save, *p;
	size_t len = 0;

	ssprintf(path, "/proc/self/fdinfo/%d", fd);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	out[0] = 0;
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "lock:", 5))
			continue;
		p = strchr(l, ':');
		p = p ? strchr(p + 1, ':') : NULL;
		if (!p)
			return -1;
		len += snprintf(out + len, size - len, "%s\n", p + 1);
		if (len >= size)
			return -1;
	}
	return 0;
}

struct expect {
	const char *name;
	int sh_ok, ex_ok;
};

static const struct expect expects[] = {
	{ "ex.lock", 0, 0 },
	{ "sh.lock", 1, 0 },
	{ "shared-ofd.lock", 0, 0 },
};

static int check_conflicts(void)
{
	int i, sh, ex, ret = 0;

	for (i = 0; i < (int)ARRAY_SIZE(expects); i++) {
		sh = try_lock(expects[i].name, LOCK_SH);
		ex = try_lock(expects[i].name, LOCK_EX);
		if (sh == -2 || ex == -2) {
			pr_perror("%s: can't try the lock", expects[i].name);
			return 1;
		}
		if ((sh == 0) != expects[i].sh_ok || (ex == 0) != expects[i].ex_ok) {
			fail("%s: shared lock %s, exclusive lock %s", expects[i].name,
			     sh ? "refused" : "granted", ex ? "refused" : "granted");
			ret = 1;
		}
	}
	return ret;
}

int main(int argc, char **argv)
{
	int exfd, shfd, ofd, cp[2], i, status, ret = 0;
	char locks[3][512], now[512], c;
	pid_t pid;

	test_init(argc, argv);

	for (i = 0; i < (int)ARRAY_SIZE(expects); i++) {
		int fd = open(expects[i].name, O_RDWR | O_CREAT, 0644);

		if (fd < 0 || close(fd)) {
			pr_perror("create %s", expects[i].name);
			return 1;
		}
	}
	exfd = open("ex.lock", O_RDWR);
	shfd = open("sh.lock", O_RDONLY);
	ofd = open("shared-ofd.lock", O_RDWR);
	if (exfd < 0 || shfd < 0 || ofd < 0 || flock(exfd, LOCK_EX | LOCK_NB) ||
	    flock(shfd, LOCK_SH | LOCK_NB) || flock(ofd, LOCK_EX | LOCK_NB) || pipe(cp)) {
		pr_perror("lock");
		return 1;
	}

	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		/* keeps ofd (and its lock), takes its own shared lock */
		int fd = open("sh.lock", O_RDONLY);

		close(exfd);
		close(shfd);
		close(cp[0]);
		if (fd < 0 || flock(fd, LOCK_SH | LOCK_NB) || write(cp[1], "r", 1) != 1)
			_exit(2);
		test_waitsig();
		/* drop our locks on request */
		if (flock(fd, LOCK_UN) || close(ofd))
			_exit(3);
		_exit(0);
	}
	close(cp[1]);
	if (read(cp[0], &c, 1) != 1) {
		pr_err("the child failed");
		return 1;
	}
	/* the parent's own copy of ofd goes: the child keeps the lock alive */
	if (fd_locks(exfd, locks[0], sizeof(locks[0])) ||
	    fd_locks(shfd, locks[1], sizeof(locks[1])) ||
	    fd_locks(ofd, locks[2], sizeof(locks[2])) || !strstr(locks[0], "FLOCK") ||
	    !strstr(locks[2], "FLOCK")) {
		pr_err("no flock lines in fdinfo");
		return 1;
	}
	close(ofd);
	if (check_conflicts())
		return 1;

	test_daemon();
	test_waitsig();

	ret |= check_conflicts();
	if (fd_locks(exfd, now, sizeof(now)) || strcmp(now, locks[0])) {
		fail("ex.lock fdinfo locks:\n%s\nexpected:\n%s", now, locks[0]);
		ret = 1;
	}
	if (fd_locks(shfd, now, sizeof(now)) || strcmp(now, locks[1])) {
		fail("sh.lock fdinfo locks:\n%s\nexpected:\n%s", now, locks[1]);
		ret = 1;
	}
	/* the holders release: the locks were theirs */
	if (flock(exfd, LOCK_UN) || flock(shfd, LOCK_UN)) {
		fail("unlock");
		ret = 1;
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	}
	for (i = 0; i < (int)ARRAY_SIZE(expects); i++) {
		if (try_lock(expects[i].name, LOCK_EX)) {
			fail("%s: still locked after its holders released it", expects[i].name);
			ret = 1;
		}
	}
	if (!ret)
		pass();
	return 0;
}
