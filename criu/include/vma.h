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

#endif
