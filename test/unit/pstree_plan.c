// SPDX-License-Identifier: GPL-2.0
/*
 * How restore forks a tree so that every task gets its session and group:
 * who forks whom, with CLONE_PARENT or not, and which helpers stand in for
 * dead leaders.
 */

#include <stdlib.h>

#include "pstree.h"
#include "unit.h"

#define CRIU_PGID 1

static struct pstree_item *add(struct pstree *t, pid_t parent, pid_t pid, pid_t pgid, pid_t sid)
{
	struct pstree_item *it = pstree_item_alloc(pid);

	it->threads = calloc(1, sizeof(pid_t));
	it->threads[0] = pid;
	it->nr_threads = 1;
	it->pgid = pgid;
	it->sid = sid;
	pstree_add(t, parent ? pstree_find(t, parent) : NULL, it);
	return it;
}

/* A sibling leads the session: it clones the member with CLONE_PARENT. */
static void sibling_leader(void)
{
	struct pstree t = { 0 };
	struct pstree_item *s, *m, *c;

	add(&t, 0, 10, 10, 10);
	s = add(&t, 10, 11, 11, 11);
	m = add(&t, 10, 12, 11, 11);
	c = add(&t, 12, 13, 11, 11);
	CHECK(!pstree_plan_restore(&t, CRIU_PGID), "plan failed");
	CHECK(t.nr_items == 4, "%u tasks, no helper expected", t.nr_items);
	CHECK(s->forker == t.root && !s->clone_parent, "the leader is forked by its parent");
	CHECK(m->forker == s && m->clone_parent, "the member is cloned by the leader");
	CHECK(c->forker == m && !c->clone_parent, "the member's child is its own");
	pstree_free(&t);
}

/* A session whose leader is gone: a helper with its pid clones the member. */
static void dead_session_leader(void)
{
	struct pstree t = { 0 };
	struct pstree_item *m1, *m2, *h;

	add(&t, 0, 10, 10, 10);
	m1 = add(&t, 10, 12, 20, 20);
	m2 = add(&t, 10, 13, 13, 20);
	CHECK(!pstree_plan_restore(&t, CRIU_PGID), "plan failed");
	h = pstree_find(&t, 20);
	CHECK(h && h->state == TASK_STATE_HELPER, "no helper for session 20");
	if (!h)
		goto out;
	CHECK(h->parent == t.root && h->forker == t.root && !h->clone_parent,
	      "the helper is the root's child");
	CHECK(h->sid == 20 && h->pgid == 20, "helper sid %d pgid %d", h->sid, h->pgid);
	CHECK(m1->forker == h && m1->clone_parent && m1->parent == t.root,
	      "the member is cloned by the helper with CLONE_PARENT");
	CHECK(m2->forker == h && m2->clone_parent, "so is the group leader in the session");
	CHECK(t.nr_items == 4, "one helper for the session, not %u tasks", t.nr_items);
out:
	pstree_free(&t);
}

/* A group whose leader is gone: a helper under the first member creates it. */
static void dead_group_leader(void)
{
	struct pstree t = { 0 };
	struct pstree_item *m, *h;

	add(&t, 0, 10, 10, 10);
	m = add(&t, 10, 12, 30, 10);
	add(&t, 10, 13, 30, 10);
	add(&t, 10, 14, CRIU_PGID, 10);
	CHECK(!pstree_plan_restore(&t, CRIU_PGID), "plan failed");
	h = pstree_find(&t, 30);
	CHECK(h && h->state == TASK_STATE_HELPER, "no helper for group 30");
	CHECK(h && h->parent == m && h->forker == m && h->sid == 10 && h->pgid == 30,
	      "the helper is a child of the first member, in its session");
	CHECK(t.nr_items == 5, "one helper, not %u tasks", t.nr_items);
	pstree_free(&t);
}

/* A session leader that lives elsewhere in the tree can't be reached. */
static void unreachable_leader(void)
{
	struct pstree t = { 0 };

	add(&t, 0, 10, 10, 10);
	add(&t, 10, 11, 11, 11);
	add(&t, 11, 12, 12, 12);
	add(&t, 10, 13, 13, 12);
	CHECK(pstree_plan_restore(&t, CRIU_PGID) < 0, "a cousin's session is not supported");
	pstree_free(&t);
}

int main(void)
{
	sibling_leader();
	dead_session_leader();
	dead_group_leader();
	unreachable_leader();
	return unit_done();
}
