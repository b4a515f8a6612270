// SPDX-License-Identifier: GPL-2.0
/*
 * Infection: a memfd created in the target and mapped on both sides, the
 * blob put there, a control socket and a log pipe created in the target
 * with compel's ends pulled out through pidfd_getfd(), then the daemon
 * started on the leader.  Every step is undone by parasite_destroy().
 */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/page.h"
#include "compel-priv/log.h"
#include "compel-priv/parasite.h"
#include "compel-priv/remote.h"

#define DEFAULT_TIMEOUT_MS 10000

static int rsys(struct compel_parasite *p, long nr, long *ret, unsigned long a0, unsigned long a1,
		unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5,
		const void *scratch)
{
	unsigned long args[6] = { a0, a1, a2, a3, a4, a5 };

	if (remote_syscall(p->task, &p->task->threads[0], nr, ret, args, scratch))
		return -1;
	if (*ret < 0 && *ret > -4096) {
		errno = -*ret;
		pr_perror("remote syscall %ld in %d failed", nr, p->task->pid);
		return -1;
	}
	return 0;
}

int parasite_remote_close(struct compel_parasite *p, int *fd)
{
	long ret;

	if (*fd < 0)
		return 0;
	if (rsys(p, SYS_close, &ret, *fd, 0, 0, 0, 0, 0, NULL))
		return -1;
	*fd = -1;
	return 0;
}

/* Opens a thread pidfd where the leader is gone (Linux 6.9+). */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* A copy of fd @rfd of the target; the target keeps its own. */
static int grab_fd(struct compel_parasite *p, int rfd)
{
	pid_t tid = p->task->threads[0].tid;
	int pidfd, fd;

	/* An exited leader has no files any more: ask the thread standing in. */
	pidfd = syscall(SYS_pidfd_open, tid, tid == p->task->pid ? 0 : PIDFD_THREAD);
	if (pidfd < 0) {
		pr_perror("pidfd_open(%d)", tid);
		return -1;
	}
	fd = syscall(SYS_pidfd_getfd, pidfd, rfd, 0);
	if (fd < 0)
		pr_perror("can't get fd %d of %d", rfd, p->task->pid);
	close(pidfd);
	return fd;
}

/* Move fd @rfd out of the target into compel. */
static int steal_fd(struct compel_parasite *p, int rfd)
{
	int fd = grab_fd(p, rfd);

	if (parasite_remote_close(p, &rfd) && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void layout(struct compel_parasite *p, size_t args_size)
{
	p->hdr_off = PAGE_ALIGN(p->blob->mem_size);
	p->args_off = p->hdr_off + PAGE_SIZE;
	p->args_size = args_size;
	p->daemon_stack_top = p->args_off + PAGE_ALIGN(args_size) + PARASITE_STACK_SIZE;
	p->thread_stack_top = p->daemon_stack_top + PARASITE_STACK_SIZE;
	p->size = p->thread_stack_top;
}

static int map_both_sides(struct compel_parasite *p, int fd, int rfd)
{
	long addr;

	if (ftruncate(fd, p->size)) {
		pr_perror("can't size the parasite memfd");
		return -1;
	}
	p->local = mmap(NULL, p->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p->local == MAP_FAILED) {
		p->local = NULL;
		pr_perror("can't map the parasite memfd");
		return -1;
	}
	if (rsys(p, SYS_mmap, &addr, 0, p->size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED,
		 rfd, 0, NULL))
		return -1;
	p->remote = addr;
	return 0;
}

static int map_shared_area(struct compel_parasite *p)
{
	char name[8] = "compel";
	int fd, ret, tmp;
	long rfd;

	if (rsys(p, SYS_memfd_create, &rfd, p->task->exec_addr + REMOTE_SCRATCH_OFF, MFD_CLOEXEC, 0,
		 0, 0, 0, name))
		return -1;
	fd = grab_fd(p, rfd);
	ret = fd < 0 ? -1 : map_both_sides(p, fd, rfd);
	/* The mappings keep the memfd alive; neither side needs an fd for it. */
	tmp = rfd;
	if (parasite_remote_close(p, &tmp))
		ret = -1;
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Remote call returning two fds through the header page's scratch space. */
static int remote_fd_pair(struct compel_parasite *p, long nr, unsigned long a0, unsigned long a1,
			  unsigned long a2, int fds[2])
{
	int *out = (int *)((char *)parasite_hdr(p) + HDR_SCRATCH_OFF);
	unsigned long raddr = p->remote + p->hdr_off + HDR_SCRATCH_OFF;
	long ret;
	int err;

	out[0] = out[1] = -1;
	if (nr == SYS_pipe2)
		err = rsys(p, nr, &ret, raddr, a0, 0, 0, 0, 0, NULL);
	else
		err = rsys(p, nr, &ret, a0, a1, a2, raddr, 0, 0, NULL);
	fds[0] = out[0];
	fds[1] = out[1];
	return err;
}

static int make_channels(struct compel_parasite *p)
{
	int sk[2], pipe[2];

	if (remote_fd_pair(p, SYS_socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk))
		return -1;
	p->remote_ctl = sk[1];
	p->ctl = steal_fd(p, sk[0]);
	if (p->ctl < 0)
		return -1;
	if (remote_fd_pair(p, SYS_pipe2, O_NONBLOCK | O_CLOEXEC, 0, 0, pipe))
		return -1;
	p->remote_log = pipe[1];
	p->log = steal_fd(p, pipe[0]);
	return p->log < 0 ? -1 : 0;
}

static int prepare(struct compel_parasite *p)
{
	return remote_prepare(p->task, &p->task->threads[0]);
}

static void fill_hdr(struct compel_parasite *p)
{
	struct compel_parasite_hdr *h = parasite_hdr(p);

	memset(h, 0, sizeof(*h));
	h->magic = COMPEL_PARASITE_MAGIC;
	h->ctl_fd = p->remote_ctl;
	h->log_fd = p->remote_log;
	h->log_level = compel_log_get_loglevel();
	h->leader_sigmask = p->task->threads[0].sigmask;
	h->thread_sigmask = h->leader_sigmask;
	h->thread_tid = p->task->threads[0].tid;
	h->args_size = p->args_size;
}

static int start_daemon(struct compel_parasite *p)
{
	unsigned long a[3] = {
		p->remote + p->hdr_off,
		COMPEL_CMD_DAEMON,
		p->remote + p->args_off,
	};
	int ret;

	fill_hdr(p);
	if (remote_call_start(p->task, &p->task->threads[0], p->remote + p->blob->entry,
			      p->remote + p->daemon_stack_top, a))
		return -1;
	p->daemon_running = true;
	if (compel_rpc_call_sync(p, COMPEL_CMD_PING, &ret) || ret) {
		pr_err("parasite in %d does not answer\n", p->task->pid);
		return -1;
	}
	return 0;
}

static struct compel_parasite *parasite_new(struct compel_task *task,
					    const struct compel_blob *blob)
{
	struct compel_parasite *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->task = task;
	p->blob = blob;
	p->ctl = p->log = p->remote_ctl = p->remote_log = -1;
	p->timeout_ms = DEFAULT_TIMEOUT_MS;
	return p;
}

/*
 * The infection, as an ordered list of stages.  parasite_destroy() undoes
 * any prefix of them; COMPEL_FAIL_STAGE=<name> in the environment makes
 * the infection fail right after that stage, so tests can prove the undo.
 */
static const struct infect_stage {
	const char *name;
	int (*run)(struct compel_parasite *p);
} infect_stages[] = {
	{ "prepare", prepare }, /* exec address found, leader's signals blocked */
	{ "map", map_shared_area }, /* memfd mapped here and there */
	{ "load", blob_load }, /* blob copied and relocated */
	{ "channels", make_channels }, /* control socket and log pipe */
	{ "daemon", start_daemon }, /* leader runs the daemon, which answered */
};

static int run_stages(struct compel_parasite *p)
{
	const char *fail = getenv("COMPEL_FAIL_STAGE");
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(infect_stages); i++) {
		if (infect_stages[i].run(p)) {
			pr_err("infection stage %s failed\n", infect_stages[i].name);
			return -1;
		}
		/* Fail after the stage did its work, so that its undo is tested. */
		if (fail && !strcmp(fail, infect_stages[i].name)) {
			pr_err("failing after stage %s on request\n", fail);
			return -1;
		}
	}
	return 0;
}

struct compel_parasite *compel_infect(struct compel_task *task, const struct compel_blob *blob,
				      size_t args_size)
{
	struct compel_parasite *p;

	if (task->parasite) {
		pr_err("task %d already has a parasite\n", task->pid);
		return NULL;
	}
	p = parasite_new(task, blob);
	if (!p)
		return NULL;
	task->parasite = p;
	layout(p, args_size);
	if (run_stages(p)) {
		pr_err("can't infect %d, undoing\n", task->pid);
		parasite_destroy(p);
		return NULL;
	}
	pr_info("parasite %s running in %d at %#lx\n", blob->name, task->pid, p->remote);
	return p;
}

void *compel_parasite_args(struct compel_parasite *p)
{
	return (char *)p->local + p->args_off;
}

size_t compel_parasite_args_size(const struct compel_parasite *p)
{
	return p->args_size;
}

void compel_parasite_set_timeout(struct compel_parasite *p, int timeout_ms)
{
	p->timeout_ms = timeout_ms;
}

unsigned long compel_parasite_remote_addr(const struct compel_parasite *p)
{
	return p->remote;
}

size_t compel_parasite_remote_size(const struct compel_parasite *p)
{
	return p->size;
}

void compel_parasite_remote_fds(const struct compel_parasite *p, int *ctl_fd, int *log_fd)
{
	*ctl_fd = p->remote_ctl;
	*log_fd = p->remote_log;
}

struct compel_parasite *compel_task_parasite(struct compel_task *task)
{
	return task->parasite;
}
