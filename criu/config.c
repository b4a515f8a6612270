// SPDX-License-Identifier: GPL-2.0
/*
 * Command line and configuration files, with CRIU's option names and
 * meanings.  Config files hold one option per line ("tcp-established",
 * "log-file /tmp/x.log", leading "--" optional, '#' starts a comment) and are
 * read before the command line, so the command line wins.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cr_options.h"
#include "log.h"
#include "version.h"

void init_opts(struct cr_options *o)
{
	memset(o, 0, sizeof(*o));
	o->final_state = TASK_DEAD;
	o->manage_cgroups = CG_MODE_DEFAULT;
	o->loglevel = DEFAULT_LOGLEVEL;
	o->status_fd = -1;
	o->ps_socket = -1;
	o->timeout = DEFAULT_TIMEOUT;
	o->ghost_limit = DEFAULT_GHOST_LIMIT;
	o->pre_dump_mode = PRE_DUMP_SPLICE;
	o->network_lock = NETWORK_LOCK_IPTABLES;
	o->file_validation = FILE_VALIDATION_BUILD_ID;
}

static int str_list_add(struct str_list *l, const char *s)
{
	const char **v = realloc(l->v, (l->n + 2) * sizeof(*v));

	if (!v) {
		pr_err("Out of memory adding option value %s\n", s);
		return -1;
	}
	v[l->n++] = s;
	v[l->n] = NULL;
	l->v = v;
	return 0;
}

static void str_list_free(struct str_list *l, int free_items)
{
	int i;

	if (free_items)
		for (i = 0; i < l->n; i++)
			free((void *)l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void free_opts(struct cr_options *o)
{
	str_list_free(&o->external, 0);
	str_list_free(&o->inherit_fds, 0);
	str_list_free(&o->ext_mounts, 0);
	str_list_free(&o->cgroup_roots, 0);
	str_list_free(&o->join_ns, 0);
	str_list_free(&o->veth_pairs, 0);
	str_list_free(&o->scripts, 0);
	str_list_free(&o->skip_mnt, 0);
	str_list_free(&o->enable_fs, 0);
	str_list_free(&o->irmap_paths, 0);
	str_list_free(&o->cg_dump_ctl, 0);
	str_list_free(&o->ext_unix_ids, 0);
	str_list_free(&o->feature_list, 0);
	str_list_free(&o->cfg_strings, 1);
	free(o->cmd_args);
	o->cmd_args = NULL;
	o->features = NULL;
}

/* Long-only option codes. */
enum {
	OPT_PIDFILE = 1000,
	OPT_ADDRESS,
	OPT_PORT,
	OPT_PREV_IMAGES_DIR,
	OPT_CPU_CAP,
	OPT_EXEC_CMD,
	OPT_MANAGE_CGROUPS,
	OPT_CGROUP_ROOT,
	OPT_INHERIT_FD,
	OPT_FEATURE,
	OPT_SKIP_MNT,
	OPT_ENABLE_FS,
	OPT_FREEZE_CGROUP,
	OPT_GHOST_LIMIT,
	OPT_IRMAP_SCAN_PATH,
	OPT_LSM_PROFILE,
	OPT_LSM_MOUNT_CONTEXT,
	OPT_TIMEOUT,
	OPT_EXTERNAL,
	OPT_EMPTY_NS,
	OPT_LAZY_PAGES,
	OPT_ALL,
	OPT_CGROUP_PROPS,
	OPT_CGROUP_PROPS_FILE,
	OPT_CGROUP_DUMP_CONTROLLER,
	OPT_STATUS_FD,
	OPT_PS_SOCKET,
	OPT_CONFIG,
	OPT_NO_DEFAULT_CONFIG,
	OPT_CLOSE,
	OPT_VETH_PAIR,
	OPT_ACTION_SCRIPT,
	OPT_MS,
	OPT_PRE_DUMP_MODE,
	OPT_NETWORK_LOCK,
	OPT_FILE_VALIDATION,
	OPT_TLS, /* all --tls* options */
};

struct bool_opt {
	const char *name;
	size_t off;
};

#define B(name, field) { name, offsetof(struct cr_options, field) }
static const struct bool_opt bool_opts[] = {
	B("restore-detached", restore_detach),
	B("restore-sibling", restore_sibling),
	B("daemon", restore_detach),
	B("tcp-established", tcp_established),
	B("tcp-close", tcp_close),
	B("skip-in-flight", tcp_skip_in_flight),
	B("log-pid", log_pid),
	B("evasive-devices", evasive_devices),
	B("link-remap", link_remap),
	B("shell-job", shell_job),
	B("file-locks", file_locks),
	B("page-server", use_page_server),
	B("track-mem", track_mem),
	B("auto-dedup", auto_dedup),
	B("force-irmap", force_irmap),
	B("extra", check_extra),
	B("experimental", check_experimental),
	B("deprecated", deprecated),
	B("display-stats", display_stats),
	B("weak-sysctls", weak_sysctls),
	B("remote", remote),
	B("relative-timestamps", relative_timestamps),
	B("orphan-pts-master", orphan_pts_master),
	B("stream", stream),
	B("mntns-compat-mode", mntns_compat_mode),
	B("unprivileged", unprivileged),
	B("ghost-fiemap", ghost_fiemap),
	B("skip-file-rwx-check", skip_file_rwx_check),
	B("skip-file-size-check", skip_file_size_check),
	B("allow-uprobes", allow_uprobes),
	B("enable-external-sharing", enable_external_sharing),
	B("enable-external-masters", enable_external_masters),
};
#undef B

static const char short_opts[] = "dSsRt:hD:o:v::x::Vr:jJ:lW:L:M:";

static const struct option value_opts[] = {
	{ "tree", required_argument, NULL, 't' },
	{ "leave-stopped", no_argument, NULL, 's' },
	{ "leave-running", no_argument, NULL, 'R' },
	{ "images-dir", required_argument, NULL, 'D' },
	{ "work-dir", required_argument, NULL, 'W' },
	{ "log-file", required_argument, NULL, 'o' },
	{ "join-ns", required_argument, NULL, 'J' },
	{ "root", required_argument, NULL, 'r' },
	{ "ext-unix-sk", optional_argument, NULL, 'x' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbosity", optional_argument, NULL, 'v' },
	{ "libdir", required_argument, NULL, 'L' },
	{ "ext-mount-map", required_argument, NULL, 'M' },
	{ "close", required_argument, NULL, OPT_CLOSE },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "veth-pair", required_argument, NULL, OPT_VETH_PAIR },
	{ "action-script", required_argument, NULL, OPT_ACTION_SCRIPT },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "prev-images-dir", required_argument, NULL, OPT_PREV_IMAGES_DIR },
	{ "ms", no_argument, NULL, OPT_MS },
	{ "cpu-cap", optional_argument, NULL, OPT_CPU_CAP },
	{ "exec-cmd", no_argument, NULL, OPT_EXEC_CMD },
	{ "manage-cgroups", optional_argument, NULL, OPT_MANAGE_CGROUPS },
	{ "cgroup-root", required_argument, NULL, OPT_CGROUP_ROOT },
	{ "inherit-fd", required_argument, NULL, OPT_INHERIT_FD },
	{ "feature", required_argument, NULL, OPT_FEATURE },
	{ "skip-mnt", required_argument, NULL, OPT_SKIP_MNT },
	{ "enable-fs", required_argument, NULL, OPT_ENABLE_FS },
	{ "freeze-cgroup", required_argument, NULL, OPT_FREEZE_CGROUP },
	{ "ghost-limit", required_argument, NULL, OPT_GHOST_LIMIT },
	{ "irmap-scan-path", required_argument, NULL, OPT_IRMAP_SCAN_PATH },
	{ "lsm-profile", required_argument, NULL, OPT_LSM_PROFILE },
	{ "lsm-mount-context", required_argument, NULL, OPT_LSM_MOUNT_CONTEXT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "external", required_argument, NULL, OPT_EXTERNAL },
	{ "empty-ns", required_argument, NULL, OPT_EMPTY_NS },
	{ "lazy-pages", no_argument, NULL, OPT_LAZY_PAGES },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "cgroup-props", required_argument, NULL, OPT_CGROUP_PROPS },
	{ "cgroup-props-file", required_argument, NULL, OPT_CGROUP_PROPS_FILE },
	{ "cgroup-dump-controller", required_argument, NULL, OPT_CGROUP_DUMP_CONTROLLER },
	{ "status-fd", required_argument, NULL, OPT_STATUS_FD },
	{ "ps-socket", required_argument, NULL, OPT_PS_SOCKET },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "no-default-config", no_argument, NULL, OPT_NO_DEFAULT_CONFIG },
	{ "pre-dump-mode", required_argument, NULL, OPT_PRE_DUMP_MODE },
	{ "network-lock", required_argument, NULL, OPT_NETWORK_LOCK },
	{ "file-validation", required_argument, NULL, OPT_FILE_VALIDATION },
	{ "tls", no_argument, NULL, OPT_TLS },
	{ "tls-no-cn-verify", no_argument, NULL, OPT_TLS },
	{ "tls-cacert", required_argument, NULL, OPT_TLS },
	{ "tls-cacrl", required_argument, NULL, OPT_TLS },
	{ "tls-cert", required_argument, NULL, OPT_TLS },
	{ "tls-key", required_argument, NULL, OPT_TLS },
};

#define NR_BOOL_OPTS ARRAY_SIZE(bool_opts)
#define NR_LONG_OPTS (ARRAY_SIZE(value_opts) + 2 * NR_BOOL_OPTS + 1)

/*
 * getopt_long returns 0 and sets *flag for flag options; use a per-option
 * int as the flag target and remember which bool_opt it belongs to by index.
 */
static int bool_hit[2 * ARRAY_SIZE(bool_opts)];
static char no_names[ARRAY_SIZE(bool_opts)][40];

static void build_long_opts(struct option *lo)
{
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(value_opts); i++)
		lo[n++] = value_opts[i];
	for (i = 0; i < NR_BOOL_OPTS; i++) {
		snprintf(no_names[i], sizeof(no_names[i]), "no-%s", bool_opts[i].name);
		lo[n++] = (struct option){ bool_opts[i].name, no_argument, &bool_hit[2 * i], 1 };
		lo[n++] = (struct option){ no_names[i], no_argument, &bool_hit[2 * i + 1], 1 };
	}
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
}

static int bad_arg(const char *opt, const char *arg)
{
	pr_err("invalid argument for %s: %s\n", opt, arg ? arg : "(none)");
	return PARSE_ERROR;
}

static int parse_long_num(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* 10, 10K, 10M, 10G */
static int parse_size(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case 'K': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int parse_manage_cgroups(struct cr_options *o, const char *arg)
{
	static const struct {
		const char *name;
		enum cg_mode mode;
	} modes[] = {
		{ "none", CG_MODE_NONE }, { "props", CG_MODE_PROPS }, { "soft", CG_MODE_SOFT },
		{ "full", CG_MODE_FULL }, { "strict", CG_MODE_STRICT }, { "ignore", CG_MODE_IGNORE },
	};
	size_t i;

	if (!arg) {
		o->manage_cgroups = CG_MODE_SOFT;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(arg, modes[i].name)) {
			o->manage_cgroups = modes[i].mode;
			return 0;
		}
	pr_err("Unknown cgroups mode `%s' selected (none, props, soft, full, strict, ignore)\n",
	       arg);
	return -1;
}

static int parse_cpu_cap(struct cr_options *o, const char *arg)
{
	/* Validated now, applied by cpuinfo handling: fpu, cpu, ins, all, none, ^x */
	const char *p = arg;

	o->cpu_cap = 1;
	if (!p)
		return 0;
	while (*p) {
		if (*p == '^' || *p == ',') {
			p++;
			continue;
		}
		if (!strncmp(p, "fpu", 3) || !strncmp(p, "cpu", 3) || !strncmp(p, "ins", 3) ||
		    !strncmp(p, "all", 3))
			p += 3;
		else if (!strncmp(p, "none", 4))
			p += 4;
		else {
			pr_err("Unknown cpu capability `%s' in --cpu-cap\n", p);
			return -1;
		}
	}
	return 0;
}

static int pick(const char *arg, const char *const *names, int n, const char *opt)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i + 1;
	pr_err("invalid argument for --%s: %s\n", opt, arg);
	return -1;
}

static int handle_value_opt(struct cr_options *o, int c, const char *name)
{
	static const char *const pre_dump_modes[] = { "splice", "read" };
	static const char *const net_locks[] = { "iptables", "nftables", "skip" };
	static const char *const validations[] = { "filesize", "buildid" };
	long v;

	switch (c) {
	case 's': o->final_state = TASK_STOPPED; break;
	case 'R': o->final_state = TASK_ALIVE; break;
	case 'd': o->restore_detach = 1; break;
	case 'S': o->restore_sibling = 1; break;
	case 'j': o->shell_job = 1; break;
	case 'l': o->file_locks = 1; break;
	case 'D': o->imgs_dir = optarg; break;
	case 'W': o->work_dir = optarg; break;
	case 'o': o->log_file = optarg; break;
	case 'r': o->root = optarg; break;
	case 'L': o->libdir = optarg; break;
	case 't':
		if (parse_long_num(optarg, 1, INT_MAX, &v))
			return bad_arg("-t/--tree", optarg);
		o->tree_pid = (pid_t)v;
		break;
	case 'x':
		o->ext_unix_sk = 1;
		if (optarg && str_list_add(&o->ext_unix_ids, optarg))
			return PARSE_ERROR;
		break;
	case 'v':
		if (!optarg)
			o->loglevel++;
		else if (optarg[0] == 'v')
			o->loglevel += strlen(optarg) + 1; /* -vvv */
		else if (parse_long_num(optarg, 0, 4, &v))
			return bad_arg("-v", optarg);
		else
			o->loglevel = (unsigned int)v;
		break;
	case 'J': return str_list_add(&o->join_ns, optarg) ? PARSE_ERROR : 0;
	case 'M':
		if (!strcmp(optarg, "auto")) {
			o->autodetect_ext_mounts = 1;
			break;
		}
		if (!strchr(optarg, ':'))
			return bad_arg("-M/--ext-mount-map (KEY:VALUE)", optarg);
		return str_list_add(&o->ext_mounts, optarg) ? PARSE_ERROR : 0;
	case OPT_CLOSE:
		if (parse_long_num(optarg, 0, INT_MAX, &v))
			return bad_arg("--close", optarg);
		close((int)v);
		break;
	case OPT_PIDFILE: o->pidfile = optarg; break;
	case OPT_VETH_PAIR:
		if (!strchr(optarg, '='))
			return bad_arg("--veth-pair (IN=OUT)", optarg);
		return str_list_add(&o->veth_pairs, optarg) ? PARSE_ERROR : 0;
	case OPT_ACTION_SCRIPT: return str_list_add(&o->scripts, optarg) ? PARSE_ERROR : 0;
	case OPT_ADDRESS: o->addr = optarg; break;
	case OPT_PORT:
		if (parse_long_num(optarg, 1, 65535, &v))
			return bad_arg("--port", optarg);
		o->port = (unsigned short)v;
		break;
	case OPT_PREV_IMAGES_DIR: o->prev_imgs_dir = optarg; break;
	case OPT_MS:
		pr_err("--ms is deprecated; use `criu check --feature NAME`\n");
		return PARSE_ERROR;
	case OPT_CPU_CAP: return parse_cpu_cap(o, optarg) ? PARSE_ERROR : 0;
	case OPT_EXEC_CMD: o->exec_cmd = 1; break;
	case OPT_MANAGE_CGROUPS: return parse_manage_cgroups(o, optarg) ? PARSE_ERROR : 0;
	case OPT_CGROUP_ROOT: return str_list_add(&o->cgroup_roots, optarg) ? PARSE_ERROR : 0;
	case OPT_INHERIT_FD:
		if (strncmp(optarg, "fd[", 3) || !strchr(optarg, ']') || !strchr(optarg, ':'))
			return bad_arg("--inherit-fd (fd[N]:KEY)", optarg);
		return str_list_add(&o->inherit_fds, optarg) ? PARSE_ERROR : 0;
	case OPT_FEATURE: return str_list_add(&o->feature_list, optarg) ? PARSE_ERROR : 0;
	case OPT_SKIP_MNT: return str_list_add(&o->skip_mnt, optarg) ? PARSE_ERROR : 0;
	case OPT_ENABLE_FS: return str_list_add(&o->enable_fs, optarg) ? PARSE_ERROR : 0;
	case OPT_FREEZE_CGROUP: o->freeze_cgroup = optarg; break;
	case OPT_GHOST_LIMIT:
		if (parse_size(optarg, &o->ghost_limit))
			return bad_arg("--ghost-limit", optarg);
		break;
	case OPT_IRMAP_SCAN_PATH: return str_list_add(&o->irmap_paths, optarg) ? PARSE_ERROR : 0;
	case OPT_LSM_PROFILE: o->lsm_profile = optarg; break;
	case OPT_LSM_MOUNT_CONTEXT: o->lsm_mount_context = optarg; break;
	case OPT_TIMEOUT:
		if (parse_long_num(optarg, 0, INT_MAX, &v))
			return bad_arg("--timeout", optarg);
		o->timeout = (int)v;
		break;
	case OPT_EXTERNAL: return str_list_add(&o->external, optarg) ? PARSE_ERROR : 0;
	case OPT_EMPTY_NS:
		if (strcmp(optarg, "net")) {
			pr_err("Unsupported empty namespace: %s (only \"net\")\n", optarg);
			return PARSE_ERROR;
		}
		o->empty_ns |= CLONE_NEWNET;
		break;
	case OPT_LAZY_PAGES: o->lazy_pages = 1; break;
	case OPT_ALL:
		o->check_all = 1;
		o->check_extra = 1;
		o->check_experimental = 1;
		break;
	case OPT_CGROUP_PROPS: o->cgroup_props = optarg; break;
	case OPT_CGROUP_PROPS_FILE: o->cgroup_props_file = optarg; break;
	case OPT_CGROUP_DUMP_CONTROLLER:
		return str_list_add(&o->cg_dump_ctl, optarg) ? PARSE_ERROR : 0;
	case OPT_STATUS_FD:
		if (parse_long_num(optarg, 0, INT_MAX, &v))
			return bad_arg("--status-fd", optarg);
		o->status_fd = (int)v;
		break;
	case OPT_PS_SOCKET:
		if (parse_long_num(optarg, 0, INT_MAX, &v))
			return bad_arg("--ps-socket", optarg);
		o->ps_socket = (int)v;
		break;
	case OPT_CONFIG:
	case OPT_NO_DEFAULT_CONFIG:
		break; /* handled before parsing */
	case OPT_PRE_DUMP_MODE:
		o->pre_dump_mode = pick(optarg, pre_dump_modes, 2, name);
		return o->pre_dump_mode < 0 ? PARSE_ERROR : 0;
	case OPT_NETWORK_LOCK:
		o->network_lock = pick(optarg, net_locks, 3, name);
		return o->network_lock < 0 ? PARSE_ERROR : 0;
	case OPT_FILE_VALIDATION:
		o->file_validation = pick(optarg, validations, 2, name);
		return o->file_validation < 0 ? PARSE_ERROR : 0;
	case OPT_TLS:
		pr_err("--%s: TLS for the page server is not supported by this build\n", name);
		return PARSE_ERROR;
	case 'V':
		pr_msg("Version: %s\n", CRIU_VERSION);
		return PARSE_EXIT;
	case 'h':
		return PARSE_HELP;
	default:
		/* getopt already said what was wrong. */
		pr_msg("Try `criu --help' for more information.\n");
		return PARSE_ERROR;
	}
	return 0;
}

/* Apply the --X / --no-X flag options getopt has just set. */
static void apply_bool_hits(struct cr_options *o)
{
	size_t i;

	for (i = 0; i < NR_BOOL_OPTS; i++) {
		int *field = (int *)((char *)o + bool_opts[i].off);

		if (bool_hit[2 * i])
			*field = 1;
		if (bool_hit[2 * i + 1])
			*field = 0;
		bool_hit[2 * i] = bool_hit[2 * i + 1] = 0;
	}
}

/* Split one config line into "--name" and an optional value. */
static int config_line(struct cr_options *o, char *line, const char *path, int lineno)
{
	char *name, *val, *end, *opt;

	while (isspace((unsigned char)*line))
		line++;
	if (!*line || *line == '#')
		return 0;

	name = line;
	while (*line && !isspace((unsigned char)*line))
		line++;
	if (*line)
		*line++ = '\0';
	while (isspace((unsigned char)*line))
		line++;

	val = line;
	if (*val == '"' || *val == '\'') {
		end = strchr(val + 1, *val);
		if (!end) {
			pr_err("%s:%d: unterminated quote\n", path, lineno);
			return -1;
		}
		*end = '\0';
		val++;
	} else {
		end = strchr(val, '#');
		if (end)
			*end = '\0';
		end = val + strlen(val);
		while (end > val && isspace((unsigned char)end[-1]))
			*--end = '\0';
	}

	while (*name == '-')
		name++;
	if (asprintf(&opt, "--%s", name) < 0 || str_list_add(&o->cfg_strings, opt))
		return -1;
	if (*val) {
		char *v = strdup(val);

		if (!v || str_list_add(&o->cfg_strings, v)) {
			free(v);
			return -1;
		}
	}
	return 0;
}

/* Returns 0 if read (or optional and missing), -1 on error. */
static int read_config(struct cr_options *o, const char *path, int optional)
{
	char *line = NULL;
	size_t len = 0;
	int lineno = 0, ret = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		if (optional && errno == ENOENT)
			return 0;
		pr_perror("Can't open config file %s", path);
		return -1;
	}
	while (getline(&line, &len, f) > 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (config_line(o, line, path, lineno)) {
			ret = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

static int read_configs(struct cr_options *o, int argc, char **argv)
{
	const char *explicit = NULL, *env, *home;
	int i, defaults = 1;
	char path[PATH_MAX];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-default-config")) {
			defaults = 0;
		} else if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= argc) {
				pr_err("option '--config' requires an argument\n");
				return -1;
			}
			explicit = argv[i + 1];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			explicit = argv[i] + 9;
		}
	}

	if (explicit) {
		o->config_file = explicit;
		return read_config(o, explicit, 0);
	}
	if (!defaults)
		return 0;
	if (read_config(o, "/etc/criu/default.conf", 1))
		return -1;
	home = getenv("HOME");
	if (home && snprintf(path, sizeof(path), "%s/.criu/default.conf", home) < (int)sizeof(path) &&
	    read_config(o, path, 1))
		return -1;
	env = getenv("CRIU_CONFIG_FILE");
	if (env && read_config(o, env, 0))
		return -1;
	return 0;
}

int parse_options(struct cr_options *o, int argc, char **argv)
{
	struct option long_opts[NR_LONG_OPTS];
	char **all;
	int nall = 0, i, c, idx, ret = PARSE_OK;

	if (read_configs(o, argc, argv))
		return PARSE_ERROR;

	/* Config file options first, so the command line overrides them. */
	all = calloc(argc + o->cfg_strings.n + 1, sizeof(*all));
	if (!all)
		return PARSE_ERROR;
	all[nall++] = argv[0];
	for (i = 0; i < o->cfg_strings.n; i++)
		all[nall++] = (char *)o->cfg_strings.v[i];
	for (i = 1; i < argc; i++)
		all[nall++] = argv[i];

	build_long_opts(long_opts);
	optind = 0;
	opterr = 1;
	while (1) {
		idx = -1;
		c = getopt_long(nall, all, short_opts, long_opts, &idx);
		if (c == -1)
			break;
		if (c == 0) {
			apply_bool_hits(o);
			continue;
		}
		ret = handle_value_opt(o, c, idx >= 0 ? long_opts[idx].name : "");
		if (ret != PARSE_OK)
			goto out;
	}

	if (optind < nall) {
		o->command = all[optind++];
		o->cmd_args = calloc(nall - optind + 1, sizeof(char *));
		if (!o->cmd_args) {
			ret = PARSE_ERROR;
			goto out;
		}
		for (i = 0; optind < nall; i++)
			o->cmd_args[i] = all[optind++];
		o->nr_cmd_args = i;
	}
	o->features = o->feature_list.v;
	o->nr_features = o->feature_list.n;
out:
	free(all);
	return ret;
}

int check_options(const struct cr_options *o)
{
	if (o->restore_sibling && !o->restore_detach) {
		pr_err("--restore-sibling only makes sense with --restore-detached\n");
		return -1;
	}
	if (o->tcp_close && o->tcp_established) {
		pr_err("--tcp-close and --tcp-established are mutually exclusive\n");
		return -1;
	}
	if (o->exec_cmd && !o->restore_detach) {
		pr_err("--exec-cmd needs --restore-detached\n");
		return -1;
	}
	return 0;
}
