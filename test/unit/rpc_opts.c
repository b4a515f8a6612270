// SPDX-License-Identifier: GPL-2.0
/* criu_opts -> cr_options: every mapped field, the defaults, and the refusals. */

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cr-service.h"
#include "log.h"
#include "unit.h"

static char dir[] = "/tmp/rpc-opts-unit.XXXXXX";

static int has(const struct str_list *l, const char *s)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

static int fill(struct rpc_opts *ro, CriuOpts *req, char *err, size_t len)
{
	rpc_opts_init(ro);
	return rpc_opts_fill(ro, req, getpid(), err, len);
}

/* An empty request gives the command line's defaults. */
static void test_defaults(void)
{
	CriuOpts req = CRIU_OPTS__INIT;
	struct rpc_opts ro;
	char err[256];

	CHECK(fill(&ro, &req, err, sizeof(err)) == 0, "%s", err);
	CHECK(ro.o.imgs_dir == NULL, "no images dir without images_dir_fd");
	CHECK(ro.o.log_file == NULL, "no log file without a work dir");
	CHECK(ro.o.loglevel == 2, "protocol default log level, got %u", ro.o.loglevel);
	CHECK(ro.o.final_state == TASK_DEAD, "dump kills by default");
	CHECK(ro.o.manage_cgroups == CG_MODE_DEFAULT, "cgroup mode default");
	CHECK(ro.o.timeout == DEFAULT_TIMEOUT, "timeout default");
	CHECK(ro.o.ghost_limit == DEFAULT_GHOST_LIMIT, "ghost limit default");
	CHECK(ro.o.pre_dump_mode == PRE_DUMP_SPLICE, "pre-dump mode default");
	CHECK(ro.o.network_lock == NETWORK_LOCK_IPTABLES, "network lock default");
	CHECK(ro.o.file_validation == FILE_VALIDATION_BUILD_ID, "file validation default");
	CHECK(ro.o.status_fd == -1 && ro.o.ps_socket == -1, "no status fd, no ps socket");
	CHECK(ro.o.tree_pid == getpid(), "dump without pid dumps the client");
	CHECK(!ro.o.shell_job && !ro.o.tcp_established && !ro.o.ext_unix_sk, "flags off");
	CHECK(!ro.notify_scripts && ro.pidfd_store_sk == -1, "no notify, no pidfd store");
	rpc_opts_free(&ro);
}

static void test_fields(void)
{
	CriuOpts req = CRIU_OPTS__INIT;
	CriuPageServerInfo ps = CRIU_PAGE_SERVER_INFO__INIT;
	InheritFd ifd[2] = { INHERIT_FD__INIT, INHERIT_FD__INIT };
	InheritFd *ifds[2] = { &ifd[0], &ifd[1] };
	CgroupRoot cgr[2] = { CGROUP_ROOT__INIT, CGROUP_ROOT__INIT };
	CgroupRoot *cgrs[2] = { &cgr[0], &cgr[1] };
	JoinNamespace jn[2] = { JOIN_NAMESPACE__INIT, JOIN_NAMESPACE__INIT };
	JoinNamespace *jns[2] = { &jn[0], &jn[1] };
	CriuVethPair veth = CRIU_VETH_PAIR__INIT, *veths[1] = { &veth };
	ExtMountMap mnt = EXT_MOUNT_MAP__INIT, *mnts[1] = { &mnt };
	UnixSk usk = UNIX_SK__INIT, *usks[1] = { &usk };
	char *external[] = { "mnt[/a]:a", "veth[eth0]:br0" };
	char *skip[] = { "/dev/shm" }, *fs[] = { "fuse" }, *irmap[] = { "/usr" };
	char *exec[] = { "/bin/true", "x" }, *cgctl[] = { "cpu" };
	struct rpc_opts ro;
	struct stat st1, st2;
	char err[256], path[64];
	int dfd, wfd, pfd[2];

	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	wfd = open("/tmp", O_RDONLY | O_DIRECTORY);
	if (pipe(pfd))
		perror("pipe");

	req.images_dir_fd = dfd;
	req.has_work_dir_fd = true;
	req.work_dir_fd = wfd;
	req.has_pid = true;
	req.pid = 4242;
	req.has_log_level = true;
	req.log_level = 4;
	req.log_file = "dump.log";
	req.has_leave_running = req.leave_running = true;
	req.has_shell_job = req.shell_job = true;
	req.has_tcp_established = req.tcp_established = true;
	req.has_ext_unix_sk = req.ext_unix_sk = true;
	req.n_unix_sk_ino = 1;
	req.unix_sk_ino = usks;
	usk.inode = 12345;
	req.has_evasive_devices = req.evasive_devices = true;
	req.has_file_locks = req.file_locks = true;
	req.has_track_mem = req.track_mem = true;
	req.has_auto_dedup = req.auto_dedup = true;
	req.has_link_remap = req.link_remap = true;
	req.has_force_irmap = req.force_irmap = true;
	req.has_rst_sibling = req.rst_sibling = true;
	req.has_auto_ext_mnt = req.auto_ext_mnt = true;
	req.has_ext_sharing = req.ext_sharing = true;
	req.has_ext_masters = req.ext_masters = true;
	req.has_tcp_skip_in_flight = req.tcp_skip_in_flight = true;
	req.has_weak_sysctls = req.weak_sysctls = true;
	req.has_lazy_pages = req.lazy_pages = true;
	req.has_orphan_pts_master = req.orphan_pts_master = true;
	req.has_mntns_compat_mode = req.mntns_compat_mode = true;
	req.has_skip_file_rwx_check = req.skip_file_rwx_check = true;
	req.has_unprivileged = req.unprivileged = true;
	req.has_display_stats = req.display_stats = true;
	req.has_allow_uprobes = req.allow_uprobes = true;
	req.has_ghost_fiemap = req.ghost_fiemap = true;
	req.has_notify_scripts = req.notify_scripts = true;
	req.root = "/newroot";
	req.parent_img = "../1";
	req.has_manage_cgroups = req.manage_cgroups = true;
	req.has_manage_cgroups_mode = true;
	req.manage_cgroups_mode = CRIU_CG_MODE__FULL;
	req.n_cg_root = 2;
	req.cg_root = cgrs;
	cgr[0].ctrl = "cpu";
	cgr[0].path = "/ct1";
	cgr[1].path = "/ct2";
	req.n_cgroup_dump_controller = 1;
	req.cgroup_dump_controller = cgctl;
	req.cgroup_props = "props";
	req.cgroup_props_file = "/props.yaml";
	req.freeze_cgroup = "/sys/fs/cgroup/ct";
	req.cgroup_yard = "/yard";
	req.n_external = 2;
	req.external = external;
	req.n_inherit_fd = 2;
	req.inherit_fd = ifds;
	ifd[0].fd = 3;
	ifd[0].key = "pipe:[123]";
	ifd[1].fd = 7;
	ifd[1].key = "tty[88:1]";
	req.n_join_ns = 2;
	req.join_ns = jns;
	jn[0].ns = "net";
	jn[0].ns_file = "/var/run/netns/x";
	jn[1].ns = "user";
	jn[1].ns_file = "1234";
	jn[1].extra_opt = "0,0";
	req.n_veths = 1;
	req.veths = veths;
	veth.if_in = "eth0";
	veth.if_out = "veth01";
	req.n_ext_mnt = 1;
	req.ext_mnt = mnts;
	mnt.key = "/mnt";
	mnt.val = "ext";
	req.n_skip_mnt = 1;
	req.skip_mnt = skip;
	req.n_enable_fs = 1;
	req.enable_fs = fs;
	req.n_irmap_scan_paths = 1;
	req.irmap_scan_paths = irmap;
	req.n_exec_cmd = 2;
	req.exec_cmd = exec;
	req.ps = &ps;
	ps.address = "10.0.0.1";
	ps.has_port = true;
	ps.port = 9876;
	ps.has_fd = true;
	ps.fd = 9;
	req.has_status_fd = true;
	req.status_fd = pfd[1];
	req.has_ghost_limit = true;
	req.ghost_limit = 5 << 20;
	req.has_timeout = true;
	req.timeout = 33;
	req.has_empty_ns = true;
	req.empty_ns = CLONE_NEWNET;
	req.has_cpu_cap = true;
	req.cpu_cap = 3;
	req.lsm_profile = "apparmor:unconfined";
	req.lsm_mount_context = "system_u:object_r:container_file_t:s0";
	req.has_tcp_close = false;
	req.has_pre_dump_mode = true;
	req.pre_dump_mode = CRIU_PRE_DUMP_MODE__VM_READ;
	req.has_network_lock = true;
	req.network_lock = CRIU_NETWORK_LOCK_METHOD__NFTABLES;
	req.has_file_validation_method = true;
	req.file_validation_method = CRIU_FILE_VALIDATION_METHOD__FILE_SIZE;
	req.has_pidfd_store_sk = true;
	req.pidfd_store_sk = 11;

	CHECK(fill(&ro, &req, err, sizeof(err)) == 0, "%s", err);

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", getpid(), dfd);
	CHECK(ro.o.imgs_dir && !strcmp(ro.o.imgs_dir, path), "imgs_dir %s", ro.o.imgs_dir);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", getpid(), wfd);
	CHECK(ro.o.work_dir && !strcmp(ro.o.work_dir, path), "work_dir %s", ro.o.work_dir);
	CHECK(ro.o.tree_pid == 4242, "pid %d", ro.o.tree_pid);
	CHECK(ro.o.loglevel == 4, "log level %u", ro.o.loglevel);
	CHECK(ro.o.log_file && !strcmp(ro.o.log_file, "dump.log"), "log file");
	CHECK(ro.o.final_state == TASK_ALIVE, "leave_running");
	CHECK(ro.o.shell_job, "shell_job");
	CHECK(ro.o.tcp_established, "tcp_established");
	CHECK(ro.o.ext_unix_sk, "ext_unix_sk");
	CHECK(has(&ro.o.ext_unix_ids, "12345"), "unix_sk_ino");
	CHECK(ro.o.evasive_devices && ro.o.file_locks && ro.o.track_mem && ro.o.auto_dedup,
	      "evasive_devices file_locks track_mem auto_dedup");
	CHECK(ro.o.link_remap && ro.o.force_irmap && ro.o.restore_sibling,
	      "link_remap force_irmap rst_sibling");
	CHECK(ro.o.autodetect_ext_mounts && ro.o.enable_external_sharing &&
		      ro.o.enable_external_masters,
	      "auto_ext_mnt ext_sharing ext_masters");
	CHECK(ro.o.tcp_skip_in_flight && ro.o.weak_sysctls && ro.o.lazy_pages,
	      "skip_in_flight weak_sysctls lazy_pages");
	CHECK(ro.o.orphan_pts_master && ro.o.mntns_compat_mode && ro.o.skip_file_rwx_check,
	      "orphan_pts_master mntns_compat_mode skip_file_rwx_check");
	CHECK(ro.o.unprivileged && ro.o.display_stats && ro.o.allow_uprobes && ro.o.ghost_fiemap,
	      "unprivileged display_stats allow_uprobes ghost_fiemap");
	CHECK(!ro.o.tcp_close, "tcp_close unset");
	CHECK(ro.notify_scripts, "notify_scripts");
	CHECK(ro.o.root && !strcmp(ro.o.root, "/newroot"), "root");
	CHECK(ro.o.prev_imgs_dir && !strcmp(ro.o.prev_imgs_dir, "../1"), "parent_img");
	CHECK(ro.o.manage_cgroups == CG_MODE_FULL, "manage_cgroups_mode wins over the bool");
	CHECK(ro.o.cgroup_roots.n == 2 && has(&ro.o.cgroup_roots, "cpu:/ct1") &&
		      has(&ro.o.cgroup_roots, "/ct2"),
	      "cg_root");
	CHECK(has(&ro.o.cg_dump_ctl, "cpu"), "cgroup_dump_controller");
	CHECK(!strcmp(ro.o.cgroup_props, "props") && !strcmp(ro.o.cgroup_props_file, "/props.yaml"),
	      "cgroup_props");
	CHECK(!strcmp(ro.o.freeze_cgroup, "/sys/fs/cgroup/ct"), "freeze_cgroup");
	CHECK(ro.cgroup_yard && !strcmp(ro.cgroup_yard, "/yard"), "cgroup_yard");
	CHECK(ro.o.external.n == 2 && has(&ro.o.external, "mnt[/a]:a") &&
		      has(&ro.o.external, "veth[eth0]:br0"),
	      "external");
	CHECK(has(&ro.o.inherit_fds, "fd[3]:pipe:[123]") &&
		      has(&ro.o.inherit_fds, "fd[7]:tty[88:1]"),
	      "inherit_fd");
	CHECK(has(&ro.o.join_ns, "net:/var/run/netns/x") && has(&ro.o.join_ns, "user:1234,0,0"),
	      "join_ns");
	CHECK(has(&ro.o.veth_pairs, "eth0=veth01"), "veths");
	CHECK(has(&ro.o.ext_mounts, "/mnt:ext"), "ext_mnt");
	CHECK(has(&ro.o.skip_mnt, "/dev/shm") && has(&ro.o.enable_fs, "fuse") &&
		      has(&ro.o.irmap_paths, "/usr"),
	      "skip_mnt enable_fs irmap_scan_paths");
	CHECK(ro.o.exec_cmd && ro.o.nr_cmd_args == 2 && !strcmp(ro.o.cmd_args[0], "/bin/true") &&
		      !strcmp(ro.o.cmd_args[1], "x") && !ro.o.cmd_args[2],
	      "exec_cmd");
	CHECK(ro.o.use_page_server && !strcmp(ro.o.addr, "10.0.0.1") && ro.o.port == 9876 &&
		      ro.o.ps_socket == 9,
	      "ps");
	CHECK(ro.o.status_fd >= 0 && ro.o.status_fd != pfd[1], "status_fd opened: %d",
	      ro.o.status_fd);
	if (ro.o.status_fd >= 0) {
		fstat(ro.o.status_fd, &st1);
		fstat(pfd[1], &st2);
		CHECK(st1.st_ino == st2.st_ino, "status_fd is the client's pipe");
		CHECK(fcntl(ro.o.status_fd, F_GETFL) & O_WRONLY, "status_fd is write-only");
	}
	CHECK(ro.o.ghost_limit == 5 << 20, "ghost_limit %lu", ro.o.ghost_limit);
	CHECK(ro.o.timeout == 33, "timeout %d", ro.o.timeout);
	CHECK(ro.o.empty_ns == CLONE_NEWNET, "empty_ns");
	CHECK(ro.o.cpu_cap == 3, "cpu_cap %u", ro.o.cpu_cap);
	CHECK(!strcmp(ro.o.lsm_profile, "apparmor:unconfined"), "lsm_profile");
	CHECK(!strcmp(ro.o.lsm_mount_context, "system_u:object_r:container_file_t:s0"),
	      "lsm_mount_context");
	CHECK(ro.o.pre_dump_mode == PRE_DUMP_READ, "pre_dump_mode");
	CHECK(ro.o.network_lock == NETWORK_LOCK_NFTABLES, "network_lock");
	CHECK(ro.o.file_validation == FILE_VALIDATION_FILESIZE, "file_validation_method");
	CHECK(ro.pidfd_store_sk == 11, "pidfd_store_sk");
	rpc_opts_free(&ro);

	/* Freed with the options: the status fd the mapping opened. */
	CHECK(fcntl(ro.o.status_fd, F_GETFD) < 0 || ro.o.status_fd == -1, "status_fd closed");
	close(dfd);
	close(wfd);
	close(pfd[0]);
	close(pfd[1]);
}

static void test_small_things(void)
{
	CriuOpts req = CRIU_OPTS__INIT;
	struct rpc_opts ro;
	char err[256];

	/* images_dir instead of an fd; default log file in the work dir. */
	req.images_dir = dir;
	req.has_leave_stopped = req.leave_stopped = true;
	req.has_tcp_close = req.tcp_close = true;
	req.has_manage_cgroups = true;
	req.manage_cgroups = false;
	req.has_log_level = true;
	req.log_level = 99;
	CHECK(fill(&ro, &req, err, sizeof(err)) == 0, "%s", err);
	CHECK(ro.o.imgs_dir && !strcmp(ro.o.imgs_dir, dir), "images_dir");
	CHECK(ro.o.log_file && !strcmp(ro.o.log_file, "criu.log"), "default log file");
	CHECK(ro.o.final_state == TASK_STOPPED, "leave_stopped");
	CHECK(ro.o.tcp_close, "tcp_close");
	CHECK(ro.o.manage_cgroups == CG_MODE_IGNORE, "manage_cgroups false is ignore");
	CHECK(ro.o.loglevel == 4, "log level clamped: %u", ro.o.loglevel);
	rpc_opts_free(&ro);

	/* log_to_stderr */
	req.has_log_to_stderr = req.log_to_stderr = true;
	CHECK(fill(&ro, &req, err, sizeof(err)) == 0, "%s", err);
	CHECK(ro.o.log_file && !strcmp(ro.o.log_file, "-"), "log_to_stderr");
	rpc_opts_free(&ro);

	/* manage_cgroups alone: soft; every mode value */
	{
		static const struct {
			CriuCgMode in;
			enum cg_mode out;
		} modes[] = {
			{ CRIU_CG_MODE__IGNORE, CG_MODE_IGNORE },
			{ CRIU_CG_MODE__CG_NONE, CG_MODE_NONE },
			{ CRIU_CG_MODE__PROPS, CG_MODE_PROPS },
			{ CRIU_CG_MODE__SOFT, CG_MODE_SOFT },
			{ CRIU_CG_MODE__FULL, CG_MODE_FULL },
			{ CRIU_CG_MODE__STRICT, CG_MODE_STRICT },
			{ CRIU_CG_MODE__DEFAULT, CG_MODE_DEFAULT },
		};
		CriuOpts m = CRIU_OPTS__INIT;
		size_t i;

		m.has_manage_cgroups = m.manage_cgroups = true;
		CHECK(fill(&ro, &m, err, sizeof(err)) == 0, "%s", err);
		CHECK(ro.o.manage_cgroups == CG_MODE_SOFT, "manage_cgroups true is soft");
		rpc_opts_free(&ro);
		m.has_manage_cgroups_mode = true;
		for (i = 0; i < ARRAY_SIZE(modes); i++) {
			m.manage_cgroups_mode = modes[i].in;
			CHECK(fill(&ro, &m, err, sizeof(err)) == 0, "%s", err);
			CHECK(ro.o.manage_cgroups == modes[i].out, "cg mode %d -> %d, got %d",
			      modes[i].in, modes[i].out, ro.o.manage_cgroups);
			rpc_opts_free(&ro);
		}
	}
}

static void refused(CriuOpts *req, const char *what, const char *msg)
{
	struct rpc_opts ro;
	char err[256];

	CHECK(fill(&ro, req, err, sizeof(err)) == -1, "%s accepted", what);
	CHECK(strstr(err, msg) != NULL, "%s: message `%s' lacks `%s'", what, err, msg);
	rpc_opts_free(&ro);
}

static void test_refusals(void)
{
	CriuOpts req;

	req = (CriuOpts)CRIU_OPTS__INIT;
	req.log_file = "sub/dump.log";
	refused(&req, "log_file with a /", "no '/'");

	req = (CriuOpts)CRIU_OPTS__INIT;
	req.has_manage_cgroups_mode = true;
	req.manage_cgroups_mode = 17;
	refused(&req, "cg mode 17", "manage_cgroups_mode 17");

	req = (CriuOpts)CRIU_OPTS__INIT;
	req.has_empty_ns = true;
	req.empty_ns = CLONE_NEWNET | CLONE_NEWPID;
	refused(&req, "empty_ns pid", "only CLONE_NEWNET");

	req = (CriuOpts)CRIU_OPTS__INIT;
	req.has_pre_dump_mode = true;
	req.pre_dump_mode = 9;
	refused(&req, "pre_dump_mode 9", "pre_dump_mode 9");

	req = (CriuOpts)CRIU_OPTS__INIT;
	req.has_network_lock = true;
	req.network_lock = 0;
	refused(&req, "network_lock 0", "network_lock method 0");

	req = (CriuOpts)CRIU_OPTS__INIT;
	req.has_tls = req.tls = true;
	refused(&req, "tls", "TLS");

	req = (CriuOpts)CRIU_OPTS__INIT;
	req.has_status_fd = true;
	req.status_fd = 1000;
	refused(&req, "closed status_fd", "can't open status_fd 1000");

	req = (CriuOpts)CRIU_OPTS__INIT;
	req.images_dir_fd = -5;
	refused(&req, "images_dir_fd -5", "images_dir_fd -5");
}

/* config_file: parsed by the command line parser, after the request, and it wins. */
static void test_config(void)
{
	CriuOpts req = CRIU_OPTS__INIT;
	struct rpc_opts ro;
	char err[256], cfg[128];
	FILE *f;

	snprintf(cfg, sizeof(cfg), "%s/rpc.conf", dir);
	f = fopen(cfg, "w");
	fprintf(f, "# set by the admin\ntcp-close\nlog-file cfg.log\ntimeout 77\n"
		   "external mnt[/b]:b\nmanage-cgroups=strict\n");
	fclose(f);

	req.config_file = cfg;
	req.log_file = "rpc.log";
	req.has_timeout = true;
	req.timeout = 5;
	req.n_external = 1;
	req.external = (char *[]){ "mnt[/a]:a" };
	req.has_shell_job = req.shell_job = true;
	CHECK(fill(&ro, &req, err, sizeof(err)) == 0, "%s", err);
	CHECK(ro.o.tcp_close, "config flag");
	CHECK(ro.o.log_file && !strcmp(ro.o.log_file, "cfg.log"), "config log file wins: %s",
	      ro.o.log_file);
	CHECK(ro.o.timeout == 77, "config timeout wins: %d", ro.o.timeout);
	CHECK(ro.o.manage_cgroups == CG_MODE_STRICT, "config cgroup mode");
	CHECK(ro.o.shell_job, "request flag kept");
	CHECK(has(&ro.o.external, "mnt[/a]:a") && has(&ro.o.external, "mnt[/b]:b"), "lists add up");
	CHECK(ro.o.config_file && !strcmp(ro.o.config_file, cfg), "config_file recorded");
	rpc_opts_free(&ro);

	f = fopen(cfg, "w");
	fprintf(f, "no-such-option\n");
	fclose(f);
	refused(&req, "config with a bad option", "config_file");

	f = fopen(cfg, "w");
	fprintf(f, "tcp-close yes\n");
	fclose(f);
	refused(&req, "config with a stray value", "a value where none is expected");

	req.config_file = "/nonexistent/rpc.conf";
	refused(&req, "missing config", "config_file /nonexistent/rpc.conf");
	unlink(cfg);
}

int main(void)
{
	log_set_loglevel(LOG_MSG);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_defaults();
	test_fields();
	test_small_things();
	test_refusals();
	test_config();
	rmdir(dir);
	return unit_done();
}
