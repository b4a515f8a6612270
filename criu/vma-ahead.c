// SPDX-License-Identifier: GPL-2.0
/* Reading a task's mappings (smaps) in a thread, beside the copy of its pages. */

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vma-ahead.h"

struct vma_ahead {
	pthread_t thread;
	pid_t pid;
	bool taken;
	int ret;
	struct vm_area_list list;
};

static void *read_vmas(void *arg)
{
	struct vma_ahead *va = arg;

	va->ret = collect_vmas(va->pid, &va->list);
	return NULL;
}

struct vma_ahead *vma_ahead_start(pid_t pid)
{
	struct vma_ahead *va = calloc(1, sizeof(*va));
	sigset_t all, old;
	int err;

	if (!va)
		return NULL;
	va->pid = pid;
	vm_area_list_init(&va->list);
	/* Signals (SIGTERM to the dump, say) are the main thread's to take. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&va->thread, NULL, read_vmas, va);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pr_warn("No thread to read the mappings of %d ahead: %s\n", pid, strerror(err));
		free(va);
		return NULL;
	}
	return va;
}

int vma_ahead_take(struct vma_ahead *va, pid_t pid, struct vm_area_list *l)
{
	if (!va || va->pid != pid || va->taken)
		return collect_vmas(pid, l);
	pthread_join(va->thread, NULL);
	va->taken = true;
	vm_area_list_init(l);
	list_move_all(&va->list.h, &l->h);
	l->nr = va->list.nr;
	l->nr_priv_pages = va->list.nr_priv_pages;
	l->priv_longest = va->list.priv_longest;
	vm_area_list_init(&va->list);
	return va->ret;
}

void vma_ahead_stop(struct vma_ahead *va)
{
	if (!va)
		return;
	if (!va->taken)
		pthread_join(va->thread, NULL);
	free_vm_area_list(&va->list);
	free(va);
}
