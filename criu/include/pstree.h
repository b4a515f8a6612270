/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_PSTREE_H
#define CRIU_PSTREE_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/list.h"

/* What a task was at dump; the values of TaskCoreEntry.task_state (CRIU's). */
enum {
	TASK_STATE_ALIVE = 0x1,
	TASK_STATE_DEAD = 0x2, /* a zombie */
	TASK_STATE_STOPPED = 0x3,
	TASK_STATE_HELPER = 0x4,
};

/* One process of the tree, as pstree.img describes it. */
struct pstree_item {
	struct pstree_item *parent;
	struct list_head children; /* of pstree_item.sibling */
	struct list_head sibling;
	pid_t pid, pgid, sid;
	pid_t *threads; /* thread ids, the leader first */
	unsigned int nr_threads;
	int state;     /* TASK_STATE_* (from the core image at restore) */
	void *priv;    /* per-pipeline data (dump or restore) */
	/*
	 * Restore: the task that forks this one (NULL: criu, for the root).
	 * With clone_parent it is a sibling that clones it with CLONE_PARENT,
	 * so that the task gets its parent and the forker's session.
	 */
	struct pstree_item *forker;
	bool clone_parent;
	/*
	 * The thread group leader has exited (pthread_exit) while other threads
	 * run on.  pstree.img and the restore list it first in threads[] as
	 * always; at dump threads[] holds only the live threads, as compel sees
	 * them, and /proc of the process is read through threads[0].
	 */
	bool leader_exited;
};

/* The pid whose /proc directory shows the live process. */
static inline pid_t pstree_proc_pid(const struct pstree_item *it)
{
	return it->leader_exited && it->threads && it->threads[0] != it->pid ? it->threads[0]
									      : it->pid;
}

struct pstree {
	struct pstree_item *root;
	unsigned int nr_items;
	struct pstree_item **items; /* parents before children */
};

struct pstree_item *pstree_item_alloc(pid_t pid);
/* Adds @child under @parent (NULL for the root) and to @t->items. */
int pstree_add(struct pstree *t, struct pstree_item *parent, struct pstree_item *child);
void pstree_free(struct pstree *t);
struct pstree_item *pstree_find(const struct pstree *t, pid_t pid);

/*
 * pstree.img: one entry per process, parents first.  Reading checks that
 * every parent is known, ids are unique and thread lists are sane.
 */
int write_pstree_image(int dfd, const struct pstree *t);
int read_pstree_image(int dfd, struct pstree *t);

/*
 * Decide how restore forks the tree so that every task gets its session
 * and can join its process group: a task whose session leader is a
 * sibling is cloned by that leader with CLONE_PARENT; a session or group
 * whose leader is gone gets a helper task (TASK_STATE_HELPER) with the
 * leader's pid, appended to @t, which lives only until every task has
 * joined its group.  @own_pgid is the group criu runs in, which exists
 * without a leader in the tree.  Returns -1 for a layout it can't build.
 */
int pstree_plan_restore(struct pstree *t, pid_t own_pgid);

#endif
