// SPDX-License-Identifier: GPL-2.0
/* Collecting and classifying the mappings of a task at dump. */

#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "common/page.h"
#include "log.h"
#include "proc_parse.h"
#include "shmem.h"
#include "vma.h"

void vm_area_list_init(struct vm_area_list *l)
{
	INIT_LIST_HEAD(&l->h);
	l->nr = 0;
	l->nr_priv_pages = 0;
	l->priv_longest = 0;
}

void free_vm_area_list(struct vm_area_list *l)
{
	struct vma_area *v, *n;

	list_for_each_entry_safe(v, n, &l->h, list) {
		list_del(&v->list);
		free(v->path);
		free(v);
	}
	vm_area_list_init(l);
}

bool vma_area_is_private(const struct vma_area *v)
{
	if (!vma_area_is(v, VMA_AREA_REGULAR))
		return false;
	if (v->e.status & (VMA_AREA_VDSO | VMA_AREA_VVAR | VMA_AREA_VSYSCALL))
		return false;
	return v->e.status & (VMA_ANON_PRIVATE | VMA_FILE_PRIVATE);
}

/* VmFlags -> the MADV_* advice bits kept in VmaEntry.madv (bit N = advice N). */
static uint64_t vmflags_to_madv(unsigned long f)
{
	static const struct {
		unsigned long vmf;
		int advice;
	} map[] = {
		{ PROC_VMF_SEQ_READ, MADV_SEQUENTIAL },   { PROC_VMF_RAND_READ, MADV_RANDOM },
		{ PROC_VMF_DONTCOPY, MADV_DONTFORK },     { PROC_VMF_DONTDUMP, MADV_DONTDUMP },
		{ PROC_VMF_MERGEABLE, MADV_MERGEABLE },   { PROC_VMF_HUGEPAGE, MADV_HUGEPAGE },
		{ PROC_VMF_NOHUGEPAGE, MADV_NOHUGEPAGE }, { PROC_VMF_WIPEONFORK, MADV_WIPEONFORK },
	};
	uint64_t madv = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (f & map[i].vmf)
			madv |= 1ULL << map[i].advice;
	return madv;
}

static bool path_is(const char *path, const char *prefix)
{
	return !strncmp(path, prefix, strlen(prefix));
}

/* Special areas named by the kernel in brackets. */
static int classify_special(struct vma_area *v, const char *path)
{
	if (!strcmp(path, "[vdso]")) {
		v->e.status |= VMA_AREA_REGULAR | VMA_AREA_VDSO;
		v->e.flags |= MAP_ANONYMOUS;
	} else if (path_is(path, "[vvar")) { /* [vvar], and [vvar_vclock] since 6.13 */
		v->e.status |= VMA_AREA_REGULAR | VMA_AREA_VVAR;
		v->e.flags |= MAP_ANONYMOUS;
	} else if (!strcmp(path, "[vsyscall]")) {
		v->e.status |= VMA_AREA_VSYSCALL;
	} else if (!strcmp(path, "[heap]")) {
		v->e.status |= VMA_AREA_REGULAR | VMA_AREA_HEAP | VMA_ANON_PRIVATE;
		v->e.flags |= MAP_ANONYMOUS;
	} else if (!strcmp(path, "[stack]") || path_is(path, "[stack:")) {
		v->e.status |= VMA_AREA_REGULAR | VMA_AREA_STACK | VMA_ANON_PRIVATE;
		v->e.flags |= MAP_ANONYMOUS;
	} else if (!strcmp(path, "[anon_shmem]") || path_is(path, "[anon:")) {
		/* Named anonymous memory (PR_SET_VMA_ANON_NAME). */
		v->e.status |= VMA_AREA_REGULAR;
		v->e.status |= v->e.flags & MAP_SHARED ? VMA_ANON_SHARED : VMA_ANON_PRIVATE;
		v->e.flags |= MAP_ANONYMOUS;
		v->e.shmid = v->ino;
	} else {
		v->e.status |= VMA_AREA_UNSUPP;
	}
	return 0;
}

static void classify_named(struct vma_area *v, const char *path)
{
	bool shared = v->e.flags & MAP_SHARED;

	v->e.status |= VMA_AREA_REGULAR;
	if (shared && v->deleted && !strcmp(path, "/dev/zero")) {
		/* Shared anonymous memory is backed by an unlinked shmem file. */
		v->e.status |= VMA_ANON_SHARED;
		v->e.flags |= MAP_ANONYMOUS;
		v->e.shmid = v->ino;
	} else if (v->deleted && path_is(path, "/SYSV")) {
		v->e.status = VMA_AREA_SYSVIPC;
		v->e.shmid = v->ino;
	} else if (v->deleted && path_is(path, "/[aio]")) {
		v->e.status |= VMA_AREA_AIORING;
	} else if (path_is(path, "/memfd:")) {
		v->e.status |= VMA_AREA_MEMFD | (shared ? VMA_FILE_SHARED : VMA_FILE_PRIVATE);
		v->e.shmid = v->ino;
	} else {
		v->e.status |= shared ? VMA_FILE_SHARED : VMA_FILE_PRIVATE;
	}
}

/* Why a mapping can't be checkpointed, or NULL. */
static const char *vma_unsupported(const struct vma_area *v)
{
	if (v->e.status & VMA_AREA_UNSUPP)
		return "unknown kind of special mapping";
	if (v->vm_flags & PROC_VMF_HUGETLB)
		return "hugetlbfs mappings are not supported";
	/* The kernel's own [vvar] is a PFN map; it is re-created, not copied. */
	if ((v->vm_flags & (PROC_VMF_IO | PROC_VMF_PFNMAP | PROC_VMF_MIXEDMAP)) &&
	    !(v->e.status & (VMA_AREA_VVAR | VMA_AREA_VDSO)))
		return "device (I/O or PFN) mappings are not supported";
	if (v->vm_flags & PROC_VMF_SHADOW_STACK)
		return "shadow stacks are not supported";
	if (v->vm_flags & (PROC_VMF_UFFD_MISSING | PROC_VMF_UFFD_WP))
		return "the task's own userfaultfd registrations are not supported";
	if (v->e.status & VMA_AREA_SYSVIPC)
		return "SysV shared memory is not supported";
	if (v->e.status & VMA_AREA_AIORING)
		return "AIO rings are not supported";
	return NULL;
}

/* What the VmFlags of a mapping say about how to map it again. */
static void set_vm_flags(struct vma_area *v, unsigned long vm_flags)
{
	v->vm_flags = vm_flags;
	v->e.flags &= ~(uint32_t)(MAP_GROWSDOWN | MAP_NORESERVE);
	if (vm_flags & PROC_VMF_GROWSDOWN)
		v->e.flags |= MAP_GROWSDOWN;
	if (vm_flags & PROC_VMF_NORESERVE)
		v->e.flags |= MAP_NORESERVE;
	v->e.madv = vmflags_to_madv(vm_flags);
	v->e.has_madv = v->e.madv != 0;
}

static int add_vma(const struct proc_vma *pv, void *arg)
{
	struct vm_area_list *l = arg;
	struct vma_area *v = calloc(1, sizeof(*v));
	const char *why;

	if (!v)
		return -1;
	vma_entry__init(&v->e);
	v->e.start = pv->start;
	v->e.end = pv->end;
	v->e.pgoff = pv->pgoff;
	v->e.prot = pv->prot;
	v->e.flags = pv->shared ? MAP_SHARED : MAP_PRIVATE;
	set_vm_flags(v, pv->vm_flags);
	v->e.fd = -1;
	v->deleted = pv->deleted;
	v->dev_maj = pv->dev_maj;
	v->dev_min = pv->dev_min;
	v->ino = pv->ino;

	if (pv->path[0] == '[')
		classify_special(v, pv->path);
	else if (pv->path[0] == '\0' && !pv->ino) {
		v->e.status |= VMA_AREA_REGULAR | (pv->shared ? VMA_ANON_SHARED : VMA_ANON_PRIVATE);
		v->e.flags |= MAP_ANONYMOUS;
	} else
		classify_named(v, pv->path);

	if (pv->path[0] && pv->path[0] != '[') {
		v->path = strdup(pv->path);
		if (!v->path) {
			free(v);
			return -1;
		}
	}

	why = pv->pkey ? "memory protection keys are not supported" : vma_unsupported(v);
	if (why) {
		pr_err("Can't dump mapping %lx-%lx %s: %s\n", pv->start, pv->end,
		       pv->path[0] ? pv->path : "(anonymous)", why);
		free(v->path);
		free(v);
		return -1;
	}

	list_add_tail(&v->list, &l->h);
	l->nr++;
	if (vma_area_is_private(v)) {
		unsigned long pages = vma_area_len(v) / PAGE_SIZE;

		l->nr_priv_pages += pages;
		l->priv_longest = max(l->priv_longest, pages);
	}
	return 0;
}

static int collect_from(pid_t pid, struct vm_area_list *l, int (*parse)(pid_t, proc_vma_fn, void *),
			const char *what)
{
	vm_area_list_init(l);
	if (parse(pid, add_vma, l)) {
		pr_err("Can't collect the mappings of task %d\n", pid);
		free_vm_area_list(l);
		return -1;
	}
	pr_info("Collected %u mappings of task %d%s (%lu private pages at most)\n", l->nr, pid,
		what, l->nr_priv_pages);
	return 0;
}

int collect_vmas(pid_t pid, struct vm_area_list *l)
{
	return collect_from(pid, l, parse_smaps, "");
}

int collect_vma_layout(pid_t pid, struct vm_area_list *l)
{
	return collect_from(pid, l, parse_maps, ", their VmFlags to come");
}

static bool same_mapping(const struct vma_area *a, const struct vma_area *b)
{
	return a->e.start == b->e.start && a->e.end == b->e.end && a->e.pgoff == b->e.pgoff &&
	       a->e.prot == b->e.prot && a->e.status == b->e.status &&
	       (a->e.flags & MAP_SHARED) == (b->e.flags & MAP_SHARED) && a->ino == b->ino &&
	       a->dev_maj == b->dev_maj && a->dev_min == b->dev_min;
}

static struct vma_area *next_vma(struct vm_area_list *l, struct vma_area *v)
{
	return v->list.next == &l->h ? NULL : list_entry(v->list.next, struct vma_area, list);
}

/* The next mapping of @l from @v on (@v included) that is not in [start, end). */
static struct vma_area *skip_vmas(struct vm_area_list *l, struct vma_area *v, unsigned long start,
				  unsigned long end)
{
	while (v && v->e.start >= start && v->e.end <= end)
		v = next_vma(l, v);
	return v;
}

int vmas_take_flags(pid_t pid, struct vm_area_list *l, struct vm_area_list *full,
		    unsigned long skip_start, unsigned long skip_end)
{
	struct vma_area *v, *f;

	f = list_empty(&full->h) ? NULL : list_first_entry(&full->h, struct vma_area, list);
	list_for_each_entry(v, &l->h, list) {
		f = skip_vmas(full, f, skip_start, skip_end);
		if (!f || !same_mapping(v, f))
			goto differ;
		set_vm_flags(v, f->vm_flags);
		f = next_vma(full, f);
	}
	f = skip_vmas(full, f, skip_start, skip_end);
	if (!f)
		return 0;
differ:
	if (f && (&v->list == &l->h || f->e.start < v->e.start))
		pr_err("Mapping %lx-%lx of task %d appeared while it was dumped\n",
		       (unsigned long)f->e.start, (unsigned long)f->e.end, pid);
	else
		pr_err("Mapping %lx-%lx of task %d changed or went while it was dumped\n",
		       (unsigned long)v->e.start, (unsigned long)v->e.end, pid);
	return -1;
}

bool vmas_unplain_files(pid_t pid, const struct vm_area_list *l)
{
	const struct vma_area *v, *last = NULL;
	char link[128];
	struct statfs sfs;
	struct stat st;

	list_for_each_entry(v, &l->h, list) {
		if (!(v->e.status & (VMA_FILE_PRIVATE | VMA_FILE_SHARED)) ||
		    vma_entry_is_shmem(&v->e))
			continue;
		/* A file's mappings mostly lie side by side: look once. */
		if (last && last->ino == v->ino && last->dev_maj == v->dev_maj &&
		    last->dev_min == v->dev_min)
			continue;
		last = v;
		snprintf(link, sizeof(link), "/proc/%d/map_files/%lx-%lx", pid,
			 (unsigned long)v->e.start, (unsigned long)v->e.end);
		if (stat(link, &st) || statfs(link, &sfs) || !S_ISREG(st.st_mode) ||
		    sfs.f_type == HUGETLBFS_MAGIC)
			return true;
	}
	return false;
}
