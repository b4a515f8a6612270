// SPDX-License-Identifier: GPL-2.0
/* The process tree: its in-memory model and pstree.img. */

#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "log.h"
#include "pstree.h"
#include "pstree.pb-c.h"

struct pstree_item *pstree_item_alloc(pid_t pid)
{
	struct pstree_item *it = calloc(1, sizeof(*it));

	if (!it) {
		pr_err("Out of memory for task %d\n", pid);
		return NULL;
	}
	it->pid = pid;
	it->state = TASK_STATE_ALIVE;
	INIT_LIST_HEAD(&it->children);
	INIT_LIST_HEAD(&it->sibling);
	return it;
}

int pstree_add(struct pstree *t, struct pstree_item *parent, struct pstree_item *child)
{
	struct pstree_item **items = realloc(t->items, (t->nr_items + 1) * sizeof(*items));

	if (!items) {
		pr_err("Out of memory adding task %d\n", child->pid);
		return -1;
	}
	t->items = items;
	t->items[t->nr_items++] = child;
	child->parent = parent;
	if (parent)
		list_add_tail(&child->sibling, &parent->children);
	else
		t->root = child;
	return 0;
}

void pstree_free(struct pstree *t)
{
	unsigned int i;

	for (i = 0; i < t->nr_items; i++) {
		free(t->items[i]->threads);
		free(t->items[i]);
	}
	free(t->items);
	memset(t, 0, sizeof(*t));
}

struct pstree_item *pstree_find(const struct pstree *t, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < t->nr_items; i++)
		if (t->items[i]->pid == pid)
			return t->items[i];
	return NULL;
}

int write_pstree_image(int dfd, const struct pstree *t)
{
	struct cr_img *img = open_image_at(dfd, CR_FD_PSTREE, O_DUMP);
	unsigned int i, j;
	int ret = 0;

	if (!img)
		return -1;
	for (i = 0; i < t->nr_items && !ret; i++) {
		const struct pstree_item *it = t->items[i];
		PstreeEntry e = PSTREE_ENTRY__INIT;
		/* An exited leader is still listed first: its pid is the process's. */
		unsigned int dead = it->leader_exited && it->threads[0] != it->pid;
		uint32_t *tids = calloc(it->nr_threads + dead, sizeof(*tids));

		if (!tids) {
			ret = -1;
			break;
		}
		tids[0] = it->pid;
		for (j = 0; j < it->nr_threads; j++)
			tids[j + dead] = it->threads[j];
		e.pid = it->pid;
		e.ppid = it->parent ? it->parent->pid : 0;
		e.pgid = it->pgid;
		e.sid = it->sid;
		e.n_threads = it->nr_threads + dead;
		e.threads = tids;
		ret = pb_write_one(img, &e, PB_PSTREE);
		free(tids);
	}
	if (close_image(img))
		ret = -1;
	return ret;
}

static int check_entry(const char *path, const PstreeEntry *e, const struct pstree *t)
{
	size_t i, j;

	if (!e->pid || e->pid > (1U << 22)) {
		pr_err("%s: bad pid %u\n", path, e->pid);
		return -1;
	}
	if (pstree_find(t, e->pid)) {
		pr_err("%s: pid %u appears twice\n", path, e->pid);
		return -1;
	}
	if (t->nr_items && !pstree_find(t, e->ppid)) {
		pr_err("%s: parent %u of %u is not listed before it\n", path, e->ppid, e->pid);
		return -1;
	}
	if (!e->n_threads || e->threads[0] != e->pid) {
		pr_err("%s: task %u must list itself as its first thread\n", path, e->pid);
		return -1;
	}
	for (i = 0; i < e->n_threads; i++)
		for (j = i + 1; j < e->n_threads; j++)
			if (e->threads[i] == e->threads[j]) {
				pr_err("%s: thread %u of %u listed twice\n", path, e->threads[i],
				       e->pid);
				return -1;
			}
	return 0;
}

int read_pstree_image(int dfd, struct pstree *t)
{
	struct cr_img *img = open_image_at(dfd, CR_FD_PSTREE, O_RSTR);
	PstreeEntry *e;
	int ret;

	memset(t, 0, sizeof(*t));
	if (!img)
		return -1;
	while ((ret = pb_read_one_eof(img, (void **)&e, PB_PSTREE)) > 0) {
		struct pstree_item *it = NULL;
		size_t i;

		ret = check_entry(img_path(img), e, t);
		if (!ret)
			it = pstree_item_alloc(e->pid);
		if (it) {
			it->pgid = e->pgid;
			it->sid = e->sid;
			it->nr_threads = e->n_threads;
			it->threads = calloc(e->n_threads, sizeof(pid_t));
			for (i = 0; it->threads && i < e->n_threads; i++)
				it->threads[i] = e->threads[i];
		}
		if (!it || !it->threads ||
		    pstree_add(t, t->nr_items ? pstree_find(t, e->ppid) : NULL, it)) {
			if (it) {
				free(it->threads);
				free(it);
			}
			pb_free(e);
			ret = -1;
			break;
		}
		pb_free(e);
	}
	if (!ret && !t->nr_items) {
		pr_err("%s: no task in the image\n", img_path(img));
		ret = -1;
	}
	close_image(img);
	if (ret < 0)
		pstree_free(t);
	return ret < 0 ? -1 : 0;
}

/* A helper that stands in for the dead leader @pid of a session or group. */
static struct pstree_item *add_helper(struct pstree *t, struct pstree_item *parent, pid_t pid,
				      pid_t sid)
{
	struct pstree_item *h = pstree_item_alloc(pid);

	if (!h)
		return NULL;
	h->threads = calloc(1, sizeof(pid_t));
	if (!h->threads || pstree_add(t, parent, h)) {
		free(h->threads);
		free(h);
		return NULL;
	}
	h->threads[0] = pid;
	h->nr_threads = 1;
	h->state = TASK_STATE_HELPER;
	h->sid = sid;
	h->pgid = pid;
	h->forker = parent;
	pr_info("Helper %d (session %d) under %d\n", pid, sid, parent->pid);
	return h;
}

/*
 * @it is not in its parent's session and does not lead its own: it must be
 * cloned, with CLONE_PARENT, by a sibling in that session.  That is the
 * session leader itself, or a helper with the leader's pid if the leader
 * is gone.
 */
static int plan_session(struct pstree *t, struct pstree_item *it)
{
	struct pstree_item *l = pstree_find(t, it->sid);

	if (!l) {
		l = add_helper(t, it->parent, it->sid, it->sid);
		if (!l)
			return -1;
	}
	if (l->parent != it->parent || l->sid != l->pid) {
		pr_err("Task %d: its session %d is led by a task that is neither its parent's "
		       "child nor gone: not supported\n", it->pid, it->sid);
		return -1;
	}
	it->forker = l;
	it->clone_parent = true;
	return 0;
}

/* A group whose leader is gone needs a helper to exist until all joined it. */
static int plan_group(struct pstree *t, struct pstree_item *it, pid_t own_pgid)
{
	struct pstree_item *l;

	if (it->pgid == it->pid || it->pgid == own_pgid)
		return 0;
	l = pstree_find(t, it->pgid);
	if (!l)
		return add_helper(t, it, it->pgid, it->sid) ? 0 : -1;
	if (l->sid != it->sid) {
		pr_err("Task %d: group %d is in session %d, not %d\n", it->pid, it->pgid, l->sid,
		       it->sid);
		return -1;
	}
	return 0;
}

int pstree_plan_restore(struct pstree *t, pid_t own_pgid)
{
	unsigned int i, n = t->nr_items;

	/* Parents come first, so a helper for a session exists before its groups. */
	for (i = 1; i < n; i++) {
		struct pstree_item *it = t->items[i];

		it->forker = it->parent;
		if (it->sid != it->pid && it->sid != it->parent->sid && plan_session(t, it))
			return -1;
	}
	for (i = 0; i < n; i++)
		if (plan_group(t, t->items[i], own_pgid))
			return -1;
	return 0;
}
