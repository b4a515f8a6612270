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
};

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

#endif
