// SPDX-License-Identifier: GPL-2.0
/*
 * The path an engine command (dump, restore ...) takes through the RPC
 * worker, with stand-in commands: its options, rpc_ctx_of(), NOTIFY round
 * trips in the middle of it, and the response it leaves (restored pid,
 * cr_errno and cr_errmsg of its first error).  A child process is the
 * worker, this process the client.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cr-service.h"
#include "log.h"
#include "unit.h"

static int engine_bad; /* checks made inside the worker, as a bitmask */

static int fake_dump(const struct cr_options *o)
{
	struct rpc_ctx *ctx = rpc_ctx_of(o);

	if (!ctx)
		engine_bad |= 1 << 0;
	if (!o->tcp_established || o->final_state != TASK_ALIVE)
		engine_bad |= 1 << 1;
	if (rpc_notify(ctx, RPC_NFY_PRE_DUMP, 0) || rpc_notify(ctx, RPC_NFY_POST_DUMP, 0))
		return 1;
	return 0;
}

static int fake_restore(const struct cr_options *o)
{
	struct rpc_ctx *ctx = rpc_ctx_of(o);

	if (!ctx || !o->restore_detach)
		engine_bad |= 1 << 2;
	if (!ctx)
		return 1;
	ctx->restored_pid = 4321;
	return rpc_notify(ctx, RPC_NFY_SETUP_NS, 4321) ? 1 : 0;
}

static int fake_fail(const struct cr_options *o)
{
	rpc_set_err(rpc_ctx_of(o), ESRCH, "Can't dump task %d: no such task", o->tree_pid);
	rpc_set_err(rpc_ctx_of(o), EIO, "a later error");
	return 1;
}

static int fake_silent_fail(const struct cr_options *o)
{
	return 1;
}

static const struct rpc_cmd cmd_dump = { .name = "dump", .flags = RPC_IMAGES, .run = fake_dump };
static const struct rpc_cmd cmd_restore = { .name = "restore",
					    .flags = RPC_IMAGES | RPC_DETACHED,
					    .run = fake_restore };
static const struct rpc_cmd cmd_fail = { .name = "dump", .flags = RPC_IMAGES, .run = fake_fail };
static const struct rpc_cmd cmd_silent = { .name = "dump",
					   .flags = RPC_IMAGES,
					   .run = fake_silent_fail };

/* The worker side: serve the requests the client will answer, in order. */
static int worker(int sk, int dfd)
{
	CriuOpts opts = CRIU_OPTS__INIT;
	CriuReq req = CRIU_REQ__INIT;
	struct rpc_ctx ctx;
	int bad = 0;

	log_set_loglevel(LOG_MSG);
	if (rpc_ctx_init(&ctx, sk))
		return 255;
	req.opts = &opts;
	opts.images_dir_fd = dfd;
	opts.log_file = "engine.log";
	opts.has_notify_scripts = opts.notify_scripts = true;
	opts.has_tcp_established = opts.tcp_established = true;
	opts.has_leave_running = opts.leave_running = true;
	opts.has_pid = true;
	opts.pid = 777;

	req.type = CRIU_REQ_TYPE__DUMP;
	if (rpc_serve_cmd(&ctx, &cmd_dump, &req) != 0)
		bad |= 1 << 3;
	/* The client fails post-dump this time. */
	if (rpc_serve_cmd(&ctx, &cmd_dump, &req) == 0)
		bad |= 1 << 4;
	req.type = CRIU_REQ_TYPE__RESTORE;
	if (rpc_serve_cmd(&ctx, &cmd_restore, &req) != 0)
		bad |= 1 << 5;
	req.type = CRIU_REQ_TYPE__DUMP;
	if (rpc_serve_cmd(&ctx, &cmd_fail, &req) == 0)
		bad |= 1 << 6;
	if (rpc_serve_cmd(&ctx, &cmd_silent, &req) == 0)
		bad |= 1 << 7;
	/* Without notify_scripts the dump runs through without a NOTIFY. */
	opts.notify_scripts = false;
	if (rpc_serve_cmd(&ctx, &cmd_dump, &req) != 0)
		bad |= 1 << 8;
	/* No options at all: no images directory, refused before running. */
	req.opts = NULL;
	if (rpc_serve_cmd(&ctx, &cmd_dump, &req) == 0)
		bad |= 1 << 9;
	rpc_ctx_fini(&ctx);
	bad |= engine_bad;
	if (bad)
		fprintf(stderr, "worker-side failures: 0x%x\n", bad);
	return bad;
}

static CriuResp *next(int sk)
{
	static uint8_t buf[8192];
	struct pollfd p = { .fd = sk, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, 30000) != 1)
		return NULL;
	n = recv(sk, buf, sizeof(buf), 0);
	return n > 0 ? criu_resp__unpack(NULL, n, buf) : NULL;
}

static void ack(int sk, int ok)
{
	CriuReq req = CRIU_REQ__INIT;
	uint8_t buf[32];
	size_t len;

	req.type = CRIU_REQ_TYPE__NOTIFY;
	req.has_notify_success = true;
	req.notify_success = ok;
	len = criu_req__pack(&req, buf);
	if (send(sk, buf, len, 0) != (ssize_t)len)
		perror("send");
}

/* Expect a NOTIFY for @script and answer it. */
static void notify(int sk, const char *script, int pid, int ok)
{
	CriuResp *r = next(sk);

	CHECK(r && r->type == CRIU_REQ_TYPE__NOTIFY && r->notify && r->notify->script &&
		      !strcmp(r->notify->script, script),
	      "NOTIFY %s", script);
	if (r && pid)
		CHECK(r->notify && r->notify->pid == pid, "%s: pid %d", script, pid);
	if (r)
		criu_resp__free_unpacked(r, NULL);
	ack(sk, ok);
}

static CriuResp * final(int sk, CriuReqType type, int success)
{
	CriuResp *r = next(sk);

	CHECK(r && r->type == type, "answer of type %d", type);
	CHECK(r && r->success == success, "type %d: success %d", type, success);
	return r;
}

static void client(int sk)
{
	CriuResp *r;

	notify(sk, "pre-dump", 0, 1);
	notify(sk, "post-dump", 0, 1);
	r = final(sk, CRIU_REQ_TYPE__DUMP, 1);
	CHECK(r && r->dump && r->dump->has_restored && !r->dump->restored, "dump: restored=false");
	CHECK(r && !r->cr_errmsg && !r->has_cr_errno, "dump: no error");
	if (r)
		criu_resp__free_unpacked(r, NULL);

	notify(sk, "pre-dump", 0, 1);
	notify(sk, "post-dump", 0, 0);
	r = final(sk, CRIU_REQ_TYPE__DUMP, 0);
	CHECK(r && r->cr_errmsg && strstr(r->cr_errmsg, "failure of its post-dump script"),
	      "failed script: `%s'", r && r->cr_errmsg ? r->cr_errmsg : "(none)");
	CHECK(r && r->has_cr_errno && r->cr_errno == ECANCELED, "failed script: ECANCELED");
	if (r)
		criu_resp__free_unpacked(r, NULL);

	notify(sk, "setup-namespaces", 4321, 1);
	r = final(sk, CRIU_REQ_TYPE__RESTORE, 1);
	CHECK(r && r->restore && r->restore->pid == 4321, "restore: pid of the root task");
	if (r)
		criu_resp__free_unpacked(r, NULL);

	r = final(sk, CRIU_REQ_TYPE__DUMP, 0);
	CHECK(r && r->cr_errmsg && !strcmp(r->cr_errmsg, "Can't dump task 777: no such task"),
	      "the first error is the message: `%s'", r && r->cr_errmsg ? r->cr_errmsg : "(none)");
	CHECK(r && r->has_cr_errno && r->cr_errno == ESRCH, "the first error's errno");
	if (r)
		criu_resp__free_unpacked(r, NULL);

	r = final(sk, CRIU_REQ_TYPE__DUMP, 0);
	CHECK(r && r->cr_errmsg && strstr(r->cr_errmsg, "dump failed"), "generic message: `%s'",
	      r && r->cr_errmsg ? r->cr_errmsg : "(none)");
	CHECK(r && !r->has_cr_errno, "no errno when nobody set one");
	if (r)
		criu_resp__free_unpacked(r, NULL);

	r = final(sk, CRIU_REQ_TYPE__DUMP, 1);
	if (r)
		criu_resp__free_unpacked(r, NULL);

	r = final(sk, CRIU_REQ_TYPE__DUMP, 0);
	CHECK(r && r->cr_errmsg && strstr(r->cr_errmsg, "names no images directory"),
	      "no images dir: `%s'", r && r->cr_errmsg ? r->cr_errmsg : "(none)");
	if (r)
		criu_resp__free_unpacked(r, NULL);
}

int main(void)
{
	char dir[] = "/tmp/rpc-engine-unit.XXXXXX", path[64];
	int sks[2], dfd, status, bad;
	pid_t pid;

	log_set_loglevel(LOG_MSG);
	if (!mkdtemp(dir) || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sks)) {
		perror("mkdtemp/socketpair");
		return 1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	pid = fork();
	if (pid == 0) {
		close(sks[0]);
		_exit(worker(sks[1], dfd) ? 1 : 0);
	}
	close(sks[1]);
	client(sks[0]);
	close(sks[0]);
	waitpid(pid, &status, 0);
	bad = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	CHECK(bad == 0, "worker-side checks failed (exit %d)", bad);

	snprintf(path, sizeof(path), "%s/engine.log", dir);
	CHECK(access(path, F_OK) == 0, "the command's log is in the images dir");
	unlink(path);
	close(dfd);
	rmdir(dir);
	return unit_done();
}
