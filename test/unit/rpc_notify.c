// SPDX-License-Identifier: GPL-2.0
/*
 * rpc_notify(): the NOTIFY round trip the dump and restore code will use.
 * A child process plays the engine, this process the RPC client.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cr-service.h"
#include "log.h"
#include "unit.h"

/* The engine side: one bit per step that went wrong. */
static int engine(int sk, int pipe_fd)
{
	struct rpc_ctx ctx = { .sk = sk, .notify_scripts = true };
	int bad = 0;

	if (rpc_notify(&ctx, RPC_NFY_PRE_DUMP, 0) != 0)
		bad |= 1 << 0;
	if (rpc_notify(&ctx, RPC_NFY_POST_RESTORE, 1234) != 0)
		bad |= 1 << 1;
	if (rpc_notify_fd(&ctx, RPC_NFY_ORPHAN_PTS_MASTER, 0, pipe_fd) != 0)
		bad |= 1 << 2;
	/* The client's script failed. */
	if (rpc_notify(&ctx, RPC_NFY_NETWORK_LOCK, 0) != -1 ||
	    !strstr(ctx.errmsg, "network-lock") || ctx.cr_errno != ECANCELED)
		bad |= 1 << 3;
	/* Nobody asked for notifications: nothing is sent. */
	ctx.notify_scripts = false;
	ctx.errmsg[0] = '\0';
	if (rpc_notify(&ctx, RPC_NFY_POST_DUMP, 0) != 0)
		bad |= 1 << 4;
	ctx.notify_scripts = true;
	/* An answer that is not a NOTIFY acknowledgement. */
	if (rpc_notify(&ctx, RPC_NFY_POST_RESUME, 0) != -1 || !strstr(ctx.errmsg, "type 10"))
		bad |= 1 << 5;
	ctx.errmsg[0] = '\0';
	/* The client went away. */
	if (rpc_notify(&ctx, RPC_NFY_PRE_RESUME, 0) != -1 || !strstr(ctx.errmsg, "went away"))
		bad |= 1 << 6;
	return bad;
}

/* Read one NOTIFY response; *fd gets a passed descriptor, if any. */
static CriuResp *read_notify(int sk, int *fd)
{
	static uint8_t buf[8192];
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *ch;
	ssize_t n;

	if (fd)
		*fd = -1;
	n = recvmsg(sk, &mh, 0);
	if (n <= 0)
		return NULL;
	for (ch = CMSG_FIRSTHDR(&mh); ch; ch = CMSG_NXTHDR(&mh, ch))
		if (ch->cmsg_type == SCM_RIGHTS && fd)
			memcpy(fd, CMSG_DATA(ch), sizeof(int));
	return criu_resp__unpack(NULL, n, buf);
}

static void ack(int sk, CriuReqType type, int success)
{
	CriuReq req = CRIU_REQ__INIT;
	uint8_t buf[64];
	size_t len;

	req.type = type;
	req.has_notify_success = true;
	req.notify_success = success;
	len = criu_req__pack(&req, buf);
	if (send(sk, buf, len, 0) != (ssize_t)len)
		perror("send ack");
}

static void expect(int sk, const char *script, int pid, int *fd)
{
	CriuResp *r = read_notify(sk, fd);

	CHECK(r != NULL, "%s: a message", script);
	if (!r)
		return;
	CHECK(r->type == CRIU_REQ_TYPE__NOTIFY && r->success, "%s: a NOTIFY", script);
	CHECK(r->notify && r->notify->script && !strcmp(r->notify->script, script),
	      "script `%s', want `%s'", r->notify && r->notify->script ? r->notify->script : "",
	      script);
	if (pid)
		CHECK(r->notify && r->notify->has_pid && r->notify->pid == pid, "%s: pid %d",
		      script, pid);
	else
		CHECK(r->notify && !r->notify->has_pid, "%s: no pid", script);
	criu_resp__free_unpacked(r, NULL);
}

int main(void)
{
	struct cr_options o;
	struct stat st1, st2;
	int sks[2], pfd[2], fd, status;
	pid_t pid;

	log_set_loglevel(LOG_MSG);
	init_opts(&o);
	CHECK(rpc_ctx_of(&o) == NULL, "command line options have no RPC client");
	CHECK(rpc_notify(NULL, RPC_NFY_PRE_DUMP, 0) == 0, "no client: nothing to notify");

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sks) || pipe(pfd)) {
		perror("socketpair/pipe");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		close(sks[0]);
		_exit(engine(sks[1], pfd[0]));
	}
	close(sks[1]);

	expect(sks[0], "pre-dump", 0, NULL);
	ack(sks[0], CRIU_REQ_TYPE__NOTIFY, 1);
	expect(sks[0], "post-restore", 1234, NULL);
	ack(sks[0], CRIU_REQ_TYPE__NOTIFY, 1);
	expect(sks[0], "orphan-pts-master", 0, &fd);
	CHECK(fd >= 0, "orphan-pts-master passes an fd");
	if (fd >= 0) {
		fstat(fd, &st1);
		fstat(pfd[0], &st2);
		CHECK(st1.st_ino == st2.st_ino, "the fd passed is the engine's");
		close(fd);
	}
	ack(sks[0], CRIU_REQ_TYPE__NOTIFY, 1);
	expect(sks[0], "network-lock", 0, NULL);
	ack(sks[0], CRIU_REQ_TYPE__NOTIFY, 0);
	/* post-dump is not sent: next comes post-resume. */
	expect(sks[0], "post-resume", 0, NULL);
	ack(sks[0], CRIU_REQ_TYPE__VERSION, 1);
	expect(sks[0], "pre-resume", 0, NULL);
	close(sks[0]);

	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status), "engine exited");
	status = WEXITSTATUS(status);
	CHECK(!(status & 1), "pre-dump acknowledged");
	CHECK(!(status & 2), "post-restore acknowledged");
	CHECK(!(status & 4), "orphan-pts-master acknowledged");
	CHECK(!(status & 8), "a failed script fails the notification");
	CHECK(!(status & 16), "no notify_scripts: nothing sent, success");
	CHECK(!(status & 32), "a wrong answer fails the notification");
	CHECK(!(status & 64), "a vanished client fails the notification");
	free_opts(&o);
	return unit_done();
}
