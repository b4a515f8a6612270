/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_CR_OPTIONS_H
#define CRIU_CR_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Everything the command line (or an RPC request) asked for.  Filled once by
 * crtools.c and passed down read-only to the command that runs.
 */
struct cr_options {
	const char *command;

	/* Paths. */
	const char *imgs_dir;      /* -D, default "." */
	const char *work_dir;      /* -W, default imgs_dir */
	const char *log_file;      /* -o, relative to work_dir; "-" for stderr */
	const char *prev_imgs_dir; /* --prev-images-dir, relative to imgs_dir */
	const char *root;          /* --root */
	const char *pidfile;       /* --pidfile */
	const char *lazy_pages_addr;
	const char *addr;          /* --address */
	unsigned short port;       /* --port */
	bool port_set;

	pid_t tree_pid;            /* -t */
	unsigned int loglevel;     /* -v */

	bool shell_job;            /* -j */
	bool leave_running;        /* -R */
	bool leave_stopped;        /* -s */
	bool restore_detach;       /* -d */
	bool restore_sibling;
	bool track_mem;
	bool use_page_server;      /* --page-server */
	bool lazy_pages;           /* --lazy-pages */
	bool tcp_established;
	bool tcp_close;
	bool ext_unix_sk;
	bool file_locks;
	bool evasive_devices;
	bool link_remap;
	bool ghost_limit_set;
	unsigned long ghost_limit;
	bool display_stats;
	bool daemon_mode;          /* --daemon */
	bool auto_dedup;
	bool skip_in_flight;
	bool orphan_pts_master;
	bool manage_cgroups;
	const char *manage_cgroups_mode;
	const char *freeze_cgroup;
	int status_fd;             /* --status-fd, -1 when unset */
	bool check_only;           /* --check-only */
	bool network_lock_set;
	const char *network_lock;
	bool pre_dump_mode_set;
	const char *pre_dump_mode; /* splice | read */
	bool unprivileged;

	/* `check` */
	bool check_all;            /* --all */
	bool check_extra;          /* --extra */
	const char **features;     /* --feature NAME, NULL-terminated */
	int nr_features;

	/* `swrk` */
	int swrk_fd;

	/* Repeated options, NULL-terminated arrays. */
	const char **external;     /* --external */
	const char **inherit_fds;  /* --inherit-fd */
	const char **ext_mounts;   /* --ext-mount-map */
	const char **cgroup_roots; /* --cgroup-root */
	const char **exec_cmd;     /* --exec-cmd and the rest of argv */
};

#endif
