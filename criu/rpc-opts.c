// SPDX-License-Identifier: GPL-2.0
/*
 * The options of an RPC request (criu_opts) turned into the cr_options the
 * command line would have produced.  List options are written in their
 * command line form ("fd[3]:KEY", "IN=OUT" ...), so the engine parses one
 * syntax whatever the source.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cr-service.h"
#include "log.h"

#define DEFAULT_RPC_LOG "criu.log"

void rpc_opts_init(struct rpc_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	init_opts(&ro->o);
	ro->pidfd_store_sk = -1;
}

void rpc_opts_free(struct rpc_opts *ro)
{
	int i;

	if (ro->status_fd_owned && ro->o.status_fd >= 0)
		close(ro->o.status_fd);
	ro->status_fd_owned = false;
	free_opts(&ro->o);
	for (i = 0; i < ro->owned.n; i++)
		free((void *)ro->owned.v[i]);
	free(ro->owned.v);
	ro->owned.v = NULL;
	ro->owned.n = 0;
}

static int fail(char *err, size_t len, const char *fmt, ...) __printf(3, 4);
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(err, len, fmt, args);
	va_end(args);
	return -1;
}

static int list_add(struct str_list *l, const char *s)
{
	const char **v = realloc(l->v, (l->n + 2) * sizeof(*v));

	if (!v)
		return -1;
	v[l->n++] = s;
	v[l->n] = NULL;
	l->v = v;
	return 0;
}

/* Add a string made by printf to @l; ro owns it. */
static int list_addf(struct rpc_opts *ro, struct str_list *l, const char *fmt, ...) __printf(3, 4);
static int list_addf(struct rpc_opts *ro, struct str_list *l, const char *fmt, ...)
{
	va_list args;
	char *s;
	int n;

	va_start(args, fmt);
	n = vasprintf(&s, fmt, args);
	va_end(args);
	if (n < 0)
		return -1;
	if (list_add(&ro->owned, s)) {
		free(s);
		return -1;
	}
	return list_add(l, s);
}

static int add_strings(struct str_list *l, char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list_add(l, v[i]))
			return -1;
	return 0;
}

#define OOM(err, len) fail(err, len, "out of memory mapping RPC options")

/* The optional booleans that map one to one onto a cr_options flag. */
#define FLAG(field, opt)                                                    \
	{                                                                   \
		offsetof(CriuOpts, has_##field), offsetof(CriuOpts, field), \
			offsetof(struct cr_options, opt)                    \
	}
static const struct {
	size_t has, val, opt;
} rpc_flags[] = {
	FLAG(tcp_established, tcp_established),
	FLAG(evasive_devices, evasive_devices),
	FLAG(shell_job, shell_job),
	FLAG(file_locks, file_locks),
	FLAG(track_mem, track_mem),
	FLAG(auto_dedup, auto_dedup),
	FLAG(link_remap, link_remap),
	FLAG(force_irmap, force_irmap),
	FLAG(rst_sibling, restore_sibling),
	FLAG(auto_ext_mnt, autodetect_ext_mounts),
	FLAG(ext_sharing, enable_external_sharing),
	FLAG(ext_masters, enable_external_masters),
	FLAG(tcp_skip_in_flight, tcp_skip_in_flight),
	FLAG(weak_sysctls, weak_sysctls),
	FLAG(lazy_pages, lazy_pages),
	FLAG(orphan_pts_master, orphan_pts_master),
	FLAG(tcp_close, tcp_close),
	FLAG(mntns_compat_mode, mntns_compat_mode),
	FLAG(skip_file_rwx_check, skip_file_rwx_check),
	FLAG(unprivileged, unprivileged),
	FLAG(display_stats, display_stats),
	FLAG(allow_uprobes, allow_uprobes),
	FLAG(ghost_fiemap, ghost_fiemap),
};
#undef FLAG

static void map_flags(struct cr_options *o, const CriuOpts *req)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rpc_flags); i++) {
		const protobuf_c_boolean *has =
			(const void *)((const char *)req + rpc_flags[i].has);
		const protobuf_c_boolean *val =
			(const void *)((const char *)req + rpc_flags[i].val);

		if (*has)
			*(int *)((char *)o + rpc_flags[i].opt) = !!*val;
	}
}

/* A directory the client holds open, by its fd number. */
static int client_fd_path(char *buf, size_t size, pid_t peer, int fd, const char *what, char *err,
			  size_t len)
{
	if (fd < 0)
		return fail(err, len, "%s %d is not a file descriptor", what, fd);
	snprintf(buf, size, "/proc/%d/fd/%d", peer, fd);
	return 0;
}

static int map_dirs(struct rpc_opts *ro, const CriuOpts *req, pid_t peer, char *err, size_t len)
{
	struct cr_options *o = &ro->o;

	if (req->images_dir_fd != -1) {
		if (client_fd_path(ro->imgs_path, sizeof(ro->imgs_path), peer, req->images_dir_fd,
				   "images_dir_fd", err, len))
			return -1;
		o->imgs_dir = ro->imgs_path;
	} else if (req->images_dir) {
		o->imgs_dir = req->images_dir;
	}

	if (req->has_work_dir_fd) {
		if (client_fd_path(ro->work_path, sizeof(ro->work_path), peer, req->work_dir_fd,
				   "work_dir_fd", err, len))
			return -1;
		o->work_dir = ro->work_path;
	}
	if (req->parent_img)
		o->prev_imgs_dir = req->parent_img;
	if (req->root)
		o->root = req->root;
	return 0;
}

static int map_log(struct cr_options *o, const CriuOpts *req, char *err, size_t len)
{
	/* Unset, it is the protocol's default: 2, warnings. */
	int level = req->log_level;

	o->loglevel = level < 0 ? 0 : level > LOG_DEBUG ? LOG_DEBUG : (unsigned int)level;

	if (req->log_file) {
		if (strchr(req->log_file, '/'))
			return fail(err, len,
				    "log_file %s: no '/' allowed, the log goes in the work dir "
				    "(use work_dir_fd)",
				    req->log_file);
		if (!req->log_file[0])
			return fail(err, len, "log_file is empty");
		o->log_file = req->log_file;
	} else if (req->has_log_to_stderr && req->log_to_stderr) {
		o->log_file = "-";
	}
	return 0;
}

static int map_final_state(struct cr_options *o, const CriuOpts *req)
{
	if (req->has_leave_running && req->leave_running)
		o->final_state = TASK_ALIVE;
	if (req->has_leave_stopped && req->leave_stopped)
		o->final_state = TASK_STOPPED;
	return 0;
}

/* criu_cg_mode values, in order. */
static const enum cg_mode cg_modes[] = {
	[CRIU_CG_MODE__IGNORE] = CG_MODE_IGNORE,   [CRIU_CG_MODE__CG_NONE] = CG_MODE_NONE,
	[CRIU_CG_MODE__PROPS] = CG_MODE_PROPS,	   [CRIU_CG_MODE__SOFT] = CG_MODE_SOFT,
	[CRIU_CG_MODE__FULL] = CG_MODE_FULL,	   [CRIU_CG_MODE__STRICT] = CG_MODE_STRICT,
	[CRIU_CG_MODE__DEFAULT] = CG_MODE_DEFAULT,
};

static int map_cgroups(struct rpc_opts *ro, const CriuOpts *req, char *err, size_t len)
{
	struct cr_options *o = &ro->o;
	size_t i;

	/* Older clients say only yes or no: yes is soft. */
	if (req->has_manage_cgroups)
		o->manage_cgroups = req->manage_cgroups ? CG_MODE_SOFT : CG_MODE_IGNORE;

	if (req->has_manage_cgroups_mode) {
		unsigned int m = req->manage_cgroups_mode;

		if (m >= ARRAY_SIZE(cg_modes))
			return fail(err, len, "unknown manage_cgroups_mode %u", m);
		o->manage_cgroups = cg_modes[m];
	}

	for (i = 0; i < req->n_cg_root; i++) {
		const CgroupRoot *r = req->cg_root[i];
		int ret = r->ctrl ? list_addf(ro, &o->cgroup_roots, "%s:%s", r->ctrl, r->path) :
				    list_addf(ro, &o->cgroup_roots, "%s", r->path);

		if (ret)
			return OOM(err, len);
	}
	if (add_strings(&o->cg_dump_ctl, req->cgroup_dump_controller,
			req->n_cgroup_dump_controller))
		return OOM(err, len);
	if (req->cgroup_props)
		o->cgroup_props = req->cgroup_props;
	if (req->cgroup_props_file)
		o->cgroup_props_file = req->cgroup_props_file;
	if (req->freeze_cgroup)
		o->freeze_cgroup = req->freeze_cgroup;
	ro->cgroup_yard = req->cgroup_yard;
	return 0;
}

/* The repeated options, in their command line spelling. */
static int map_lists(struct rpc_opts *ro, const CriuOpts *req, char *err, size_t len)
{
	struct cr_options *o = &ro->o;
	size_t i;

	for (i = 0; i < req->n_veths; i++)
		if (list_addf(ro, &o->veth_pairs, "%s=%s", req->veths[i]->if_in,
			      req->veths[i]->if_out))
			return OOM(err, len);
	for (i = 0; i < req->n_ext_mnt; i++)
		if (list_addf(ro, &o->ext_mounts, "%s:%s", req->ext_mnt[i]->key,
			      req->ext_mnt[i]->val))
			return OOM(err, len);
	for (i = 0; i < req->n_inherit_fd; i++) {
		if (req->inherit_fd[i]->fd < 0)
			return fail(err, len, "inherit_fd %s: bad fd %d", req->inherit_fd[i]->key,
				    req->inherit_fd[i]->fd);
		if (list_addf(ro, &o->inherit_fds, "fd[%d]:%s", req->inherit_fd[i]->fd,
			      req->inherit_fd[i]->key))
			return OOM(err, len);
	}
	for (i = 0; i < req->n_join_ns; i++) {
		const JoinNamespace *j = req->join_ns[i];
		int ret = j->extra_opt ? list_addf(ro, &o->join_ns, "%s:%s,%s", j->ns, j->ns_file,
						   j->extra_opt) :
					 list_addf(ro, &o->join_ns, "%s:%s", j->ns, j->ns_file);

		if (ret)
			return OOM(err, len);
	}

	/* -x INODE is only looked at together with ext_unix_sk, as in CRIU. */
	if (req->has_ext_unix_sk) {
		o->ext_unix_sk = req->ext_unix_sk;
		for (i = 0; i < req->n_unix_sk_ino; i++)
			if (list_addf(ro, &o->ext_unix_ids, "%u", req->unix_sk_ino[i]->inode))
				return OOM(err, len);
	}

	if (add_strings(&o->external, req->external, req->n_external) ||
	    add_strings(&o->skip_mnt, req->skip_mnt, req->n_skip_mnt) ||
	    add_strings(&o->enable_fs, req->enable_fs, req->n_enable_fs) ||
	    add_strings(&o->irmap_paths, req->irmap_scan_paths, req->n_irmap_scan_paths))
		return OOM(err, len);

	if (req->n_exec_cmd) {
		o->cmd_args = calloc(req->n_exec_cmd + 1, sizeof(*o->cmd_args));
		if (!o->cmd_args)
			return OOM(err, len);
		for (i = 0; i < req->n_exec_cmd; i++)
			o->cmd_args[i] = req->exec_cmd[i];
		o->nr_cmd_args = (int)req->n_exec_cmd;
		o->exec_cmd = 1;
	}
	return 0;
}

static int map_page_server(struct cr_options *o, const CriuOpts *req, char *err, size_t len)
{
	const CriuPageServerInfo *ps = req->ps;

	if (!ps)
		return 0;
	o->use_page_server = 1;
	if (ps->address)
		o->addr = ps->address;
	if (ps->has_port) {
		/* 0 lets a page server pick its port and report it. */
		if (ps->port < 0 || ps->port > 65535)
			return fail(err, len, "page server port %d is out of range", ps->port);
		o->port = (unsigned short)ps->port;
	}
	if (ps->has_fd) {
		if (ps->fd < 0)
			return fail(err, len, "page server fd %d is not a file descriptor", ps->fd);
		o->ps_socket = ps->fd;
	}
	return 0;
}

/*
 * The protocol's pre-dump modes, network lock methods and file validation
 * methods have the values of the command line's.
 */
static int map_modes(struct cr_options *o, const CriuOpts *req, char *err, size_t len)
{
	BUILD_BUG_ON((int)CRIU_PRE_DUMP_MODE__SPLICE != PRE_DUMP_SPLICE ||
		     (int)CRIU_PRE_DUMP_MODE__VM_READ != PRE_DUMP_READ);
	BUILD_BUG_ON((int)CRIU_NETWORK_LOCK_METHOD__IPTABLES != NETWORK_LOCK_IPTABLES ||
		     (int)CRIU_NETWORK_LOCK_METHOD__NFTABLES != NETWORK_LOCK_NFTABLES ||
		     (int)CRIU_NETWORK_LOCK_METHOD__SKIP != NETWORK_LOCK_SKIP);
	BUILD_BUG_ON((int)CRIU_FILE_VALIDATION_METHOD__FILE_SIZE != FILE_VALIDATION_FILESIZE ||
		     (int)CRIU_FILE_VALIDATION_METHOD__BUILD_ID != FILE_VALIDATION_BUILD_ID);

	if (req->has_pre_dump_mode) {
		if (req->pre_dump_mode != CRIU_PRE_DUMP_MODE__SPLICE &&
		    req->pre_dump_mode != CRIU_PRE_DUMP_MODE__VM_READ)
			return fail(err, len, "unknown pre_dump_mode %d", (int)req->pre_dump_mode);
		o->pre_dump_mode = req->pre_dump_mode;
	}
	if (req->has_network_lock) {
		if (req->network_lock < CRIU_NETWORK_LOCK_METHOD__IPTABLES ||
		    req->network_lock > CRIU_NETWORK_LOCK_METHOD__SKIP)
			return fail(err, len, "unknown network_lock method %d",
				    (int)req->network_lock);
		o->network_lock = req->network_lock;
	}
	if (req->has_file_validation_method) {
		if (req->file_validation_method != CRIU_FILE_VALIDATION_METHOD__FILE_SIZE &&
		    req->file_validation_method != CRIU_FILE_VALIDATION_METHOD__BUILD_ID)
			return fail(err, len, "unknown file_validation_method %d",
				    (int)req->file_validation_method);
		o->file_validation = req->file_validation_method;
	}
	return 0;
}

static int map_values(struct rpc_opts *ro, const CriuOpts *req, pid_t peer, char *err, size_t len)
{
	struct cr_options *o = &ro->o;

	/* Dump: without a pid the client dumps itself. */
	o->tree_pid = req->has_pid ? req->pid : peer;
	if (req->has_cpu_cap)
		o->cpu_cap = req->cpu_cap;
	if (req->has_ghost_limit)
		o->ghost_limit = req->ghost_limit;
	if (req->has_timeout)
		o->timeout = req->timeout > INT_MAX ? INT_MAX : (int)req->timeout;
	if (req->has_empty_ns) {
		if (req->empty_ns & ~(uint32_t)CLONE_NEWNET)
			return fail(err, len,
				    "empty_ns 0x%x: only CLONE_NEWNET (0x%x) is supported",
				    req->empty_ns, CLONE_NEWNET);
		o->empty_ns = req->empty_ns;
	}
	if (req->lsm_profile)
		o->lsm_profile = req->lsm_profile;
	if (req->lsm_mount_context)
		o->lsm_mount_context = req->lsm_mount_context;
	if (req->has_notify_scripts)
		ro->notify_scripts = req->notify_scripts;
	if (req->has_pidfd_store_sk)
		ro->pidfd_store_sk = req->pidfd_store_sk;
	if ((req->has_tls && req->tls) || (req->has_tls_no_cn_verify && req->tls_no_cn_verify))
		return fail(err, len, "TLS for the page server is not supported by this build");
	return 0;
}

/* status_fd is the client's: reach it through /proc, as CRIU does. */
static int map_status_fd(struct rpc_opts *ro, const CriuOpts *req, pid_t peer, char *err,
			 size_t len)
{
	char path[64];
	int fd;

	if (!req->has_status_fd)
		return 0;
	if (req->status_fd < 0)
		return fail(err, len, "status_fd %d is not a file descriptor", req->status_fd);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", peer, req->status_fd);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, len, "can't open status_fd %d of the client (%s): %s",
			    req->status_fd, path, strerror(errno));
	ro->o.status_fd = fd;
	ro->status_fd_owned = true;
	return 0;
}

/* Options of the config file override those of the request, as in CRIU. */
static int map_config(struct rpc_opts *ro, const CriuOpts *req, char *err, size_t len)
{
	char *argv[] = { "criu", "--config", req->config_file, NULL };
	const char *command = ro->o.command;
	const char **cmd_args = ro->o.cmd_args;
	int nr_cmd_args = ro->o.nr_cmd_args;

	if (!req->config_file)
		return 0;
	int ret = parse_options(&ro->o, 3, argv);

	if (ro->o.cmd_args != cmd_args) {
		/* A stray word in the file was taken for a command: drop it. */
		free(ro->o.cmd_args);
		ro->o.command = command;
		ro->o.cmd_args = cmd_args;
		ro->o.nr_cmd_args = nr_cmd_args;
		return fail(err, len, "config_file %s: a value where none is expected",
			    req->config_file);
	}
	if (ret != PARSE_OK)
		return fail(err, len, "config_file %s: can't use it; see the log",
			    req->config_file);
	return 0;
}

int rpc_opts_fill(struct rpc_opts *ro, const CriuOpts *req, pid_t peer, char *err, size_t len)
{
	struct cr_options *o = &ro->o;

	err[0] = '\0';
	map_flags(o, req);
	if (map_dirs(ro, req, peer, err, len) || map_log(o, req, err, len) ||
	    map_final_state(o, req) || map_cgroups(ro, req, err, len) ||
	    map_lists(ro, req, err, len) || map_page_server(o, req, err, len) ||
	    map_modes(o, req, err, len) || map_values(ro, req, peer, err, len) ||
	    map_config(ro, req, err, len) || map_status_fd(ro, req, peer, err, len))
		return -1;

	/* The log goes to the work dir unless the client said otherwise. */
	if (!o->log_file && (o->imgs_dir || o->work_dir))
		o->log_file = DEFAULT_RPC_LOG;
	return 0;
}
