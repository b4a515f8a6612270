/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_CR_SERVICE_H
#define CRIU_CR_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/compiler.h"
#include "cr_options.h"
#include "log.h"
#include "rpc.pb-c.h"

/*
 * `criu swrk FD`: the service worker that runc, crun, LXC, Podman (go-criu)
 * and libcriu start with one end of a SOCK_SEQPACKET socketpair as fd FD.
 * The client sends criu_req messages (images/rpc.proto), one per packet;
 * the worker answers each with a criu_resp of the same type (EMPTY when the
 * request itself could not be understood).  During a dump or restore the
 * engine may send NOTIFY responses, each answered by the client with a
 * NOTIFY request carrying notify_success.
 *
 * Like CRIU, the worker ends after a request unless the request set
 * keep_open, which only the request types that leave no state behind accept
 * (FEATURE_CHECK, VERSION, PAGE_SERVER, PAGE_SERVER_CHLD, CPUINFO_*,
 * WAIT_PID, SINGLE_PRE_DUMP), or unless it was a PRE_DUMP, which the next
 * PRE_DUMP or the final DUMP follows on the same worker.  A failed request
 * ends it with exit status 1, after its answer; so does a message that is
 * not a request (answered with type EMPTY).  EOF while waiting for a
 * request ends it with exit status 0.
 */

/* Largest request accepted; a bigger one is answered with an error. */
#define RPC_MAX_REQ_SIZE (4U << 20)
/*
 * cr_errmsg is cut to this many bytes: go-criu reads responses into an
 * 8 KiB buffer, so a response must stay well below that.
 */
#define RPC_ERRMSG_MAX 1024

/* The notification names (CRIU's action script names), for rpc_notify(). */
#define RPC_NFY_PRE_DUMP "pre-dump"
#define RPC_NFY_POST_DUMP "post-dump"
#define RPC_NFY_PRE_RESTORE "pre-restore"
#define RPC_NFY_POST_RESTORE "post-restore"
#define RPC_NFY_NETWORK_LOCK "network-lock"
#define RPC_NFY_NETWORK_UNLOCK "network-unlock"
#define RPC_NFY_SETUP_NS "setup-namespaces"
#define RPC_NFY_POST_SETUP_NS "post-setup-namespaces"
#define RPC_NFY_PRE_RESUME "pre-resume"
#define RPC_NFY_POST_RESUME "post-resume"
#define RPC_NFY_ORPHAN_PTS_MASTER "orphan-pts-master"
#define RPC_NFY_STATUS_READY "status-ready"
#define RPC_NFY_QUERY_EXT_FILES "query-ext-files"

/* One connected client and the request being served. */
struct rpc_ctx {
	int sk;
	pid_t peer_pid; /* the client (SO_PEERCRED): owner of the fds it names */
	int cwd_fd; /* the worker's cwd, restored after each request */
	unsigned int base_loglevel;

	/* Reset for every request. */
	CriuReqType type;
	bool notify_scripts; /* the client asked for NOTIFY messages */
	int cr_errno; /* first error of the request: errno-like code */
	char errmsg[RPC_ERRMSG_MAX]; /* and its text, for cr_errmsg */

	/* Results the engine leaves for the response. */
	pid_t restored_pid; /* RESTORE: pid of the root task */
	pid_t ps_pid; /* PAGE_SERVER: the page server process */
	int ps_port; /* and the port it listens on */
	int wait_status; /* WAIT_PID */
};

/* `criu swrk FD` from the command table: checks FD, then serves it. */
int cr_swrk(const struct cr_options *o);

/* Serve requests on the connected socket @sk.  Returns the exit status. */
int cr_service_work(int sk);

/*
 * The request types and what serves them.  An engine command (dump,
 * restore ...) is the very function the command line runs, given the
 * cr_options built from the request; wiring one in is one line of
 * rpc_cmds[] in cr-service.c.  A type with neither serve nor run answers
 * "<name> is not implemented in this build yet".
 */
enum {
	RPC_IMAGES = 1 << 0, /* needs an images directory */
	RPC_KEEP_OPEN = 1 << 1, /* keep_open allowed: leaves no state behind */
	RPC_DETACHED = 1 << 2, /* restore: the tree is always detached */
	RPC_PRE_DUMP_SEQ = 1 << 3, /* followed by PRE_DUMP or DUMP on the same worker */
	RPC_NO_OPTS = 1 << 4, /* the options of the request are ignored */
};

struct rpc_reply;

struct rpc_cmd {
	const char *name; /* as on the command line, for messages */
	unsigned int flags;
	/* Built-in requests (VERSION, CHECK, FEATURE_CHECK): fill the reply. */
	int (*serve)(struct rpc_ctx *ctx, const CriuReq *req, const struct cr_options *o,
		     struct rpc_reply *r);
	/* Engine commands: 0 on success. */
	int (*run)(const struct cr_options *o);
};

/* The entry for @type, or NULL when the type is not a request (EMPTY, NOTIFY, unknown). */
const struct rpc_cmd *rpc_find_cmd(int type);

/* The client on @sk; rpc_ctx_fini() releases what rpc_ctx_init() took. */
int rpc_ctx_init(struct rpc_ctx *ctx, int sk);
void rpc_ctx_fini(struct rpc_ctx *ctx);

/*
 * Serve @req with @cmd (NULL: not a request) and send the answer.  0 when
 * the request succeeded.  cr_service_work() runs it for every request; tests
 * run it with commands of their own.
 */
int rpc_serve_cmd(struct rpc_ctx *ctx, const struct rpc_cmd *cmd, const CriuReq *req);

/*
 * For the engine: the RPC client behind the options of the command being
 * run, or NULL when the command came from the command line.
 */
struct rpc_ctx *rpc_ctx_of(const struct cr_options *o);

/*
 * Tell the client that the engine reached the point @script (RPC_NFY_*),
 * with @pid if > 0, and wait for its acknowledgement.  0 when the client
 * acknowledged with success, or when there is nobody to tell (@ctx NULL, or
 * the request did not set notify_scripts); -1 when the client reported a
 * failure or went away, which must fail the dump or restore.
 * rpc_notify_fd() also passes @fd to the client (SCM_RIGHTS), as
 * orphan-pts-master does.
 */
int rpc_notify(struct rpc_ctx *ctx, const char *script, pid_t pid);
int rpc_notify_fd(struct rpc_ctx *ctx, const char *script, pid_t pid, int fd);

/*
 * Log an error and keep it, if it is the request's first, for the response
 * (cr_errno @err if not 0, cr_errmsg the text).  rpc_keep_err() only keeps.
 */
void rpc_keep_err(struct rpc_ctx *ctx, int err, const char *fmt, ...) __printf(3, 4);
#define rpc_set_err(ctx, err, fmt, ...)                     \
	do {                                                \
		pr_err(fmt "\n", ##__VA_ARGS__);            \
		rpc_keep_err(ctx, err, fmt, ##__VA_ARGS__); \
	} while (0)

/*
 * criu_opts -> cr_options.  The options point into the request, which must
 * outlive them, and into strings owned by the rpc_opts.
 */
struct rpc_opts {
	struct cr_options o;
	bool notify_scripts;
	int pidfd_store_sk; /* client's fd number, -1: none (no cr_options field yet) */
	const char *cgroup_yard; /* no cr_options field yet */
	bool status_fd_owned; /* o.status_fd was opened here */
	char imgs_path[64]; /* /proc/PID/fd/N of images_dir_fd */
	char work_path[64]; /* /proc/PID/fd/N of work_dir_fd */
	struct str_list owned; /* strings built for o */
};

void rpc_opts_init(struct rpc_opts *ro);

/*
 * Fill ro->o (after rpc_opts_init()) from @req, with fds named by the client
 * reached through /proc/@peer/fd.  A config_file is parsed last, with the
 * command line parser, so that its options win, as in CRIU.  Returns 0, or
 * -1 with the reason in @err.
 */
int rpc_opts_fill(struct rpc_opts *ro, const CriuOpts *req, pid_t peer, char *err, size_t len);
void rpc_opts_free(struct rpc_opts *ro);

#endif
