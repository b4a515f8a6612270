/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_INFECT_H
#define COMPEL_INFECT_H

#include <stddef.h>

#include "compel/blob.h"
#include "compel/rpc.h"
#include "compel/task.h"

/*
 * A parasite living in a frozen task: the blob mapped from a memfd that both
 * sides share (so the blob and its arguments are written, never copied
 * through ptrace), a control socket, and a log pipe.
 */
struct compel_parasite;

/*
 * Load @blob into @task with an argument area of @args_size bytes and start
 * its daemon on the thread group leader.  On failure the task is left as it
 * was (still frozen) and NULL is returned.
 */
struct compel_parasite *compel_infect(struct compel_task *task, const struct compel_blob *blob,
				      size_t args_size);

/* The argument area, as compel sees it (the parasite sees the same bytes). */
void *compel_parasite_args(struct compel_parasite *p);
size_t compel_parasite_args_size(const struct compel_parasite *p);

/* How long a command may take before the parasite is deemed hung (default 10 s). */
void compel_parasite_set_timeout(struct compel_parasite *p, int timeout_ms);

/*
 * Send @cmd to the daemon; compel_rpc_sync() waits for its answer and stores
 * the command's own result in @ret.  Both return 0, or -1 if the parasite
 * did not answer (crashed, hung, garbage): then only compel_cure() is left.
 */
int compel_rpc_call(struct compel_parasite *p, unsigned int cmd);
int compel_rpc_sync(struct compel_parasite *p, unsigned int cmd, int *ret);
int compel_rpc_call_sync(struct compel_parasite *p, unsigned int cmd, int *ret);

/*
 * For a command that talks through words of the argument area (shared
 * memory) rather than messages: sleeps while *@word == @val, watching the
 * parasite as compel_rpc_sync() does.  0 once the word changed (or on a
 * spurious wake-up: check again), -1 if the parasite crashed or did not move
 * the word within the timeout.  The parasite wakes it with a futex wake on
 * @word (std_wake_word()).
 */
int compel_rpc_wait_word(struct compel_parasite *p, uint32_t *word, uint32_t val);

/* Receive @nr fds the parasite sends with SCM_RIGHTS during a command. */
int compel_recv_fds(struct compel_parasite *p, int *fds, unsigned int nr);

/*
 * Send @nr of our fds to the parasite during a command that takes them with
 * std_recv_fds(); they arrive as new fds of the target (close-on-exec).
 */
int compel_send_fds(struct compel_parasite *p, const int *fds, unsigned int nr);

/*
 * Run @cmd on thread @idx (the daemon must be idle, i.e. no command in
 * flight); the parasite's return value is stored in @ret.
 */
int compel_run_in_thread(struct compel_parasite *p, unsigned int idx, unsigned int cmd, long *ret);

/*
 * Stop the daemon, close the parasite's fds, unmap it and put every thread's
 * registers and signal mask back.  Works after any failure, including a
 * crashed or hung parasite.  The task stays frozen; @p is freed.
 */
int compel_cure(struct compel_parasite *p);

/*
 * Where the parasite lives in the target, and its fds there, so that a
 * dumper can leave them out.
 */
unsigned long compel_parasite_remote_addr(const struct compel_parasite *p);
size_t compel_parasite_remote_size(const struct compel_parasite *p);
void compel_parasite_remote_fds(const struct compel_parasite *p, int *ctl_fd, int *log_fd);

/* The parasite attached to @task, if any. */
struct compel_parasite *compel_task_parasite(struct compel_task *task);

#endif
