// SPDX-License-Identifier: GPL-2.0
/*
 * A tree of 21 processes on three levels (the test, 4 children, 4
 * grandchildren each).  Every process remembers its pid, parent, process
 * group and session before the checkpoint and checks them after restore;
 * every parent checks that its children are still its own and exit cleanly.
 */
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define FANOUT 4
#define NPROCS (FANOUT + FANOUT * FANOUT)

struct ids {
	pid_t pid, ppid, pgid, sid;
};

static struct ids self;
static pid_t kids[FANOUT];
static int nkids;

static void record(void)
{
	self.pid = getpid();
	self.ppid = getppid();
	self.pgid = getpgid(0);
	self.sid = getsid(0);
}

static int check_self(const char *who)
{
	struct ids now = { getpid(), getppid(), getpgid(0), getsid(0) };
	int ret = 0;

	if (now.pid != self.pid) {
		fail("%s: pid %d, expected %d", who, now.pid, self.pid);
		ret = 1;
	}
	/* the test's own parent is the runner (or criu): not ours to check */
	if (strcmp(who, "test") && now.ppid != self.ppid) {
		fail("%s %d: ppid %d, expected %d", who, self.pid, now.ppid, self.ppid);
		ret = 1;
	}
	if (now.pgid != self.pgid) {
		fail("%s %d: pgid %d, expected %d", who, self.pid, now.pgid, self.pgid);
		ret = 1;
	}
	if (now.sid != self.sid) {
		fail("%s %d: sid %d, expected %d", who, self.pid, now.sid, self.sid);
		ret = 1;
	}
	return ret;
}

/* Stop the children and collect their verdicts: 0 if all were fine. */
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

static int spawn(int level, int wfd);

static void child(int level, int wfd)
{
	int i, ret;

	nkids = 0;
	record();
	if (level < 2) {
		for (i = 0; i < FANOUT; i++) {
			kids[i] = spawn(level + 1, wfd);
			if (kids[i] < 0)
				_exit(2);
			nkids++;
		}
	}
	if (write(wfd, "x", 1) != 1)
		_exit(2);
	close(wfd);

	test_waitsig();

	ret = reap_kids();
	ret |= check_self(level == 1 ? "child" : "grandchild");
	_exit(ret);
}

static int spawn(int level, int wfd)
{
	pid_t pid = test_fork();

	if (pid < 0) {
		pr_perror("fork");
		return -1;
	}
	if (pid == 0)
		child(level, wfd);
	return pid;
}

int main(int argc, char **argv)
{
	int p[2], i, got = 0;
	char buf[NPROCS];
	ssize_t n;

	test_init(argc, argv);
	record();

	if (pipe(p)) {
		pr_perror("pipe");
		return 1;
	}
	for (i = 0; i < FANOUT; i++) {
		pid_t pid = test_fork();

		if (pid < 0) {
			pr_perror("fork");
			return 1;
		}
		if (pid == 0) {
			close(p[0]);
			child(1, p[1]);
		}
		kids[nkids++] = pid;
	}
	close(p[1]);
	/* every process of the tree writes one byte once it is set up */
	while (got < NPROCS) {
		n = read(p[0], buf, sizeof(buf));
		if (n <= 0) {
			pr_perror("only %d of %d processes are ready", got, NPROCS);
			return 1;
		}
		got += n;
	}
	close(p[0]);

	test_daemon();
	test_waitsig();

	if (!reap_kids() && !check_self("test"))
		pass();
	return 0;
}
