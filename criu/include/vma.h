/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_VMA_H
#define CRIU_VMA_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/list.h"
#include "vma.pb-c.h"

/*
 * VmaEntry.status bits.  They are part of the image format (CRIU 4.x uses
 * the same values), so never renumber them.
 */
#define VMA_AREA_NONE (0U << 0)
#define VMA_AREA_REGULAR (1U << 0) /* ordinary memory, restored as such */
#define VMA_AREA_STACK (1U << 1)
#define VMA_AREA_VSYSCALL (1U << 2)
#define VMA_AREA_VDSO (1U << 3)
#define VMA_AREA_HEAP (1U << 5)
#define VMA_FILE_PRIVATE (1U << 6)
#define VMA_FILE_SHARED (1U << 7)
#define VMA_ANON_SHARED (1U << 8)
#define VMA_ANON_PRIVATE (1U << 9)
#define VMA_AREA_SYSVIPC (1U << 10)
#define VMA_AREA_SOCKET (1U << 11)
#define VMA_AREA_VVAR (1U << 12)
#define VMA_AREA_AIORING (1U << 13)
#define VMA_AREA_MEMFD (1U << 14)
#define VMA_AREA_UNSUPP (1U << 31)

/* One mapping of a task being dumped. */
struct vma_area {
	struct list_head list;
	VmaEntry e;
	char *path;          /* file behind the mapping, NULL for anonymous ones */
	bool deleted;        /* the file was unlinked */
	unsigned int dev_maj, dev_min;
	unsigned long ino;
	unsigned long vm_flags; /* PROC_VMF_* */
};

struct vm_area_list {
	struct list_head h;
	unsigned int nr;
	unsigned long nr_priv_pages;  /* pages of private mappings, an upper bound */
	unsigned long priv_longest;   /* longest private mapping, in pages */
};

#define vma_area_is(v, s) (((v)->e.status & (s)) == (s))

static inline unsigned long vma_area_len(const struct vma_area *v)
{
	return v->e.end - v->e.start;
}

/* Private memory whose pages go to the pages image. */
bool vma_area_is_private(const struct vma_area *v);

void vm_area_list_init(struct vm_area_list *l);
void free_vm_area_list(struct vm_area_list *l);

/*
 * Reads /proc/PID/smaps into @l, classified into the status bits above.  A
 * mapping that cannot be checkpointed faithfully fails the collection with
 * a message naming it (address range, path and why).
 */
int collect_vmas(pid_t pid, struct vm_area_list *l);

/*
 * The same from /proc/PID/maps, without the page-table walk of smaps: the
 * mappings as they are, but none of what only VmFlags tell (madvise
 * advice, MAP_GROWSDOWN, MAP_NORESERVE, and the refusals of device, huge
 * TLB, shadow stack, userfaultfd and protection key mappings).
 * vmas_take_flags() completes them.
 */
int collect_vma_layout(pid_t pid, struct vm_area_list *l);

/*
 * Completes @l, read by collect_vma_layout(), with the VmFlags of @full, read
 * by collect_vmas() (which refused what can't be dumped).  Both must show the
 * same mappings, but for ones @full has in [skip_start, skip_end) (criu's own
 * parasite, mapped in between): otherwise an error names the first that differs.
 */
int vmas_take_flags(pid_t pid, struct vm_area_list *l, struct vm_area_list *full,
		    unsigned long skip_start, unsigned long skip_end);

/*
 * Could reading the present pages of @l's mappings have effects, or read what
 * dump refuses anyway?  True if one maps a file that is not plain: a device
 * (perhaps I/O memory), or one on hugetlbfs (or if one can't be looked at).
 * Anonymous memory and regular files are just memory.
 */
bool vmas_unplain_files(pid_t pid, const struct vm_area_list *l);

#endif
