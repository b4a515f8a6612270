// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions and process groups: a child that leads a new session, with a
 * process group of its own inside it joined by a sibling; a child that
 * leads a new group in the test's session, joined by a sibling and
 * inherited by a grandchild.  Each process checks its pid, parent, group and
 * session after restore; the test also checks them from the outside.
 */
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

struct ids {
	pid_t pid, ppid, pgid, sid;
};

static struct ids self;
static pid_t kids[4];
static int nkids;
static int ready_fd = -1;

static void get_ids(struct ids *ids)
{
	ids->pid = getpid();
	ids->ppid = getppid();
	ids->pgid = getpgid(0);
	ids->sid = getsid(0);
}

static int check_self(int root)
{
	struct ids now;
	int ret = 0;

	get_ids(&now);
	if (now.pid != self.pid || (!root && now.ppid != self.ppid) || now.pgid != self.pgid ||
	    now.sid != self.sid) {
		fail("pid/ppid/pgid/sid %d/%d/%d/%d, expected %d/%d/%d/%d", now.pid, now.ppid,
		     now.pgid, now.sid, self.pid, self.ppid, self.pgid, self.sid);
		ret = 1;
	}
	return ret;
}

static int reap_kids(void)
{
	int i, status, ret = 0;

	for (i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	for (i = 0; i < nkids; i++) {
		if (waitpid(kids[i], &status, 0) != kids[i]) {
			fail("%d: waitpid(%d)", self.pid, kids[i]);
			ret = 1;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fail("%d: child %d ended with status 0x%x", self.pid, kids[i], status);
			ret = 1;
		}
	}
	return ret;
}

/* Set-up of the calling process is complete: record it, report, wait. */
static void __attribute__((noreturn)) live(void)
{
	int ret;

	get_ids(&self);
	if (write(ready_fd, "x", 1) != 1)
		_exit(2);
	close(ready_fd);
	test_waitsig();
	ret = reap_kids();
	ret |= check_self(0);
	_exit(ret);
}

static pid_t spawn(void (*fn)(void *), void *arg)
{
	pid_t pid = test_fork();

	if (pid < 0) {
		pr_perror("fork");
		_exit(2);
	}
	if (pid == 0) {
		nkids = 0;
		fn(arg);
		live();
	}
	kids[nkids++] = pid;
	return pid;
}

static void plain(void *arg)
{
}

static void new_group(void *arg)
{
	if (setpgid(0, 0)) {
		pr_perror("setpgid");
		_exit(2);
	}
}

static void join_group(void *arg)
{
	pid_t pgid = *(pid_t *)arg;

	if (setpgid(0, pgid)) {
		pr_perror("setpgid(0, %d)", pgid);
		_exit(2);
	}
}

/* New session; children: one plain, one leading a group, one joining it. */
static void session_leader(void *arg)
{
	pid_t g;

	if (setsid() < 0) {
		pr_perror("setsid");
		_exit(2);
	}
	spawn(plain, NULL);
	g = spawn(new_group, NULL);
	/* setpgid into g's group needs the group to exist: wait for it */
	while (getpgid(g) != g)
		usleep(1000);
	spawn(join_group, &g);
}

/* New group in the test's session, inherited by its child. */
static void group_leader(void *arg)
{
	new_group(NULL);
	spawn(plain, NULL);
}

int main(int argc, char **argv)
{
	struct ids want[4];
	int p[2], i, got = 0, ret;
	pid_t a, b;
	char buf[16];
	ssize_t n;

	test_init(argc, argv);

	if (pipe(p)) {
		pr_perror("pipe");
		return 1;
	}
	ready_fd = p[1];
	a = spawn(session_leader, NULL);
	b = spawn(group_leader, NULL);
	while (getpgid(b) != b)
		usleep(1000);
	spawn(join_group, &b);
	spawn(plain, NULL);
	close(p[1]);

	/* 4 children, 3 + 1 grandchildren */
	while (got < 8) {
		n = read(p[0], buf, sizeof(buf));
		if (n <= 0) {
			pr_perror("only %d of 8 processes are ready", got);
			return 1;
		}
		got += n;
	}
	close(p[0]);

	get_ids(&self);
	for (i = 0; i < nkids; i++) {
		want[i].pgid = getpgid(kids[i]);
		want[i].sid = getsid(kids[i]);
	}
	if (want[0].sid != a || want[0].pgid != a || want[1].pgid != b || want[2].pgid != b ||
	    want[1].sid != self.sid || want[3].pgid != self.pgid) {
		pr_err("set-up went wrong");
		return 1;
	}

	test_daemon();
	test_waitsig();

	ret = 0;
	for (i = 0; i < nkids; i++) {
		if (getpgid(kids[i]) != want[i].pgid || getsid(kids[i]) != want[i].sid) {
			fail("child %d: pgid %d sid %d, expected %d %d", kids[i], getpgid(kids[i]),
			     getsid(kids[i]), want[i].pgid, want[i].sid);
			ret = 1;
		}
	}
	ret |= reap_kids();
	ret |= check_self(1);
	if (!ret)
		pass();
	return 0;
}
