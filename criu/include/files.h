/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_FILES_H
#define CRIU_FILES_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "images/fdinfo.pb-c.h"

/*
 * The files subsystem: open file descriptions of dumped tasks.
 *
 * Dump (in criu, tasks stopped; no parasite needed: pidfd_getfd + /proc):
 *	ctx = files_dump_ctx_create(dfd, &opts);
 *	for each fd table, once (ascending pid order: see eventpoll.c):
 *		files_dump_task(ctx, pid, fdinfo_id);
 *	files of mappings and exe: files_dump_reg_fd(ctx, pid, lfd, flags, &id);
 *	files_dump_ctx_finish(ctx);	(flushes the images; check the result)
 *	files_dump_ctx_destroy(ctx);
 *
 * Restore (images read in criu before any task is forked, then used by
 * every task in its own copy of the address space):
 *	ctx = files_rst_ctx_open(dfd, &opts);
 *	for each task: files_rst_add_task(ctx, pid, fdinfo_id);
 *	files_rst_prepare(ctx);		(owners, cross checks)
 *	tr = files_rst_transport_create(ctx);	(only if tasks share files)
 *	fork the tasks; in each:
 *		move criu's fds away: files_service_fd(fd, files_rst_max_fd(ctx) + 1);
 *		files_rst_task(ctx, tr, pid);
 *		mapped files: files_rst_open_reg(ctx, id, flags);
 *	files_rst_transport_destroy(tr), files_rst_ctx_close(ctx) in every
 *	process once done with them.
 *
 * Each fd kind lives in its own file with one struct fd_kind_ops
 * registered in files.c's table.
 */

struct files_dump_ctx;
struct files_rst_ctx;
struct files_rst_transport;
struct cr_img;

struct files_dump_opts {
	/* Largest unlinked file carried in the images (--ghost-limit). */
	unsigned long ghost_limit;
	/* Unix sockets may have peers outside the tree (--ext-unix-sk [-x INO]). */
	bool ext_unix_sk;
	const char *const *ext_unix_ids; /* if any: only these socket inodes */
	int nr_ext_unix_ids;
	/* --file-locks: save the tasks' file locks; without it a lock fails the dump. */
	bool file_locks;
	/*
	 * --shell-job: ttys that are not ptys of the dumped tree (the terminal
	 * the tree was started from) are saved as external: restore gives the
	 * restored tree criu's own terminal instead.
	 */
	bool shell_job;
};

struct files_rst_opts {
	/* Restore regular files whose size differs from the dump. */
	bool skip_size_check;
	/* Paths in the images are taken relative to this directory; "/" if NULL. */
	const char *root;
	/* --shell-job: ttys from outside the dumped tree become criu's terminal. */
	bool shell_job;
	/*
	 * --shell-job: the terminal external ttys are replaced with, an fd
	 * criu holds on it (criu's stdin); -1 or 0 means criu's stdin.
	 */
	int shell_tty_fd;
};

/* ---------------------------------------------------------------- dump */

int files_dump_ctx_create(int dfd, const struct files_dump_opts *opts, struct files_dump_ctx **out);
/* Saves every fd of stopped task @pid into fdinfo-@fdinfo_id.img (and files.img). */
int files_dump_task(struct files_dump_ctx *ctx, pid_t pid, uint32_t fdinfo_id);
/*
 * A regular file criu holds as @lfd (opened through /proc/PID/map_files/...
 * or /proc/PID/exe) saved as a REG entry of files.img, for a mapping or the
 * exe link of task @pid; the same file with the same @flags gets the same
 * *id.  Unlinked files become ghosts as for fds.
 */
int files_dump_reg_fd(struct files_dump_ctx *ctx, pid_t pid, int lfd, unsigned int flags,
		      uint32_t *id);
/* Closes the images; -1 if any final write failed. */
int files_dump_ctx_finish(struct files_dump_ctx *ctx);
void files_dump_ctx_destroy(struct files_dump_ctx *ctx);

/* ---------------------------------------------------------------- restore */

int files_rst_ctx_open(int dfd, const struct files_rst_opts *opts, struct files_rst_ctx **out);
int files_rst_add_task(struct files_rst_ctx *ctx, pid_t pid, uint32_t fdinfo_id);
/* After every task was added: picks the owner task of each description. */
int files_rst_prepare(struct files_rst_ctx *ctx);
/*
 * In the process that becomes task @pid: installs its fds at their numbers.
 * @tr may be NULL when no description is shared with another task.
 * Every fd criu still needs in this process must have been moved out of
 * the way first (files_service_fd()); fds the task had not are left alone.
 */
int files_rst_task(struct files_rst_ctx *ctx, struct files_rst_transport *tr, pid_t pid);
void files_rst_ctx_close(struct files_rst_ctx *ctx);

/* Whether task @pid had fd number @fd (so restore installs it). */
bool files_rst_task_has_fd(struct files_rst_ctx *ctx, pid_t pid, int fd);

/*
 * Opens regular file @id of files.img (a mapping's or the exe's) with @flags
 * instead of the saved ones, with the same checks as for an fd: path still
 * there, same type and size, ghost recreated if it was unlinked.  The fd is
 * close-on-exec, at the saved position.  A ghost is recreated once per
 * process, so a mapping and an fd of one unlinked file in a task share the
 * inode; criu keeps it open (above the tree's fds) until
 * files_rst_ctx_close().
 */
int files_rst_open_reg(struct files_rst_ctx *ctx, uint32_t id, int flags);

/* Highest fd number any restored task uses, -1 if none. */
int files_rst_max_fd(const struct files_rst_ctx *ctx);

/*
 * Moves criu's own @fd to a number above every fd being restored (and
 * above @min): returns the new fd (close-on-exec) and closes the old one.
 */
int files_service_fd(int fd, int min);

/*
 * Cross-task transport of open descriptions (SCM_RIGHTS): created in criu
 * before forking, inherited by every task.  The owner of a description
 * opens it and sends it to each other task that holds it.
 */
int files_rst_transport_create(const struct files_rst_ctx *ctx, struct files_rst_transport **out);
/* The same for an explicit list of tasks. */
int files_rst_transport_create_pids(const pid_t *pids, int nr, struct files_rst_transport **out);
/* Closes this process's copies of the sockets. */
void files_rst_transport_destroy(struct files_rst_transport *tr);

/* ---------------------------------------------------------------- kinds */

/* What dump learned about one fd of a task. */
struct fd_parms {
	pid_t pid;
	int fd;
	int lfd; /* criu's duplicate of the target's fd (pidfd_getfd) */
	struct stat st;
	unsigned int flags; /* file status flags, O_CLOEXEC removed */
	bool cloexec;
	long long pos; /* from fdinfo */
	int mnt_id; /* from fdinfo, -1 if missing */
	char link[PATH_MAX]; /* readlink of /proc/PID/fd/N */
	char desc[64]; /* for messages: "fd N of task PID" */
	char reopen[64]; /* opens a new description of the file: /proc/PID/fd/N */
	char fdinfo[4096]; /* the text of /proc/PID/fdinfo/N */
};

/* One open file description read back from files.img. */
struct file_desc {
	uint32_t id;
	const struct fd_kind_ops *ops;
	FileEntry *fe;
	/*
	 * Descriptions with the same non-zero group are created together by
	 * one task (both ends of a pipe, opens of one unlinked file).
	 */
	uint64_t group;
	pid_t owner; /* task that creates it; 0 if no task holds it */
	pid_t *holders; /* tasks with an fd on it */
	int nr_holders;
	int fd; /* in the restoring process, -1 until opened or received */
	bool installed; /* reached its first fd in this task */
};

struct fd_kind_ops {
	const char *name;
	int file_type; /* FdTypes value of fdinfo.proto */
	/* Dump: does this kind handle the fd? */
	bool (*match)(const struct fd_parms *p);
	/*
	 * Dump: build the FileEntry of description @id and write it with
	 * files_dump_write_entry(), plus any side image of the kind.
	 */
	int (*dump)(struct files_dump_ctx *ctx, const struct fd_parms *p, uint32_t id);
	/*
	 * Dump, optional: once every task was dumped, before the images are
	 * closed (checks across tasks, such as peers outside the tree).
	 */
	int (*dump_finish)(struct files_dump_ctx *ctx);
	/* Dump, optional: free the kind's slot of files_dump_kind_priv(). */
	void (*dump_free)(struct files_dump_ctx *ctx);
	/* Restore, after files.img was read: check the entry, set d->group. */
	int (*collect)(struct files_rst_ctx *ctx, struct file_desc *d);
	/* Restore, in the owner task: a new fd for the description, or -1. */
	int (*open)(struct files_rst_ctx *ctx, struct file_desc *d);
	/*
	 * Restore, optional, in the owner once every fd of the task is at its
	 * number: state that names other fds by number (epoll targets).
	 */
	int (*post_install)(struct files_rst_ctx *ctx, struct file_desc *d, int fd);
	/* Restore, optional: close what open() kept for later members of a group. */
	void (*rst_done)(struct files_rst_ctx *ctx);
	/* Restore, optional: free the kind's slot of files_rst_kind_priv(). */
	void (*rst_free)(struct files_rst_ctx *ctx);
};

/* The kind saved with FdTypes value @type, NULL if none. */
const struct fd_kind_ops *fd_kind_by_type(int type);

/* Group keys: kind in the top bits so kinds never collide. */
#define FILE_GROUP(type, key) (((uint64_t)(type) << 48) | (key))

/* For kinds' dump: write the FileEntry of a description into files.img. */
int files_dump_write_entry(struct files_dump_ctx *ctx, FileEntry *fe);
/*
 * For kinds' dump: a file in flight (received from a socket queue as @fd,
 * taken over and kept open until the end of the dump) saved like a task's
 * fd; *id is its description, shared with any task fd on the same one.
 */
int files_dump_inflight(struct files_dump_ctx *ctx, int fd, const char *where, uint32_t *id);
/* A new description id (for entries no fd points at, such as a FIFO's path). */
uint32_t files_dump_new_id(struct files_dump_ctx *ctx);
/* An extra image of the dump (pipes-data, remap-fpath ...), opened on first use. */
struct cr_img *files_dump_img(struct files_dump_ctx *ctx, int kind);
/* Dump: kind-private state hung on the context (one slot per kind). */
void **files_dump_kind_priv(struct files_dump_ctx *ctx, int file_type);
const struct files_dump_opts *files_dump_opts(const struct files_dump_ctx *ctx);
/* The images directory of a dump or a restore. */
int files_dump_dfd(const struct files_dump_ctx *ctx);
int files_rst_dfd(const struct files_rst_ctx *ctx);
const struct files_rst_opts *files_rst_opts(const struct files_rst_ctx *ctx);

/* Dump: the file locks noted so far (file-lock.c). */
struct file_lock_set **files_dump_locks(struct files_dump_ctx *ctx);

/* Restore: the description with @id, NULL if files.img has none. */
struct file_desc *files_rst_find(struct files_rst_ctx *ctx, uint32_t id);
/* Restore: the task that creates the members of @group, 0 if none does. */
pid_t files_rst_group_owner(struct files_rst_ctx *ctx, uint64_t group);
/* Restore: kind-private state hung on the context (one slot per kind). */
void **files_rst_kind_priv(struct files_rst_ctx *ctx, int file_type);

/* The value of "name:" in fdinfo text, as a string (0) or -1 if absent. */
int fdinfo_field(const char *fdinfo, const char *name, char *val, size_t len);

/* Applies F_SETOWN_EX/F_SETSIG of a saved fown; NULL or pid 0 is a no-op. */
int files_restore_fown(int fd, const FownEntry *fown);
/* Fills @fown from the description behind @lfd. */
void files_dump_fown(int lfd, FownEntry *fown);

/* Transport internals, used by files-restore.c. */
int files_transport_enter(struct files_rst_transport *tr, pid_t self, int base);
int files_transport_send(struct files_rst_transport *tr, pid_t to, uint32_t id, int fd);
/* Blocks (with a timeout) for the next description sent to this task. */
int files_transport_recv(struct files_rst_transport *tr, uint32_t *id, int *fd);
/* Tells every other task this one failed: their receives fail at once. */
void files_transport_abort(struct files_rst_transport *tr);

/* The kinds (each defined in its own file). */
extern const struct fd_kind_ops reg_file_ops;
extern const struct fd_kind_ops pipe_ops;
extern const struct fd_kind_ops fifo_ops;
extern const struct fd_kind_ops eventfd_ops;
extern const struct fd_kind_ops signalfd_ops;
extern const struct fd_kind_ops timerfd_ops;
extern const struct fd_kind_ops eventpoll_ops;
extern const struct fd_kind_ops inotify_ops;
extern const struct fd_kind_ops unix_sk_ops;
extern const struct fd_kind_ops tty_ops;
extern const struct fd_kind_ops memfd_ops;

#endif
