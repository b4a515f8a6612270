// SPDX-License-Identifier: GPL-2.0
/*
 * A tree of 100 small processes: the root, 9 children, 10 grandchildren
 * under each child.  Each process keeps a page with a pattern derived from
 * its place in the tree.  On SIGUSR1 the root passes the signal down; every
 * process checks its pid and its page, waits for its own children and
 * exits 0 only if all of them did; the root prints OK with the count.
 *
 * usage: tree [CHILDREN GRANDCHILDREN]   (default 9 10: 100 processes)
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "bench-wl.h"

#define MAX_KIDS 64

static unsigned long long *page;
static pid_t self;
static unsigned long long id;
static int ready[2];	/* every process writes a byte here once it is set up */

static void tell_ready(void)
{
	char c = 1;

	if (write(ready[1], &c, 1) != 1)
		_exit(0);
}

static void fill(void)
{
	unsigned int i;

	self = getpid();
	for (i = 0; i < 4096 / sizeof(*page); i++)
		page[i] = wl_pattern(id << 32 | self, i);
}

static int check(void)
{
	unsigned int i;

	if (getpid() != self)
		return 0;
	for (i = 0; i < 4096 / sizeof(*page); i++)
		if (page[i] != wl_pattern(id << 32 | self, i))
			return 0;
	return 1;
}

/* Forward SIGUSR1 to the kids, check ourselves, count the good ones below. */
static int verify(pid_t *kids, int nkids)
{
	int i, good, status;

	for (i = 0; i < nkids; i++)
		kill(kids[i], SIGUSR1);
	good = check();
	for (i = 0; i < nkids; i++) {
		if (waitpid(kids[i], &status, 0) != kids[i])
			continue;
		if (WIFEXITED(status))
			good += WEXITSTATUS(status);
	}
	return good;
}

static void child(int idx, int ngrand)
{
	pid_t kids[MAX_KIDS];
	int i, n = 0;

	id = idx + 1;
	fill();
	for (i = 0; i < ngrand; i++) {
		pid_t pid = fork();

		if (pid < 0)
			_exit(0);
		if (pid == 0) {
			id = (idx + 1) * 1000 + i + 1;
			fill();
			tell_ready();
			close(ready[0]);
			close(ready[1]);
			wl_wait(0);
			_exit(check());
		}
		kids[n++] = pid;
	}
	tell_ready();
	close(ready[0]);
	close(ready[1]);
	wl_wait(0);
	/* exit status: processes verified in this subtree (fits in 8 bits) */
	_exit(verify(kids, n));
}

int main(int argc, char **argv)
{
	int nchild = 9, ngrand = 10, i, n = 0, good, total;
	pid_t kids[MAX_KIDS];

	if (argc == 3) {
		nchild = atoi(argv[1]);
		ngrand = atoi(argv[2]);
	}
	if (nchild < 0 || nchild > MAX_KIDS || ngrand < 0 || ngrand > MAX_KIDS ||
	    ngrand + 1 > 255)
		return 2;
	if (setsid() < 0)
		return 2;
	wl_block_signals();
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 2;
	id = 0;
	fill();
	if (pipe(ready))
		return 2;
	for (i = 0; i < nchild; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			wl_say("FAIL fork: %s", strerror(errno));
			return 1;
		}
		if (pid == 0)
			child(i, ngrand);
		kids[n++] = pid;
	}
	total = 1 + nchild * (1 + ngrand);
	close(ready[1]);
	for (i = 1; i < total; i++) {
		char c;

		if (read(ready[0], &c, 1) != 1) {
			wl_say("FAIL only %d of %d processes started", i, total);
			return 1;
		}
	}
	close(ready[0]);
	wl_say("READY");
	wl_wait(1);
	good = verify(kids, n);
	if (good != total) {
		wl_say("FAIL %d of %d processes verified", good, total);
		return 1;
	}
	wl_say("OK %d processes verified", good);
	return 0;
}
