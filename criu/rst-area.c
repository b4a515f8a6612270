// SPDX-License-Identifier: GPL-2.0
/*
 * The restore area: one range no mapping of the restored tree uses and that
 * is free in criu too.  criu reserves it before forking, so each task has it
 * for the restorer, its arguments, stacks and premapped memory.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/page.h"
#include "log.h"
#include "proc_parse.h"
#include "restore.h"
#include "vma.h"

#define THREAD_STACK_SIZE (64UL << 10)
#define AREA_LOW (1UL << 32)          /* keep clear of low, brk-style layouts */
#define AREA_HIGH 0x7f0000000000UL    /* and of the top, where stacks grow */

struct range {
	unsigned long start, end;
};

struct ranges {
	struct range *r;
	size_t n, cap;
};

static int ranges_add(struct ranges *rs, unsigned long start, unsigned long end)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 256;
		struct range *r = realloc(rs->r, cap * sizeof(*r));

		if (!r)
			return -1;
		rs->r = r;
		rs->cap = cap;
	}
	rs->r[rs->n].start = start;
	rs->r[rs->n].end = end;
	rs->n++;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int add_own_vma(const struct proc_vma *v, void *arg)
{
	return ranges_add(arg, v->start, v->end);
}

size_t task_area_need(const struct pstree_item *it, size_t blob_size)
{
	const struct rst_item *ri = rst_item(it);
	size_t need = PAGE_ALIGN(blob_size) + PAGE_ALIGN(sizeof(struct task_restore_args));
	size_t i;

	if (!ri->mm)
		return need;
	need += PAGE_ALIGN(ri->mm->n_vmas * sizeof(struct rst_vma));
	need += PAGE_ALIGN(it->nr_threads * sizeof(struct rst_thread));
	need += it->nr_threads * THREAD_STACK_SIZE;
	/* Signals, groups, auxv: a generous page-rounded allowance. */
	need += 64UL << 10;
	for (i = 0; i < ri->mm->n_vmas; i++)
		need += ri->mm->vmas[i]->end - ri->mm->vmas[i]->start;
	return PAGE_ALIGN(need);
}

/* Highest gap of @size within [AREA_LOW, AREA_HIGH) between sorted ranges. */
static unsigned long find_gap(struct ranges *rs, unsigned long size)
{
	unsigned long hi = AREA_HIGH;
	size_t i;

	qsort(rs->r, rs->n, sizeof(*rs->r), cmp_range);
	for (i = rs->n; i-- > 0;) {
		unsigned long end = rs->r[i].end;

		if (end >= hi) {
			hi = min(hi, rs->r[i].start);
			continue;
		}
		if (hi - end >= size + 2 * PAGE_SIZE && hi - size - PAGE_SIZE >= AREA_LOW)
			return hi - size - PAGE_SIZE;
		hi = rs->r[i].start;
	}
	if (hi > AREA_LOW && hi - AREA_LOW >= size + PAGE_SIZE)
		return hi - size - PAGE_SIZE;
	return 0;
}

int plan_restore_area(struct restore_ctx *ctx)
{
	struct ranges rs = { 0 };
	unsigned long size = PAGE_SIZE, start;
	unsigned int i;
	size_t v;
	void *p;

	for (i = 0; i < ctx->tree.nr_items; i++) {
		const struct pstree_item *it = ctx->tree.items[i];
		const struct rst_item *ri = rst_item(it);

		size = max(size, PAGE_SIZE + ri->need);
		for (v = 0; ri->mm && v < ri->mm->n_vmas; v++)
			if (ranges_add(&rs, ri->mm->vmas[v]->start, ri->mm->vmas[v]->end))
				goto oom;
	}
	if (parse_smaps(0, add_own_vma, &rs))
		goto err;

	start = find_gap(&rs, size);
	free(rs.r);
	if (!start) {
		pr_err("No free range of %lu bytes for the restore area\n", size);
		return -1;
	}

	p = mmap((void *)start, size, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED) {
		pr_perror("Can't reserve the restore area at %lx (%lu bytes)", start, size);
		return -1;
	}
	/* The first page is shared by criu and all tasks for synchronisation. */
	p = mmap((void *)start, PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED) {
		pr_perror("Can't map the sync page");
		munmap((void *)start, size);
		return -1;
	}
	ctx->area_start = start;
	ctx->area_size = size;
	ctx->sync = p;
	memset(ctx->sync, 0, sizeof(*ctx->sync));
	pr_info("Restore area %lx-%lx\n", start, start + size);
	return 0;
oom:
	pr_err("Out of memory planning the restore area\n");
err:
	free(rs.r);
	return -1;
}

void release_restore_area(struct restore_ctx *ctx)
{
	if (ctx->area_start)
		munmap((void *)ctx->area_start, ctx->area_size);
	ctx->area_start = 0;
	ctx->sync = NULL;
}

unsigned long find_free_range(const MmEntry *mm, unsigned long avoid_start, unsigned long avoid_end,
			      unsigned long size)
{
	struct ranges rs = { 0 };
	unsigned long start = 0;
	size_t i;

	for (i = 0; i < mm->n_vmas; i++)
		if (ranges_add(&rs, mm->vmas[i]->start, mm->vmas[i]->end))
			goto out;
	if (ranges_add(&rs, avoid_start, avoid_end))
		goto out;
	start = find_gap(&rs, size);
out:
	free(rs.r);
	return start;
}
