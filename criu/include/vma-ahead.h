/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_VMA_AHEAD_H
#define CRIU_VMA_AHEAD_H

#include <sys/types.h>

#include "vma.h"

/*
 * The mappings of a task, read by a thread of their own: /proc/PID/smaps
 * visits every page table entry (11 ms per GiB mapped here), so a big task's
 * pages are copied out meanwhile, from the mappings /proc/PID/maps shows
 * (dump-mm.c).  Started once the dump parasite is in: the infection maps
 * memory in the task, which would wait for smaps' walk of a big mapping; and
 * the remote syscalls before it need the task on a CPU (with 2 CPUs, the
 * collect stage took 3 ms alone and 14 ms beside the thread).
 */
struct vma_ahead;

/* Starts reading the mappings of @pid; NULL if no thread can be started. */
struct vma_ahead *vma_ahead_start(pid_t pid);

/*
 * The mappings of @pid into @l, as collect_vmas() gives them (errors
 * included): waits for the thread of @va, or reads them here if @va is NULL.
 */
int vma_ahead_take(struct vma_ahead *va, pid_t pid, struct vm_area_list *l);

/* Waits for the thread to finish and frees what was not taken; @va may be NULL. */
void vma_ahead_stop(struct vma_ahead *va);

#endif
