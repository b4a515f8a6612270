/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_CR_OPTIONS_H
#define CRIU_CR_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>

/* What happens to the dumped tree once its images are written. */
enum final_state {
	TASK_DEAD = 0, /* default: kill it */
	TASK_ALIVE,    /* -R, --leave-running */
	TASK_STOPPED,  /* -s, --leave-stopped */
};

enum cg_mode {
	CG_MODE_IGNORE = 0,
	CG_MODE_NONE,
	CG_MODE_PROPS,
	CG_MODE_SOFT,
	CG_MODE_FULL,
	CG_MODE_STRICT,
	CG_MODE_DEFAULT = CG_MODE_SOFT,
};

/* A growable NULL-terminated list of strings given by a repeated option. */
struct str_list {
	const char **v;
	int n;
};

/*
 * Everything the command line, the config files (or an RPC request) asked
 * for.  Filled once by config.c and passed down read-only to the command.
 */
struct cr_options {
	const char *command;
	const char **cmd_args; /* arguments after the command (NULL-terminated) */
	int nr_cmd_args;

	/* Paths. */
	const char *imgs_dir;      /* -D, default "." */
	const char *work_dir;      /* -W, default imgs_dir */
	const char *log_file;      /* -o, relative to work_dir; "-" for stderr */
	const char *prev_imgs_dir; /* --prev-images-dir, relative to imgs_dir */
	const char *root;          /* -r, --root */
	const char *pidfile;       /* --pidfile */
	const char *libdir;        /* -L */
	const char *addr;          /* --address */
	unsigned short port;       /* --port */
	const char *freeze_cgroup; /* --freeze-cgroup */
	const char *lsm_profile;
	const char *lsm_mount_context;
	const char *cgroup_props;
	const char *cgroup_props_file;
	const char *config_file;   /* --config */

	pid_t tree_pid;            /* -t */
	unsigned int loglevel;     /* -v */
	enum final_state final_state;
	enum cg_mode manage_cgroups;
	int status_fd;             /* --status-fd, -1 when unset */
	int ps_socket;             /* --ps-socket, -1 when unset */
	int timeout;               /* --timeout, seconds */
	unsigned long ghost_limit; /* --ghost-limit, bytes */
	unsigned int cpu_cap;      /* --cpu-cap */
	unsigned long empty_ns;    /* --empty-ns, CLONE_NEW* flags */
	int pre_dump_mode;         /* --pre-dump-mode */
	int network_lock;          /* --network-lock */
	int file_validation;       /* --file-validation */

	int shell_job;             /* -j */
	int restore_detach;        /* -d, --daemon */
	int restore_sibling;       /* -S */
	int track_mem;
	int use_page_server;       /* --page-server */
	int lazy_pages;            /* --lazy-pages */
	int tcp_established;
	int tcp_close;
	int tcp_skip_in_flight;
	int ext_unix_sk;           /* -x */
	int file_locks;            /* -l */
	int evasive_devices;
	int link_remap;
	int display_stats;
	int auto_dedup;
	int force_irmap;
	int orphan_pts_master;
	int weak_sysctls;
	int log_pid;
	int deprecated;
	int remote;
	int stream;
	int unprivileged;
	int skip_file_rwx_check;
	int skip_file_size_check;  /* restore files whose size changed since dump */
	int allow_uprobes;
	int ghost_fiemap;
	int mntns_compat_mode;
	int enable_external_sharing;
	int enable_external_masters;
	int autodetect_ext_mounts;
	int relative_timestamps;
	int exec_cmd;              /* --exec-cmd: rest of argv is a command to run */

	/* `check` */
	int check_all;             /* --all */
	int check_extra;           /* --extra */
	int check_experimental;    /* --experimental */
	const char **features;     /* --feature NAME, NULL-terminated */
	int nr_features;

	/* Repeated options. */
	struct str_list external;     /* --external */
	struct str_list inherit_fds;  /* --inherit-fd */
	struct str_list ext_mounts;   /* -M, --ext-mount-map */
	struct str_list cgroup_roots; /* --cgroup-root */
	struct str_list join_ns;      /* -J, --join-ns */
	struct str_list veth_pairs;   /* --veth-pair */
	struct str_list scripts;      /* --action-script */
	struct str_list skip_mnt;     /* --skip-mnt */
	struct str_list enable_fs;    /* --enable-fs */
	struct str_list irmap_paths;  /* --irmap-scan-path */
	struct str_list cg_dump_ctl;  /* --cgroup-dump-controller */
	struct str_list ext_unix_ids; /* -x INODE */
	struct str_list feature_list; /* --feature, backing store of features */

	/* Strings read from config files; options may point into them. */
	struct str_list cfg_strings;
};

enum {
	PRE_DUMP_SPLICE = 1,
	PRE_DUMP_READ = 2,
};

enum {
	NETWORK_LOCK_IPTABLES = 1,
	NETWORK_LOCK_NFTABLES = 2,
	NETWORK_LOCK_SKIP = 3,
};

enum {
	FILE_VALIDATION_FILESIZE = 1,
	FILE_VALIDATION_BUILD_ID = 2,
};

#define DEFAULT_TIMEOUT 10
#define DEFAULT_GHOST_LIMIT (1UL << 20)

/* Result of parse_options(). */
enum {
	PARSE_OK = 0,
	PARSE_ERROR = 1, /* message printed, exit 1 */
	PARSE_HELP = 2,  /* --help: print usage, exit 0 */
	PARSE_EXIT = 3,  /* done already (e.g. --version), exit 0 */
};

void init_opts(struct cr_options *o);
void free_opts(struct cr_options *o);
int parse_options(struct cr_options *o, int argc, char **argv);
int check_options(const struct cr_options *o);
void usage(const char *prog, int to_stderr);

#endif
