// SPDX-License-Identifier: GPL-2.0
/*
 * `criu swrk FD`: serve criu_req messages from an RPC client on a
 * SOCK_SEQPACKET socket.  The transport (one request per packet, NOTIFY
 * round trips) and the dispatch are here; criu_opts -> cr_options is in
 * rpc-opts.c.  See cr-service.h for the protocol as clients see it.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cr-check.h"
#include "cr-dump.h"
#include "cr-restore.h"
#include "cr-service.h"
#include "log.h"
#include "version.h"

/* A response and the storage of its optional parts. */
struct rpc_reply {
	CriuResp resp;
	CriuDumpResp dump;
	CriuRestoreResp restore;
	CriuPageServerInfo ps;
	CriuFeatures features;
	CriuVersion version;
};

/* The command being run and its client, for rpc_ctx_of(). */
static struct {
	const struct cr_options *o;
	struct rpc_ctx *ctx;
} rpc_running;

struct rpc_ctx *rpc_ctx_of(const struct cr_options *o)
{
	return o && o == rpc_running.o ? rpc_running.ctx : NULL;
}

void rpc_keep_err(struct rpc_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;

	if (!ctx || ctx->errmsg[0])
		return;
	va_start(args, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, args);
	va_end(args);
	ctx->cr_errno = err;
}

/* ------------------------------------------------------------ transport */

static int send_resp(int sk, const CriuResp *resp, int fd)
{
	size_t len = criu_resp__get_packed_size(resp);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {};
	struct iovec iov;
	uint8_t *buf;
	ssize_t n;

	buf = malloc(len ? len : 1);
	if (!buf) {
		pr_err("Out of memory packing an RPC response of %zu bytes\n", len);
		return -1;
	}
	criu_resp__pack(resp, buf);
	iov.iov_base = buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *ch;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		ch = CMSG_FIRSTHDR(&mh);
		ch->cmsg_level = SOL_SOCKET;
		ch->cmsg_type = SCM_RIGHTS;
		ch->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(ch), &fd, sizeof(int));
	}
	do
		n = sendmsg(sk, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	free(buf);
	if (n < 0) {
		pr_perror("Can't send an RPC response");
		return -1;
	}
	return 0;
}

enum {
	RECV_OK,
	RECV_EOF, /* the client closed its end */
	RECV_BAD, /* a message that is not a request: worth an answer */
	RECV_ERR, /* the socket failed: nobody to answer */
};

static ssize_t recv_retry(int sk, void *buf, size_t len, int flags)
{
	ssize_t n;

	do
		n = recv(sk, buf, len, flags);
	while (n < 0 && errno == EINTR);
	return n;
}

static int recv_req(struct rpc_ctx *ctx, CriuReq **req)
{
	uint8_t *buf;
	ssize_t len, n;

	*req = NULL;
	/* One packet is one request: learn its size first. */
	len = recv_retry(ctx->sk, NULL, 0, MSG_PEEK | MSG_TRUNC);
	if (len < 0) {
		pr_perror("Can't read an RPC request");
		return RECV_ERR;
	}
	if (len == 0) {
		/* EOF, or an empty packet, which is no request either: take it. */
		recv_retry(ctx->sk, NULL, 0, MSG_DONTWAIT);
		return RECV_EOF;
	}
	if ((size_t)len > RPC_MAX_REQ_SIZE) {
		char c;

		recv_retry(ctx->sk, &c, 1, MSG_TRUNC);
		rpc_set_err(ctx, EMSGSIZE, "RPC request of %zd bytes is larger than the %u allowed",
			    len, RPC_MAX_REQ_SIZE);
		return RECV_BAD;
	}

	buf = malloc(len);
	if (!buf) {
		pr_err("Out of memory reading an RPC request of %zd bytes\n", len);
		return RECV_ERR;
	}
	n = recv_retry(ctx->sk, buf, len, 0);
	if (n != len) {
		if (n < 0)
			pr_perror("Can't read an RPC request");
		else
			pr_err("RPC request shrank from %zd to %zd bytes while read\n", len, n);
		free(buf);
		return RECV_ERR;
	}
	*req = criu_req__unpack(NULL, len, buf);
	free(buf);
	if (!*req) {
		rpc_set_err(ctx, EBADMSG,
			    "Can't unpack an RPC request of %zd bytes: not a criu_req", len);
		return RECV_BAD;
	}
	return RECV_OK;
}

/* cr_errno and cr_errmsg of a failed response, from the first error kept. */
static void set_resp_err(struct rpc_ctx *ctx, CriuResp *resp)
{
	if (resp->success)
		return;
	if (ctx->cr_errno) {
		resp->has_cr_errno = true;
		resp->cr_errno = ctx->cr_errno;
	}
	if (ctx->errmsg[0])
		resp->cr_errmsg = ctx->errmsg;
}

/* A request that could not be served at all: EMPTY, as CRIU answers. */
static void send_err(struct rpc_ctx *ctx)
{
	CriuResp resp = CRIU_RESP__INIT;

	resp.type = CRIU_REQ_TYPE__EMPTY;
	resp.success = false;
	set_resp_err(ctx, &resp);
	send_resp(ctx->sk, &resp, -1);
}

int rpc_notify_fd(struct rpc_ctx *ctx, const char *script, pid_t pid, int fd)
{
	CriuResp resp = CRIU_RESP__INIT;
	CriuNotify nfy = CRIU_NOTIFY__INIT;
	CriuReq *ack;
	int ret = -1;

	if (!ctx || !ctx->notify_scripts)
		return 0;

	nfy.script = (char *)script;
	if (pid > 0) {
		nfy.has_pid = true;
		nfy.pid = pid;
	}
	resp.type = CRIU_REQ_TYPE__NOTIFY;
	resp.success = true;
	resp.notify = &nfy;
	pr_info("RPC: notify %s (pid %d)\n", script, pid);
	if (send_resp(ctx->sk, &resp, fd))
		return -1;

	switch (recv_req(ctx, &ack)) {
	case RECV_OK:
		break;
	case RECV_EOF:
		rpc_set_err(ctx, ECONNRESET, "RPC client went away before acknowledging %s",
			    script);
		return -1;
	default:
		rpc_set_err(ctx, EBADMSG, "Bad acknowledgement of %s from the RPC client", script);
		return -1;
	}
	if (ack->type != CRIU_REQ_TYPE__NOTIFY)
		rpc_set_err(ctx, EBADRQC,
			    "RPC client answered the %s notification with request type %d", script,
			    (int)ack->type);
	else if (!ack->has_notify_success || !ack->notify_success)
		rpc_set_err(ctx, ECANCELED, "RPC client reported a failure of its %s script",
			    script);
	else
		ret = 0;
	criu_req__free_unpacked(ack, NULL);
	return ret;
}

int rpc_notify(struct rpc_ctx *ctx, const char *script, pid_t pid)
{
	return rpc_notify_fd(ctx, script, pid, -1);
}

/* ------------------------------------------------------------ requests */

static int serve_version(struct rpc_ctx *ctx, const CriuReq *req, const struct cr_options *o,
			 struct rpc_reply *r)
{
	CriuVersion *v = &r->version;

	/*
	 * No gitid: go-criu and runc take a gitid for a build after the
	 * release and add one to the minor number.
	 */
	v->major_number = CRIU_VERSION_MAJOR;
	v->minor_number = CRIU_VERSION_MINOR;
	v->has_sublevel = true;
	v->sublevel = CRIU_VERSION_SUBLEVEL;
	r->resp.version = v;
	return 0;
}

static int serve_check(struct rpc_ctx *ctx, const CriuReq *req, const struct cr_options *o,
		       struct rpc_reply *r)
{
	struct cr_options chk = *o;

	/* The basic checks, whatever options the request carried. */
	chk.features = NULL;
	chk.nr_features = 0;
	chk.check_all = chk.check_extra = chk.check_experimental = 0;
	if (cr_check(&chk)) {
		rpc_set_err(ctx, 0,
			    "criu check failed: the kernel lacks what dump and restore "
			    "need; see the log");
		return -1;
	}
	return 0;
}

/* The verdict on feature @name if @asked; -1 when it could not be found out. */
static int feature(struct rpc_ctx *ctx, const char *name, bool asked, protobuf_c_boolean *has,
		   protobuf_c_boolean *val)
{
	int ret;

	/* Every verdict is sent, false for what was not asked, as CRIU does. */
	*has = true;
	*val = false;
	if (!asked)
		return 0;
	ret = cr_check_feature(name);
	if (ret < 0) {
		rpc_set_err(ctx, 0, "Can't check feature %s: kernel features unknown", name);
		return -1;
	}
	*val = ret;
	return 0;
}

static int serve_features(struct rpc_ctx *ctx, const CriuReq *req, const struct cr_options *o,
			  struct rpc_reply *r)
{
	const CriuFeatures *q = req->features;
	CriuFeatures *f = &r->features;

	if (!q)
		pr_warn("FEATURE_CHECK without features: nothing asked\n");
	/* mem_track: any dirty tracker, soft-dirty or userfaultfd write-protect. */
	if (feature(ctx, "mem_dirty_track", q && q->has_mem_track && q->mem_track,
		    &f->has_mem_track, &f->mem_track) ||
	    feature(ctx, "uffd-noncoop", q && q->has_lazy_pages && q->lazy_pages,
		    &f->has_lazy_pages, &f->lazy_pages) ||
	    feature(ctx, "pidfd_store", q && q->has_pidfd_store && q->pidfd_store,
		    &f->has_pidfd_store, &f->pidfd_store))
		return -1;
	r->resp.features = f;
	return 0;
}

/*
 * The request types.  When an engine command lands, give its entry
 * `.run = <the function of the command table in crtools.c>`.
 */
static const struct rpc_cmd rpc_cmds[] = {
	[CRIU_REQ_TYPE__DUMP] = { .name = "dump", .flags = RPC_IMAGES, .run = cr_dump },
	[CRIU_REQ_TYPE__PRE_DUMP] = { .name = "pre-dump", .flags = RPC_IMAGES | RPC_PRE_DUMP_SEQ },
	[CRIU_REQ_TYPE__SINGLE_PRE_DUMP] = { .name = "pre-dump",
					     .flags = RPC_IMAGES | RPC_KEEP_OPEN },
	[CRIU_REQ_TYPE__RESTORE] = { .name = "restore", .flags = RPC_IMAGES | RPC_DETACHED,
				     .run = cr_restore },
	[CRIU_REQ_TYPE__PAGE_SERVER] = { .name = "page-server",
					 .flags = RPC_IMAGES | RPC_KEEP_OPEN },
	[CRIU_REQ_TYPE__PAGE_SERVER_CHLD] = { .name = "page-server",
					      .flags = RPC_IMAGES | RPC_KEEP_OPEN },
	[CRIU_REQ_TYPE__CPUINFO_DUMP] = { .name = "cpuinfo dump",
					  .flags = RPC_IMAGES | RPC_KEEP_OPEN },
	[CRIU_REQ_TYPE__CPUINFO_CHECK] = { .name = "cpuinfo check",
					   .flags = RPC_IMAGES | RPC_KEEP_OPEN },
	[CRIU_REQ_TYPE__WAIT_PID] = { .name = "wait-pid", .flags = RPC_KEEP_OPEN },
	[CRIU_REQ_TYPE__CHECK] = { .name = "check", .serve = serve_check },
	[CRIU_REQ_TYPE__FEATURE_CHECK] = { .name = "feature-check",
					   .flags = RPC_KEEP_OPEN,
					   .serve = serve_features },
	[CRIU_REQ_TYPE__VERSION] = { .name = "version",
				     .flags = RPC_KEEP_OPEN | RPC_NO_OPTS,
				     .serve = serve_version },
};

const struct rpc_cmd *rpc_find_cmd(int type)
{
	if (type < 0 || (size_t)type >= ARRAY_SIZE(rpc_cmds) || !rpc_cmds[type].name)
		return NULL;
	return &rpc_cmds[type];
}

/* What an engine command leaves for its response. */
static void engine_reply(struct rpc_ctx *ctx, struct rpc_reply *r, bool ok)
{
	switch (ctx->type) {
	case CRIU_REQ_TYPE__DUMP:
		r->dump.has_restored = true;
		r->dump.restored = false;
		r->resp.dump = &r->dump;
		break;
	case CRIU_REQ_TYPE__RESTORE:
		r->restore.pid = ok ? ctx->restored_pid : -1;
		r->resp.restore = &r->restore;
		break;
	case CRIU_REQ_TYPE__PAGE_SERVER:
	case CRIU_REQ_TYPE__PAGE_SERVER_CHLD:
		if (!ok)
			break;
		r->ps.has_pid = true;
		r->ps.pid = ctx->ps_pid;
		r->ps.has_port = true;
		r->ps.port = ctx->ps_port;
		r->resp.ps = &r->ps;
		break;
	case CRIU_REQ_TYPE__WAIT_PID:
		if (!ok)
			break;
		r->resp.has_status = true;
		r->resp.status = ctx->wait_status;
		break;
	default:
		break;
	}
}

/* Options, directories and log of one request; undone by leave(). */
static int enter(struct rpc_ctx *ctx, const struct rpc_cmd *cmd, const CriuOpts *req,
		 struct rpc_opts *ro)
{
	struct cr_options *o = &ro->o;
	char err[RPC_ERRMSG_MAX];
	const char *work;
	int fd, e;

	/* Without options the worker's own log level stays. */
	o->loglevel = ctx->base_loglevel;
	if (cmd->flags & RPC_NO_OPTS)
		req = NULL;
	if (req && rpc_opts_fill(ro, req, ctx->peer_pid, err, sizeof(err))) {
		rpc_set_err(ctx, EBADRQC, "Bad options in the %s request: %s", cmd->name, err);
		return -1;
	}
	ctx->notify_scripts = ro->notify_scripts;
	if (cmd->flags & RPC_DETACHED)
		o->restore_detach = 1;
	if (check_options(o)) {
		rpc_set_err(ctx, EBADRQC, "Conflicting options in the %s request", cmd->name);
		return -1;
	}
	if ((cmd->flags & RPC_IMAGES) && !o->imgs_dir) {
		rpc_set_err(
			ctx, EBADRQC,
			"The %s request names no images directory (images_dir_fd or images_dir)",
			cmd->name);
		return -1;
	}
	if (o->imgs_dir) {
		fd = open(o->imgs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			e = errno;
			rpc_set_err(ctx, e, "Can't open images directory %s: %s", o->imgs_dir,
				    strerror(e));
			return -1;
		}
		close(fd);
	}
	work = o->work_dir ? o->work_dir : o->imgs_dir;
	if (work && chdir(work)) {
		e = errno;
		rpc_set_err(ctx, e, "Can't change directory to work dir %s: %s", work, strerror(e));
		return -1;
	}
	if (o->log_file && log_init(o->log_file)) {
		rpc_set_err(ctx, EBADRQC, "Can't open log file %s in the work dir", o->log_file);
		return -1;
	}
	log_set_loglevel(o->loglevel);
	pr_info("RPC: %s request, criu %s\n", cmd->name, CRIU_VERSION);
	return 0;
}

static void leave(struct rpc_ctx *ctx, struct rpc_opts *ro)
{
	log_fini();
	log_set_loglevel(ctx->base_loglevel);
	if (ctx->cwd_fd >= 0 && fchdir(ctx->cwd_fd))
		pr_perror("Can't return to the worker's directory");
	rpc_opts_free(ro);
}

static void begin(struct rpc_ctx *ctx, CriuReqType type)
{
	ctx->type = type;
	ctx->notify_scripts = false;
	ctx->cr_errno = 0;
	ctx->errmsg[0] = '\0';
	ctx->restored_pid = -1;
	ctx->ps_pid = -1;
	ctx->ps_port = 0;
	ctx->wait_status = 0;
}

int rpc_serve_cmd(struct rpc_ctx *ctx, const struct rpc_cmd *cmd, const CriuReq *req)
{
	struct rpc_reply r = {
		.resp = CRIU_RESP__INIT,
		.dump = CRIU_DUMP_RESP__INIT,
		.restore = CRIU_RESTORE_RESP__INIT,
		.ps = CRIU_PAGE_SERVER_INFO__INIT,
		.features = CRIU_FEATURES__INIT,
		.version = CRIU_VERSION__INIT,
	};
	struct rpc_opts ro;
	int ret = -1;

	begin(ctx, req->type);
	if (!cmd) {
		rpc_set_err(ctx, EBADRQC, "Invalid RPC request type %d", (int)req->type);
		send_err(ctx);
		return -1;
	}
	r.resp.type = req->type;

	if (req->keep_open && !(cmd->flags & RPC_KEEP_OPEN)) {
		rpc_set_err(ctx, EBADRQC, "keep_open is not supported for %s requests", cmd->name);
	} else if (!cmd->serve && !cmd->run) {
		rpc_set_err(ctx, ENOSYS, "%s is not implemented in this build yet", cmd->name);
	} else {
		rpc_opts_init(&ro);
		if (!enter(ctx, cmd, req->opts, &ro)) {
			rpc_running.o = &ro.o;
			rpc_running.ctx = ctx;
			if (cmd->serve) {
				ret = cmd->serve(ctx, req, &ro.o, &r);
			} else {
				log_reset_first_err();
				ret = cmd->run(&ro.o) ? -1 : 0;
				/* Like CRIU: the first error logged tells the client why. */
				if (ret && !ctx->errmsg[0] && log_first_err())
					rpc_set_err(ctx, 0, "%s", log_first_err());
				else if (ret && !ctx->errmsg[0])
					rpc_set_err(ctx, 0, "%s failed; the log tells why",
						    cmd->name);
			}
			rpc_running.o = NULL;
			rpc_running.ctx = NULL;
		}
		leave(ctx, &ro);
		if (cmd->run)
			engine_reply(ctx, &r, !ret);
	}

	r.resp.success = !ret;
	set_resp_err(ctx, &r.resp);
	if (send_resp(ctx->sk, &r.resp, -1))
		return -1;
	return ret;
}

/*
 * Serve @req in its place in the sequence: as in CRIU, a PRE_DUMP keeps the
 * worker for the next iteration, which must be a PRE_DUMP or the final DUMP.
 */
static int serve_next(struct rpc_ctx *ctx, const CriuReq *req, bool *pre_dumped)
{
	const struct rpc_cmd *cmd;
	int ret;

	if (*pre_dumped && req->type != CRIU_REQ_TYPE__PRE_DUMP &&
	    req->type != CRIU_REQ_TYPE__DUMP) {
		rpc_set_err(ctx, EBADRQC, "Request type %d after a pre-dump: only pre-dump or dump",
			    (int)req->type);
		send_err(ctx);
		return -1;
	}
	cmd = rpc_find_cmd(req->type);
	ret = rpc_serve_cmd(ctx, cmd, req);
	*pre_dumped = !ret && cmd && (cmd->flags & RPC_PRE_DUMP_SEQ);
	return ret;
}

int rpc_ctx_init(struct rpc_ctx *ctx, int sk)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	memset(ctx, 0, sizeof(*ctx));
	ctx->sk = sk;
	ctx->cwd_fd = -1;
	if (getsockopt(sk, SOL_SOCKET, SO_PEERCRED, &cred, &len) || !cred.pid) {
		pr_perror("Can't find out who is at the other end of fd %d", sk);
		return -1;
	}
	ctx->peer_pid = cred.pid;
	ctx->base_loglevel = log_get_loglevel();
	ctx->cwd_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	begin(ctx, CRIU_REQ_TYPE__EMPTY);
	return 0;
}

void rpc_ctx_fini(struct rpc_ctx *ctx)
{
	if (ctx->cwd_fd >= 0)
		close(ctx->cwd_fd);
	ctx->cwd_fd = -1;
}

int cr_service_work(int sk)
{
	struct rpc_ctx ctx;
	bool more, pre_dumped = false;
	int ret;

	if (rpc_ctx_init(&ctx, sk))
		return 1;
	pr_info("RPC: serving client %d on fd %d\n", ctx.peer_pid, sk);

	do {
		CriuReq *req;

		begin(&ctx, CRIU_REQ_TYPE__EMPTY);
		more = false;
		switch (recv_req(&ctx, &req)) {
		case RECV_OK:
			ret = serve_next(&ctx, req, &pre_dumped) ? 1 : 0;
			/* Like CRIU: a failed request ends the worker, keep_open or not. */
			more = !ret && (req->keep_open || pre_dumped);
			criu_req__free_unpacked(req, NULL);
			break;
		case RECV_EOF:
			pr_info("RPC: client closed the connection\n");
			ret = 0;
			break;
		case RECV_BAD:
			send_err(&ctx);
			ret = 1;
			break;
		default:
			ret = 1;
			break;
		}
	} while (more);

	rpc_ctx_fini(&ctx);
	return ret;
}

/* FD: a number naming an open socket that keeps message boundaries. */
static int swrk_fd(const char *arg)
{
	int fd, type, domain;
	socklen_t len = sizeof(type);
	struct stat st;
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > INT_MAX) {
		pr_err("swrk: `%s' is not a file descriptor number\n", arg);
		return -1;
	}
	fd = (int)v;
	if (fstat(fd, &st)) {
		pr_perror("swrk: fd %d is not open", fd);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		pr_err("swrk: fd %d is not a socket\n", fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    (len = sizeof(domain), getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len))) {
		pr_perror("swrk: can't query socket fd %d", fd);
		return -1;
	}
	if (domain != AF_UNIX || (type != SOCK_SEQPACKET && type != SOCK_DGRAM)) {
		pr_err("swrk: fd %d is not a unix SOCK_SEQPACKET socket\n", fd);
		return -1;
	}
	/* Restored tasks and helpers must not inherit the client's socket. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC))
		pr_pwarn("swrk: can't set close-on-exec on fd %d", fd);
	return fd;
}

int cr_swrk(const struct cr_options *o)
{
	int sk;

	if (o->nr_cmd_args < 1) {
		pr_err("swrk: usage: criu swrk FD (FD: the worker's end of a SOCK_SEQPACKET "
		       "socketpair)\n");
		return 1;
	}
	if (o->nr_cmd_args > 1) {
		pr_err("swrk: one argument expected, the socket fd, not %d\n", o->nr_cmd_args);
		return 1;
	}
	sk = swrk_fd(o->cmd_args[0]);
	if (sk < 0)
		return 1;
	return cr_service_work(sk);
}
