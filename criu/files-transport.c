// SPDX-License-Identifier: GPL-2.0
/*
 * Handing open descriptions between restored tasks.  Each task has one
 * datagram socket pair, made in criu before the tasks are forked so that
 * every task inherits every pair: a task receives on its own pair and
 * sends with SCM_RIGHTS into the pair of the task it gives a file to.
 * Datagrams keep one description per message, tagged with its id, so the
 * order of arrival does not matter.  Owners hand out everything before they
 * wait for anything, and a send that finds the receiver's queue full takes
 * in what was sent to this task meanwhile (the receiver may be blocked
 * sending to us), so no cycle of tasks can block each other.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "files.h"
#include "log.h"

/* Id 0 names no description: a task that failed says so with it, no fd attached. */
#define TRANSPORT_ABORT 0

/* A task that waits longer than this for a file has lost its owner. */
#define TRANSPORT_TIMEOUT_MS 30000

/* A description received while this task was still sending. */
struct stashed {
	uint32_t id;
	int fd;
};

struct files_rst_transport {
	int nr;
	pid_t *pids;
	int (*sk)[2]; /* [0]: the task receives here; [1]: others send here */
	int self; /* index of the task this process became, -1 in criu */
	struct stashed *stash;
	size_t nr_stash;
};

int files_rst_transport_create_pids(const pid_t *pids, int nr, struct files_rst_transport **out)
{
	struct files_rst_transport *tr = calloc(1, sizeof(*tr));
	int i;

	if (!tr)
		goto oom;
	tr->self = -1;
	tr->pids = calloc(nr, sizeof(*tr->pids));
	tr->sk = calloc(nr, sizeof(*tr->sk));
	if (!tr->pids || !tr->sk)
		goto oom;
	for (i = 0; i < nr; i++) {
		tr->pids[i] = pids[i];
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, tr->sk[i])) {
			pr_perror("Can't make the file transport socket of task %d", pids[i]);
			files_rst_transport_destroy(tr);
			return -1;
		}
		tr->nr++;
	}
	*out = tr;
	return 0;
oom:
	pr_err("files: out of memory\n");
	files_rst_transport_destroy(tr);
	return -1;
}

void files_rst_transport_destroy(struct files_rst_transport *tr)
{
	int i;

	if (!tr)
		return;
	for (i = 0; i < tr->nr; i++) {
		if (tr->sk[i][0] >= 0)
			close(tr->sk[i][0]);
		if (tr->sk[i][1] >= 0)
			close(tr->sk[i][1]);
	}
	while (tr->nr_stash)
		close(tr->stash[--tr->nr_stash].fd);
	free(tr->stash);
	free(tr->pids);
	free(tr->sk);
	free(tr);
}

static int task_index(const struct files_rst_transport *tr, pid_t pid)
{
	int i;

	for (i = 0; i < tr->nr; i++)
		if (tr->pids[i] == pid)
			return i;
	return -1;
}

int files_transport_enter(struct files_rst_transport *tr, pid_t self, int base)
{
	int i, me = task_index(tr, self);

	if (me < 0) {
		pr_err("files: task %d has no transport socket\n", self);
		return -1;
	}
	if (tr->self == me)
		return 0;
	tr->self = me;
	/*
	 * Only our receive end and the others' send ends are of use here; the
	 * rest may sit on a number the task needs, so it goes, and what stays
	 * moves above the task's fds.
	 */
	for (i = 0; i < tr->nr; i++) {
		int *keep = i == me ? &tr->sk[i][0] : &tr->sk[i][1];
		int *drop = i == me ? &tr->sk[i][1] : &tr->sk[i][0];

		close(*drop);
		*drop = -1;
		*keep = files_service_fd(*keep, base);
		if (*keep < 0)
			return -1;
	}
	return 0;
}

static int recv_one(struct files_rst_transport *tr, uint32_t *id, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = id, .iov_len = sizeof(*id) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *ch;
	ssize_t n;

	n = recvmsg(tr->sk[tr->self][0], &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n != sizeof(*id)) {
		pr_perror("Task %d: bad message on the file transport", tr->pids[tr->self]);
		return -1;
	}
	ch = CMSG_FIRSTHDR(&mh);
	if (*id == TRANSPORT_ABORT && !ch) {
		pr_err("Task %d: another task failed to restore its files\n", tr->pids[tr->self]);
		return -1;
	}
	if (!ch || ch->cmsg_type != SCM_RIGHTS || ch->cmsg_len != CMSG_LEN(sizeof(int))) {
		pr_err("Task %d: file id %u arrived without its descriptor\n", tr->pids[tr->self],
		       *id);
		return -1;
	}
	memcpy(fd, CMSG_DATA(ch), sizeof(int));
	return 0;
}

/* Waits up to @ms for a message to this task; 1 if one came, 0 if none. */
static int wait_incoming(struct files_rst_transport *tr, int ms)
{
	struct pollfd pfd = { .fd = tr->sk[tr->self][0], .events = POLLIN };
	int r;

	do
		r = poll(&pfd, 1, ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		pr_perror("Task %d: can't poll the file transport", tr->pids[tr->self]);
	return r;
}

/* Takes one pending message in, for files_transport_recv() to return later. */
static int stash_incoming(struct files_rst_transport *tr)
{
	struct stashed *n = realloc(tr->stash, (tr->nr_stash + 1) * sizeof(*n));

	if (!n) {
		pr_err("files: out of memory\n");
		return -1;
	}
	tr->stash = n;
	if (recv_one(tr, &n[tr->nr_stash].id, &n[tr->nr_stash].fd))
		return -1;
	tr->nr_stash++;
	return 0;
}

int files_transport_send(struct files_rst_transport *tr, pid_t to, uint32_t id, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = &id, .iov_len = sizeof(id) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *ch = CMSG_FIRSTHDR(&mh);
	int i = task_index(tr, to), waited = 0;

	if (i < 0 || tr->sk[i][1] < 0 || tr->self < 0) {
		pr_err("files: no transport to task %d\n", to);
		return -1;
	}
	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(ch), &fd, sizeof(int));
	while (sendmsg(tr->sk[i][1], &mh, MSG_DONTWAIT) != sizeof(id)) {
		int r;

		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			pr_perror("Can't send file id %u to task %d", id, to);
			return -1;
		}
		/*
		 * Task @to has a full queue and may itself be stuck sending
		 * to us: empty ours while waiting for room in its.
		 */
		r = wait_incoming(tr, 1);
		if (r < 0 || (r > 0 && stash_incoming(tr)))
			return -1;
		if (!r && ++waited > TRANSPORT_TIMEOUT_MS) {
			pr_err("Task %d can't hand file id %u to task %d: it takes none\n",
			       tr->pids[tr->self], id, to);
			return -1;
		}
	}
	return 0;
}

int files_transport_recv(struct files_rst_transport *tr, uint32_t *id, int *fd)
{
	int r;

	if (tr->self < 0) {
		pr_err("files: receiving before files_transport_enter()\n");
		return -1;
	}
	if (tr->nr_stash) {
		*id = tr->stash[0].id;
		*fd = tr->stash[0].fd;
		memmove(tr->stash, tr->stash + 1, --tr->nr_stash * sizeof(*tr->stash));
		return 0;
	}
	r = wait_incoming(tr, TRANSPORT_TIMEOUT_MS);
	if (r <= 0) {
		if (!r)
			pr_err("Task %d waited %d s in vain for a file from another task\n",
			       tr->pids[tr->self], TRANSPORT_TIMEOUT_MS / 1000);
		return -1;
	}
	return recv_one(tr, id, fd);
}

void files_transport_abort(struct files_rst_transport *tr)
{
	uint32_t id = TRANSPORT_ABORT;
	int i;

	/* Best effort: the others stop waiting for files that will not come. */
	for (i = 0; i < tr->nr; i++)
		if (i != tr->self && tr->sk[i][1] >= 0)
			send(tr->sk[i][1], &id, sizeof(id), MSG_DONTWAIT);
}
