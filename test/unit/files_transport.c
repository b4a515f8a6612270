// SPDX-License-Identifier: GPL-2.0
/*
 * The cross-task transport of open descriptions: two processes each send
 * the other far more descriptions than a socket queue holds before either
 * receives anything.  With plain blocking sends both would wait forever;
 * the transport must deliver every one, each tagged with its id and still
 * the very description that was sent.  And a task that fails must release
 * the others at once instead of leaving them to their timeout.
 */

#include <fcntl.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "unit.h"

#define NR_MSGS 1500 /* unix datagram queues hold 512 by default */
#define BASE_FD 100

static int side(struct files_rst_transport *tr, const pid_t *pids, int me, int *shared_fd)
{
	static bool got[NR_MSGS];
	int i, bad = 0;

	if (files_transport_enter(tr, pids[me], BASE_FD))
		return 1;
	for (i = 0; i < NR_MSGS; i++)
		if (files_transport_send(tr, pids[!me], (me + 1) * 100000 + i, shared_fd[me]))
			return 2;
	for (i = 0; i < NR_MSGS; i++) {
		uint32_t id;
		int fd;

		if (files_transport_recv(tr, &id, &fd))
			return 3;
		id -= (!me + 1) * 100000;
		if (id >= NR_MSGS || got[id])
			bad++;
		else
			got[id] = true;
		/* The description the other side sent, not a copy of anything. */
		if (syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, fd, shared_fd[!me]))
			bad++;
		close(fd);
	}
	return bad ? 4 : 0;
}

/* A task that fails tells the others, which stop waiting at once. */
static void test_abort(void)
{
	struct files_rst_transport *tr;
	pid_t pids[2] = { 2001, 2002 }, r[2];
	struct timespec t0, t1;
	int st[2], i;

	CHECK(files_rst_transport_create_pids(pids, 2, &tr) == 0, "transport");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 2; i++) {
		r[i] = fork();
		if (!r[i]) {
			uint32_t id;
			int fd;

			alarm(60);
			if (files_transport_enter(tr, pids[i], BASE_FD))
				_exit(1);
			if (i == 0) {
				files_transport_abort(tr);
				_exit(0);
			}
			/* Waits for a file task 0 will never send. */
			_exit(files_transport_recv(tr, &id, &fd) < 0 ? 0 : 2);
		}
	}
	files_rst_transport_destroy(tr);
	for (i = 0; i < 2; i++)
		waitpid(r[i], &st[i], 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(WIFEXITED(st[1]) && WEXITSTATUS(st[1]) == 0, "the waiting task gave up (0x%x)",
	      st[1]);
	CHECK(t1.tv_sec - t0.tv_sec < 5, "at once, not after the timeout");
}

int main(void)
{
	struct rlimit rl = { 4096, 4096 };
	struct files_rst_transport *tr;
	int shared_fd[2], st[2], i;
	pid_t pids[2] = { 1001, 1002 }, r[2];

	/* Stashed descriptions count against the fd limit while both send. */
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		printf("skipped: can't raise RLIMIT_NOFILE to %lu\n", (unsigned long)rl.rlim_cur);
		return 77;
	}
	shared_fd[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	shared_fd[1] = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	CHECK(shared_fd[0] >= 0 && shared_fd[1] >= 0, "files to send");
	CHECK(files_rst_transport_create_pids(pids, 2, &tr) == 0, "transport");

	for (i = 0; i < 2; i++) {
		r[i] = fork();
		if (!r[i]) {
			alarm(60);
			_exit(side(tr, pids, i, shared_fd));
		}
	}
	files_rst_transport_destroy(tr);
	for (i = 0; i < 2; i++) {
		waitpid(r[i], &st[i], 0);
		CHECK(WIFEXITED(st[i]) && WEXITSTATUS(st[i]) == 0,
		      "side %d delivered and got all %d (status 0x%x)", i, NR_MSGS, st[i]);
	}
	test_abort();
	return unit_done();
}
