// SPDX-License-Identifier: GPL-2.0
/*
 * Zombies: children that exited with known codes or were killed by a signal
 * before the checkpoint, and a grandchild left unreaped by a live child.
 * After restore each must still be a zombie with its exit status intact.
 */
#include <signal.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define NZOMBIES 4

static const int exit_codes[NZOMBIES] = { 0, 42, -SIGUSR2, -SIGKILL };

static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	ssprintf(path, "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static int check_status(pid_t pid, int status, int code)
{
	if (code >= 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != code)) {
		fail("zombie %d: status 0x%x, expected exit code %d", pid, status, code);
		return 1;
	}
	if (code < 0 && (!WIFSIGNALED(status) || WTERMSIG(status) != -code)) {
		fail("zombie %d: status 0x%x, expected signal %d", pid, status, -code);
		return 1;
	}
	return 0;
}

/* Wait until pid is a zombie, without reaping it. */
static int wait_zombie(pid_t pid)
{
	siginfo_t si;

	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT)) {
		pr_perror("waitid(%d)", pid);
		return -1;
	}
	return 0;
}

static pid_t make_zombie(int code)
{
	pid_t pid = test_fork();

	if (pid < 0) {
		pr_perror("fork");
		exit(1);
	}
	if (pid == 0) {
		if (code < 0) {
			signal(-code, SIG_DFL);
			kill(getpid(), -code);
			pause();
		}
		_exit(code);
	}
	if (wait_zombie(pid))
		exit(1);
	return pid;
}

/* A live child with a zombie child of its own (exit code 7). */
static void parent_of_zombie(int wfd)
{
	pid_t gc = make_zombie(7);
	int status, ret = 0;

	if (write(wfd, &gc, sizeof(gc)) != sizeof(gc))
		_exit(2);
	close(wfd);
	test_waitsig();
	if (proc_state(gc) != 'Z') {
		fail("grandchild %d is not a zombie (state %c)", gc, proc_state(gc));
		ret = 1;
	}
	if (waitpid(gc, &status, 0) != gc) {
		fail("waitpid(%d)", gc);
		_exit(1);
	}
	_exit(ret | check_status(gc, status, 7));
}

int main(int argc, char **argv)
{
	pid_t zombies[NZOMBIES], parent, gc;
	int i, status, p[2], ret = 0;

	test_init(argc, argv);

	for (i = 0; i < NZOMBIES; i++)
		zombies[i] = make_zombie(exit_codes[i]);

	if (pipe(p)) {
		pr_perror("pipe");
		return 1;
	}
	parent = test_fork();
	if (parent < 0) {
		pr_perror("fork");
		return 1;
	}
	if (parent == 0) {
		close(p[0]);
		parent_of_zombie(p[1]);
	}
	close(p[1]);
	if (read(p[0], &gc, sizeof(gc)) != sizeof(gc)) {
		pr_perror("child not ready");
		return 1;
	}
	close(p[0]);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NZOMBIES; i++) {
		if (proc_state(zombies[i]) != 'Z') {
			fail("child %d is not a zombie (state %c)", zombies[i],
			     proc_state(zombies[i]));
			ret = 1;
		}
	}
	for (i = 0; i < NZOMBIES; i++) {
		if (waitpid(zombies[i], &status, WNOHANG) != zombies[i]) {
			fail("zombie %d can't be reaped", zombies[i]);
			ret = 1;
			continue;
		}
		ret |= check_status(zombies[i], status, exit_codes[i]);
	}
	kill(parent, SIGTERM);
	if (waitpid(parent, &status, 0) != parent || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the parent of zombie %d ended with 0x%x", gc, status);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
