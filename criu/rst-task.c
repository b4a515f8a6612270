// SPDX-License-Identifier: GPL-2.0
/*
 * The part of restore that runs in each forked task with criu's code: lay
 * out the restore area (restorer blob, its arguments, thread stacks,
 * premapped memory), fill the memory from the page images, and jump into the
 * restorer, which never comes back.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/page.h"
#include "files.h"
#include "fs.pb-c.h"
#include "image.h"
#include "kerndat.h"
#include "log.h"
#include "page-xfer.h"
#include "restore.h"
#include "cr-restore.h"
#include "restorer-blob.h"
#include "shmem.h"
#include "vdso.h"
#include "vma.h"

#define THREAD_STACK_SIZE (64UL << 10)
/* criu's fds needed by the restorer move up here, out of the tree's way. */
#define RST_FD_BASE 900

/* A bump allocator over the task's part of the restore area. */
struct area {
	unsigned long cur, end;
};

static void *area_alloc(struct area *a, size_t size)
{
	unsigned long p = a->cur;

	size = PAGE_ALIGN(size);
	if (a->cur + size > a->end || a->cur + size < a->cur) {
		pr_err("Restore area exhausted (%zu bytes more wanted)\n", size);
		return NULL;
	}
	a->cur += size;
	return (void *)p;
}

/* Fixed anonymous memory in the (reserved) area. */
static void *area_map(struct area *a, size_t size, int prot, int flags)
{
	void *p = area_alloc(a, size), *m;

	if (!p)
		return NULL;
	m = mmap(p, PAGE_ALIGN(size), prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | flags, -1, 0);
	if (m == MAP_FAILED) {
		pr_perror("Can't map %zu bytes of the restore area", size);
		return NULL;
	}
	return m;
}

static void *load_restorer(struct area *a)
{
	const struct compel_blob *b = &restorer_blob;
	unsigned char *img = area_map(a, b->mem_size, PROT_READ | PROT_WRITE | PROT_EXEC, 0);
	size_t i;

	if (!img)
		return NULL;
	memcpy(img, b->image, b->image_size);
	for (i = 0; i < b->nr_relocs; i++) {
		uint64_t v = (uint64_t)(uintptr_t)img + b->relocs[i].addend;

		memcpy(img + b->relocs[i].offset, &v, sizeof(v));
	}
	return img + b->entry;
}

/* Open @id's file for a mapping, at a number above the tree's fds. */
static int open_mapped_file(struct restore_ctx *ctx, uint32_t id, int flags, int *next_fd)
{
	int fd, nfd;

	fd = files_rst_open_reg(ctx->files, id, flags);
	if (fd < 0) {
		pr_err("Can't open the file %#x a mapping or the exe link needs\n", id);
		return -1;
	}
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, (*next_fd)++);
	close(fd);
	if (nfd < 0)
		pr_perror("Can't move the fd of file %#x", id);
	return nfd;
}

struct task_layout {
	struct task_restore_args *args;
	struct rst_vma *vmas;
	struct area area;
	int next_fd;
	const TaskTimersEntry *timers; /* the task's, whose signals the timers requeue */
	unsigned long old_vdso, old_vdso_end; /* the image's vDSO */
	struct rst_vma *vdso_proxy;           /* set when it is rebuilt as a proxy */
	unsigned long new_vdso;               /* this kernel's vDSO then */
};

/*
 * @shm_fd >= 0: a private mapping of a memfd, whose fd the shmem code owns
 * (it stays open for other mappings of the same object).
 */
static int premap_vma(struct restore_ctx *ctx, struct task_layout *l, const VmaEntry *e,
		      struct rst_vma *v, int shm_fd)
{
	size_t len = e->end - e->start;
	int fd = shm_fd, flags = MAP_PRIVATE | MAP_FIXED;
	void *p = area_alloc(&l->area, len), *m;

	if (!p)
		return -1;
	if ((e->status & VMA_FILE_PRIVATE) && fd < 0) {
		fd = open_mapped_file(ctx, (uint32_t)e->shmid, O_RDONLY, &l->next_fd);
		if (fd < 0)
			return -1;
	} else if (fd < 0) {
		flags |= MAP_ANONYMOUS;
	}
	if (e->flags & MAP_GROWSDOWN)
		flags |= MAP_GROWSDOWN;
	/* Huge reservations (a sanitizer's shadow, a VM heap) only fit unaccounted. */
	if (e->flags & MAP_NORESERVE)
		flags |= MAP_NORESERVE;
	m = mmap(p, len, PROT_READ | PROT_WRITE, flags, fd, fd >= 0 ? (off_t)e->pgoff : 0);
	if (fd >= 0 && fd != shm_fd)
		close(fd);
	if (m == MAP_FAILED) {
		pr_perror("Can't premap %lx-%lx", (unsigned long)e->start, (unsigned long)e->end);
		return -1;
	}
	v->how = RST_VMA_PREMAPPED;
	v->premap = (uint64_t)(uintptr_t)m;
	return 0;
}

/* Shared anonymous memory and memfds: the object all its users share. */
static int prepare_shmem_vma(struct restore_ctx *ctx, struct task_layout *l, const VmaEntry *e,
			     struct rst_vma *v, struct shmem_task *st)
{
	int fd = shmem_rst_fd(st, e->shmid);

	if (fd < 0)
		return -1;
	if (e->status & VMA_FILE_PRIVATE)
		return premap_vma(ctx, l, e, v, fd);
	/* The restorer maps the object's fd: not anonymous any more. */
	v->flags = e->flags & ~MAP_ANONYMOUS;
	v->fd = fd;
	v->how = RST_VMA_FILE;
	return 0;
}

static int prepare_vma(struct restore_ctx *ctx, struct task_layout *l, const VmaEntry *e,
		       struct rst_vma *v, struct shmem_task *st)
{
	struct task_restore_args *args = l->args;

	v->start = e->start;
	v->end = e->end;
	v->pgoff = e->pgoff;
	v->prot = e->prot;
	v->flags = e->flags;
	v->madv = e->has_madv ? e->madv : 0;
	v->fd = -1;

	if (vma_entry_is_shmem(e))
		return prepare_shmem_vma(ctx, l, e, v, st);
	if ((e->status & VMA_ANON_PRIVATE) || (e->status & VMA_FILE_PRIVATE))
		return premap_vma(ctx, l, e, v, -1);
	if (e->status & VMA_FILE_SHARED) {
		int fl = (e->prot & PROT_WRITE) ? O_RDWR : O_RDONLY;

		v->fd = open_mapped_file(ctx, (uint32_t)e->shmid, fl, &l->next_fd);
		if (v->fd < 0)
			return -1;
		if (args->nr_close_fds >= ARRAY_SIZE(args->close_fds)) {
			pr_err("Too many shared file mappings\n");
			return -1;
		}
		args->close_fds[args->nr_close_fds++] = v->fd;
		v->how = RST_VMA_FILE;
		return 0;
	}
	pr_err("Can't restore mapping %lx-%lx (status %#x): not supported yet\n",
	       (unsigned long)e->start, (unsigned long)e->end, e->status);
	return -1;
}

/* The [vvar...][vdso] block as dumped; the kernel maps a fresh one there. */
static bool vdso_same_layout(unsigned long vdso_len, unsigned long vvar, unsigned long vvar_end,
			     unsigned long vdso)
{
	if (getenv("CRIU_FORCE_VDSO_PROXY"))
		return false; /* tests: take the proxy path on this kernel */
	return kdat.vdso.present && vdso_len == kdat.vdso.vdso_size &&
	       (!vvar || (vvar_end - vvar == kdat.vdso.vvar_size &&
			  (int64_t)(vvar - vdso) == kdat.vdso.vvar_off));
}

/*
 * Another vDSO than the image's: the old one comes back from the image as
 * plain memory whose entry points jump to this kernel's vDSO, mapped at a
 * free place.  Pointers the program keeps into the old one go on working.
 */
static int prepare_vdso_proxy(struct restore_ctx *ctx, struct task_layout *l, const MmEntry *mm,
			      struct rst_vma *v)
{
	unsigned long block = kdat.vdso.vvar_size + kdat.vdso.vdso_size;
	void *m;

	if (!kdat.vdso.present || !kdat.vdso.can_map_vdso) {
		pr_err("The image's vDSO differs from this kernel's, which can't be mapped at "
		       "will (no ARCH_MAP_VDSO_64)\n");
		return -1;
	}
	v->start = l->old_vdso;
	v->end = l->old_vdso_end;
	v->prot = PROT_READ | PROT_EXEC;
	v->flags = MAP_PRIVATE | MAP_ANONYMOUS;
	v->fd = -1;
	m = area_map(&l->area, v->end - v->start, PROT_READ | PROT_WRITE, 0);
	if (!m)
		return -1;
	v->how = RST_VMA_PREMAPPED;
	v->premap = (uint64_t)(uintptr_t)m;
	l->vdso_proxy = v;
	l->args->vdso_block_start = find_free_range(mm, ctx->area_start,
						    ctx->area_start + ctx->area_size, block);
	if (!l->args->vdso_block_start) {
		pr_err("No room for this kernel's vDSO in the image's address space\n");
		return -1;
	}
	l->new_vdso = l->args->vdso_block_start +
		      (kdat.vdso.vvar_off < 0 ? (unsigned long)-kdat.vdso.vvar_off : 0);
	pr_info("vDSO proxy at %lx, this kernel's vDSO at %lx\n", l->old_vdso, l->new_vdso);
	return 1;
}

/* 0: nothing to add, 1: @v was filled with the proxy mapping, -1: error. */
static int prepare_vdso(struct restore_ctx *ctx, struct task_layout *l, const MmEntry *mm,
			struct rst_vma *v)
{
	unsigned long vdso = 0, vdso_len = 0, vvar = 0, vvar_end = 0;
	size_t i;

	for (i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];

		if (e->status & VMA_AREA_VDSO) {
			vdso = e->start;
			vdso_len = e->end - e->start;
		} else if (e->status & VMA_AREA_VVAR) {
			if (!vvar)
				vvar = e->start;
			vvar_end = e->end;
		}
	}
	if (!vdso)
		return 0;
	l->old_vdso = vdso;
	l->old_vdso_end = vdso + vdso_len;
	if (!vdso_same_layout(vdso_len, vvar, vvar_end, vdso))
		return prepare_vdso_proxy(ctx, l, mm, v);
	l->args->vdso_block_start = vvar && vvar < vdso ? vvar : vdso;
	return 0;
}

/* After the pages are in: every old entry point jumps to the new one. */
static int patch_vdso_proxy(struct task_layout *l)
{
	void *img = (void *)(uintptr_t)l->vdso_proxy->premap;
	uint64_t old_off[VDSO_SYM_NR];
	int s;

	if (vdso_parse_symbols(img, l->old_vdso_end - l->old_vdso, old_off)) {
		pr_err("The image's vDSO at %lx is not a readable vDSO image\n", l->old_vdso);
		return -1;
	}
	for (s = 0; s < VDSO_SYM_NR; s++) {
		if (!old_off[s])
			continue;
		if (!kdat.vdso.sym_off[s]) {
			pr_err("This kernel's vDSO lacks %s, which the image's has\n",
			       vdso_sym_names[s]);
			return -1;
		}
		if (old_off[s] + 14 > l->old_vdso_end - l->old_vdso)
			return -1;
		arch_vdso_jump((char *)img + old_off[s], l->new_vdso + kdat.vdso.sym_off[s]);
	}
	return 0;
}

static int prepare_vmas(struct restore_ctx *ctx, struct task_layout *l, const MmEntry *mm)
{
	struct task_restore_args *args = l->args;
	struct shmem_task *st;
	size_t i;

	l->vmas = area_map(&l->area, mm->n_vmas * sizeof(struct rst_vma), PROT_READ | PROT_WRITE, 0);
	if (!l->vmas)
		return -1;
	args->vmas = (uint64_t)(uintptr_t)l->vmas;
	if (shmem_rst_begin(ctx, args->pid, args, &l->next_fd, &st)) {
		shmem_rst_free(st);
		return -1;
	}
	for (i = 0; i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];

		if (!(e->status & VMA_AREA_REGULAR) ||
		    (e->status & (VMA_AREA_VDSO | VMA_AREA_VVAR | VMA_AREA_VSYSCALL)))
			continue;
		if (prepare_vma(ctx, l, e, &l->vmas[args->nr_vmas], st)) {
			shmem_rst_free(st);
			return -1;
		}
		args->nr_vmas++;
	}
	/* Our objects stay open here until every other user has its own. */
	if (shmem_rst_end(ctx, st))
		return -1;
	switch (prepare_vdso(ctx, l, mm, &l->vmas[args->nr_vmas])) {
	case 1:
		args->nr_vmas++;
		return 0;
	case 0:
		return 0;
	}
	return -1;
}

static struct rst_vma *vma_of(struct task_layout *l, unsigned long addr, unsigned long end)
{
	uint32_t i;

	for (i = 0; i < l->args->nr_vmas; i++)
		if (l->vmas[i].start <= addr && end <= l->vmas[i].end)
			return &l->vmas[i];
	return NULL;
}

static int fill_pages(struct restore_ctx *ctx, struct task_layout *l, pid_t pid)
{
	struct page_read pr;
	struct page_entry pe;
	int ret;

	if (open_page_read(&pr, ctx->dfd, pid))
		return -1;
	while ((ret = page_read_next(&pr, &pe)) == 1) {
		unsigned long end = pe.vaddr + pe.nr_pages * PAGE_SIZE;
		struct rst_vma *v;

		/* The vDSO's pages matter only when it is rebuilt as a proxy. */
		if (!l->vdso_proxy && pe.vaddr >= l->old_vdso && end <= l->old_vdso_end) {
			if (page_read_skip(&pr, &pe)) {
				ret = -1;
				break;
			}
			continue;
		}
		v = vma_of(l, pe.vaddr, end);

		if (!v || v->how != RST_VMA_PREMAPPED) {
			pr_err("Pages %lx-%lx of task %d lie outside its private mappings\n",
			       pe.vaddr, end, pid);
			ret = -1;
			break;
		}
		if (pe.flags != PE_PRESENT) {
			pr_err("Pages %lx-%lx of task %d: page flags %#x not supported yet\n",
			       pe.vaddr, end, pid, pe.flags);
			ret = -1;
			break;
		}
		if (page_read_data(&pr, &pe, (void *)(uintptr_t)(v->premap + pe.vaddr - v->start))) {
			ret = -1;
			break;
		}
		__atomic_add_fetch(&ctx->sync->pages_restored, pe.nr_pages, __ATOMIC_RELAXED);
	}
	close_page_read(&pr);
	return ret;
}

/* The POSIX timer whose own signal @e is (see rst_posix_timer.fire), or NULL. */
static const PosixTimerEntry *signal_timer(const TaskTimersEntry *tt, const SiginfoEntry *e)
{
	siginfo_t si;
	size_t i;

	if (!tt || e->siginfo.len < sizeof(si))
		return NULL;
	memcpy(&si, e->siginfo.data, sizeof(si));
	if (si.si_code != SI_TIMER)
		return NULL;
	for (i = 0; i < tt->n_posix; i++) {
		const PosixTimerEntry *t = tt->posix[i];

		if (t->it_id == (uint32_t)si.si_timerid && t->si_signo == (uint32_t)si.si_signo &&
		    (t->it_sigev_notify & ~SIGEV_THREAD_ID) == SIGEV_SIGNAL)
			return t;
	}
	return NULL;
}

/* Copy the signals to queue by hand; a timer's own ones come from the timer. */
static uint32_t copy_siginfos(struct rst_siginfo *dst, const SignalQueueEntry *q,
			      const TaskTimersEntry *tt)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < q->n_signals; i++) {
		size_t len = min(q->signals[i]->siginfo.len, sizeof(dst[n].info));

		if (signal_timer(tt, q->signals[i]))
			continue;
		memset(dst[n].info, 0, sizeof(dst[n].info));
		memcpy(dst[n].info, q->signals[i]->siginfo.data, len);
		n++;
	}
	return n;
}

static int prepare_signals(struct task_layout *l, const SignalQueueEntry *q, uint32_t *nr,
			   uint64_t *where)
{
	struct rst_siginfo *si;

	*nr = 0;
	if (!q || !q->n_signals)
		return 0;
	si = area_map(&l->area, q->n_signals * sizeof(*si), PROT_READ | PROT_WRITE, 0);
	if (!si)
		return -1;
	*nr = copy_siginfos(si, q, l->timers);
	*where = (uint64_t)(uintptr_t)si;
	return 0;
}

static uint64_t caps64(const uint32_t *v, size_t n)
{
	return (n > 0 ? v[0] : 0) | (n > 1 ? (uint64_t)v[1] << 32 : 0);
}

static int prepare_thread(struct task_layout *l, const CoreEntry *core, pid_t tid,
			  struct rst_thread *t)
{
	const ThreadCoreEntry *tc = core->thread_core;
	const CredsEntry *cr = tc ? tc->creds : NULL;
	void *stack = area_map(&l->area, THREAD_STACK_SIZE, PROT_READ | PROT_WRITE, 0);

	if (!stack || !tc || !cr || !core->thread_info) {
		if (stack)
			pr_err("Core of thread %d lacks thread_core, creds or registers\n", tid);
		return -1;
	}
	t->tid = tid;
	t->stack_top = (uint64_t)(uintptr_t)stack + THREAD_STACK_SIZE;
	t->clear_child_tid = core->thread_info->clear_tid_addr;
	if (tc->sas) {
		t->sas_sp = tc->sas->ss_sp;
		t->sas_size = tc->sas->ss_size;
		t->sas_flags = tc->sas->ss_flags;
	} else {
		t->sas_flags = SS_DISABLE;
	}
	if (tc->rseq_entry && tc->rseq_entry->rseq_abi_pointer) {
		t->rseq_abi = tc->rseq_entry->rseq_abi_pointer;
		t->rseq_len = tc->rseq_entry->rseq_abi_size;
		t->rseq_sig = tc->rseq_entry->signature;
	}
	t->pdeath_sig = tc->has_pdeath_sig ? (int32_t)tc->pdeath_sig : 0;
	strncpy(t->comm, tc->comm ? tc->comm : (core->tc ? core->tc->comm : ""),
		sizeof(t->comm) - 1);
	t->uids[0] = cr->uid;
	t->uids[1] = cr->euid;
	t->uids[2] = cr->suid;
	t->uids[3] = cr->fsuid;
	t->gids[0] = cr->gid;
	t->gids[1] = cr->egid;
	t->gids[2] = cr->sgid;
	t->gids[3] = cr->fsgid;
	t->cap_inh = caps64(cr->cap_inh, cr->n_cap_inh);
	t->cap_prm = caps64(cr->cap_prm, cr->n_cap_prm);
	t->cap_eff = caps64(cr->cap_eff, cr->n_cap_eff);
	t->cap_bnd = caps64(cr->cap_bnd, cr->n_cap_bnd);
	t->cap_amb = caps64(cr->cap_amb, cr->n_cap_amb);
	t->secbits = cr->secbits;
	t->no_new_privs = cr->has_no_new_privs && cr->no_new_privs;
	/* Images without it (CRIU's): the kernel's default slack. */
	t->timerslack_ns = tc->has_timer_slack_ns ? tc->timer_slack_ns : 50000;
	t->sched_policy = tc->has_sched_policy ? (int32_t)tc->sched_policy : -1;
	t->sched_prio = tc->has_sched_prio ? (int32_t)tc->sched_prio : 0;
	t->nice = tc->has_sched_nice ? tc->sched_nice : 0;
	if (tc->has_sleep_clock && tc->has_sleep_rmtp) {
		t->sleep_clock = tc->sleep_clock;
		t->sleep_rmtp = tc->sleep_rmtp;
	}
	return prepare_signals(l, tc->signals_p, &t->nr_pending, &t->pending);
}

static void set_itimer(struct rst_itimer *t, const ItimerEntry *e)
{
	if (!e)
		return;
	t->interval_sec = (int64_t)e->isec;
	t->interval_usec = (int64_t)e->iusec;
	t->value_sec = (int64_t)e->vsec;
	t->value_usec = (int64_t)e->vusec;
}

static bool queue_has_signal_of(const SignalQueueEntry *q, const TaskTimersEntry *tt,
				const PosixTimerEntry *t)
{
	size_t i;

	for (i = 0; q && i < q->n_signals; i++)
		if (signal_timer(tt, q->signals[i]) == t)
			return true;
	return false;
}

/* Was @t's signal pending at dump, in the process's queue or a thread's? */
static bool timer_signal_pending(struct pstree_item *it, const PosixTimerEntry *t)
{
	const TaskTimersEntry *tt = rst_item(it)->cores[0]->tc->timers;
	unsigned int i;

	if (queue_has_signal_of(rst_item(it)->cores[0]->tc->signals_s, tt, t))
		return true;
	for (i = 0; i < it->nr_threads; i++)
		if (queue_has_signal_of(rst_item(it)->cores[i]->thread_core->signals_p, tt, t))
			return true;
	return false;
}

static void fill_posix_timer(struct rst_posix_timer *r, const PosixTimerEntry *t)
{
	r->id = (int32_t)t->it_id;
	r->clock = (int32_t)t->clock_id;
	r->notify = (int32_t)t->it_sigev_notify;
	r->signo = (int32_t)t->si_signo;
	r->notify_tid = t->has_notify_thread_id ? t->notify_thread_id : 0;
	r->sival = t->sival_ptr;
	r->interval_sec = (int64_t)t->isec;
	r->interval_nsec = (int64_t)t->insec;
	r->value_sec = (int64_t)t->vsec;
	r->value_nsec = (int64_t)t->vnsec;
}

/*
 * The image lists the timers as /proc/PID/timers does, newest first:
 * create them oldest first so that the new list reads the same.
 */
static int prepare_posix_timers(struct task_layout *l, struct pstree_item *it,
				const TaskTimersEntry *tt)
{
	struct rst_posix_timer *r;
	size_t i, n = tt->n_posix;

	if (!n)
		return 0;
	r = area_map(&l->area, n * sizeof(*r), PROT_READ | PROT_WRITE, 0);
	if (!r)
		return -1;
	for (i = 0; i < n; i++) {
		const PosixTimerEntry *t = tt->posix[n - 1 - i];

		fill_posix_timer(&r[i], t);
		r[i].fire = timer_signal_pending(it, t);
	}
	l->args->posix_timers = (uint64_t)(uintptr_t)r;
	l->args->nr_posix_timers = (uint32_t)n;
	return 0;
}

static int prepare_process(struct restore_ctx *ctx, struct task_layout *l, struct pstree_item *it)
{
	struct task_restore_args *args = l->args;
	const TaskCoreEntry *tc = rst_item(it)->cores[0]->tc;
	const CredsEntry *cr = rst_item(it)->cores[0]->thread_core->creds;
	size_t i;

	if (!tc) {
		pr_err("Core of task %d lacks the task part\n", it->pid);
		return -1;
	}
	for (i = 0; i < tc->n_sigactions && i < RST_NSIG; i++) {
		args->sigactions[i].handler = tc->sigactions[i]->sigaction;
		args->sigactions[i].flags = tc->sigactions[i]->flags;
		args->sigactions[i].restorer = tc->sigactions[i]->restorer;
		args->sigactions[i].mask = tc->sigactions[i]->mask;
	}
	if (tc->timers) {
		set_itimer(&args->itimers[0], tc->timers->real);
		set_itimer(&args->itimers[1], tc->timers->virt);
		set_itimer(&args->itimers[2], tc->timers->prof);
		if (prepare_posix_timers(l, it, tc->timers))
			return -1;
	}
	if (tc->rlimits) {
		args->nr_rlimits = min(tc->rlimits->n_rlimits, (size_t)RST_NR_RLIMITS);
		for (i = 0; i < args->nr_rlimits; i++) {
			args->rlimits[i].cur = tc->rlimits->rlimits[i]->cur;
			args->rlimits[i].max = tc->rlimits->rlimits[i]->max;
		}
	}
	args->personality = tc->personality;
	args->child_subreaper = tc->has_child_subreaper && tc->child_subreaper;
	args->leader_exited = it->leader_exited;
	if (cr && cr->n_groups) {
		uint32_t *g = area_map(&l->area, cr->n_groups * sizeof(*g), PROT_READ | PROT_WRITE, 0);

		if (!g)
			return -1;
		memcpy(g, cr->groups, cr->n_groups * sizeof(*g));
		args->groups = (uint64_t)(uintptr_t)g;
		args->nr_groups = cr->n_groups;
	}
	(void)ctx;
	return prepare_signals(l, tc->signals_s, &args->nr_shared_pending, &args->shared_pending);
}

static int prepare_mm_fields(struct restore_ctx *ctx, struct task_layout *l, const MmEntry *mm)
{
	struct rst_mm_map *m = &l->args->mm;
	uint64_t *auxv;

	m->start_code = mm->mm_start_code;
	m->end_code = mm->mm_end_code;
	m->start_data = mm->mm_start_data;
	m->end_data = mm->mm_end_data;
	m->start_brk = mm->mm_start_brk;
	m->brk = mm->mm_brk;
	m->start_stack = mm->mm_start_stack;
	m->arg_start = mm->mm_arg_start;
	m->arg_end = mm->mm_arg_end;
	m->env_start = mm->mm_env_start;
	m->env_end = mm->mm_env_end;
	auxv = area_map(&l->area, (mm->n_mm_saved_auxv + 2) * sizeof(*auxv), PROT_READ | PROT_WRITE,
			0);
	if (!auxv)
		return -1;
	memcpy(auxv, mm->mm_saved_auxv, mm->n_mm_saved_auxv * sizeof(*auxv));
	m->auxv = (uint64_t)(uintptr_t)auxv;
	m->auxv_size = mm->n_mm_saved_auxv * sizeof(*auxv);
	m->exe_fd = (uint32_t)open_mapped_file(ctx, mm->exe_file_id, O_RDONLY, &l->next_fd);
	if ((int)m->exe_fd < 0)
		return -1;
	l->args->dumpable = mm->has_dumpable ? mm->dumpable : 1;
	l->args->thp_disabled = mm->has_thp_disabled && mm->thp_disabled;
	l->args->close_fds[l->args->nr_close_fds++] = (int)m->exe_fd;
	return 0;
}

static int prepare_threads(struct task_layout *l, struct pstree_item *it)
{
	struct rst_thread *t;
	unsigned int i;

	t = area_map(&l->area, it->nr_threads * sizeof(*t), PROT_READ | PROT_WRITE, 0);
	if (!t)
		return -1;
	l->args->threads = (uint64_t)(uintptr_t)t;
	l->args->nr_threads = it->nr_threads;
	if (rst_item(it)->cores[0]->tc)
		l->timers = rst_item(it)->cores[0]->tc->timers;
	for (i = 0; i < it->nr_threads; i++)
		if (prepare_thread(l, rst_item(it)->cores[i], it->threads[i], &t[i]))
			return -1;
	return 0;
}

struct fd_list {
	int *fds;
	size_t n;
};

static int list_own_fds(struct fd_list *l)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	l->fds = NULL;
	l->n = 0;
	if (!d) {
		pr_perror("Can't list /proc/self/fd");
		return -1;
	}
	while ((de = readdir(d))) {
		int *v, fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(d))
			continue;
		v = realloc(l->fds, (l->n + 1) * sizeof(*v));
		if (!v) {
			closedir(d);
			return -1;
		}
		l->fds = v;
		l->fds[l->n++] = fd;
	}
	closedir(d);
	return 0;
}

/*
 * Give the task its fds.  criu's own fds that stay needed move above every
 * fd of the tree first; any other fd criu had is closed unless the task has
 * one at that number.
 */
int restore_task_files(struct restore_ctx *ctx, struct pstree_item *it)
{
	int base = max(files_rst_max_fd(ctx->files) + 1, RST_FD_BASE), fd, ret = -1;
	struct fd_list before;
	size_t i;

	fd = files_service_fd(log_get_fd(), base);
	if (fd < 0)
		return -1;
	log_set_fd(fd);
	ctx->dfd = files_service_fd(ctx->dfd, base);
	if (ctx->dfd < 0 || list_own_fds(&before))
		return -1;
	if (files_rst_task(ctx->files, ctx->tr, it->pid))
		goto out;
	for (i = 0; i < before.n; i++) {
		fd = before.fds[i];
		if (fd < base && !files_rst_task_has_fd(ctx->files, it->pid, fd))
			close(fd);
	}
	ret = 0;
out:
	free(before.fds);
	return ret;
}

/* criu's fds other than the task's and the ones the restorer uses go now. */
struct fs_fds {
	int cwd, root;
};

/* cwd, root and umask from fs-PID.img, opened now and applied last. */
static int read_fs(struct restore_ctx *ctx, struct pstree_item *it,
		   struct task_restore_args *args, struct fs_fds *fs)
{
	struct cr_img *img = open_image_at(ctx->dfd, CR_FD_FS, O_RSTR, it->pid);
	FsEntry *fe;

	if (!img)
		return -1;
	if (pb_read_one(img, (void **)&fe, PB_FS) < 0) {
		close_image(img);
		return -1;
	}
	close_image(img);
	fs->cwd = files_rst_open_reg(ctx->files, fe->cwd_id, O_RDONLY);
	fs->root = files_rst_open_reg(ctx->files, fe->root_id, O_RDONLY);
	args->umask = fe->has_umask ? fe->umask : 022;
	pb_free(fe);
	if (fs->cwd < 0 || fs->root < 0) {
		pr_err("Can't open the cwd or root of task %d\n", it->pid);
		return -1;
	}
	return 0;
}

/* Through fds, so nothing depends on paths or /proc inside the new root. */
static int apply_fs(struct fs_fds *fs)
{
	if (fchdir(fs->root) || chroot(".")) {
		pr_perror("Can't change root");
		return -1;
	}
	if (fchdir(fs->cwd)) {
		pr_perror("Can't change to the working directory");
		return -1;
	}
	close(fs->root);
	close(fs->cwd);
	return 0;
}

static int close_criu_fds(struct restore_ctx *ctx, struct pstree_item *it,
			  const struct task_restore_args *args, const struct fs_fds *fs)
{
	struct fd_list l;
	size_t i;
	uint32_t j;

	if (list_own_fds(&l))
		return -1;
	for (i = 0; i < l.n; i++) {
		int fd = l.fds[i];
		bool keep = fd == args->log_fd || fd == fs->cwd || fd == fs->root ||
			    files_rst_task_has_fd(ctx->files, it->pid, fd);

		for (j = 0; j < args->nr_close_fds; j++)
			keep |= fd == args->close_fds[j];
		if (!keep)
			close(fd);
	}
	free(l.fds);
	return 0;
}

/*
 * A forked child keeps its parent's rseq registration, and a thread can hold
 * only one: drop criu's (glibc's) so the restorer can register the task's.
 */
static int drop_own_rseq(void)
{
	void *area = (char *)__builtin_thread_pointer() + __rseq_offset;

	if (!__rseq_size)
		return 0;
	/* glibc registers at least the original 32-byte area, whatever __rseq_size says. */
	if (syscall(SYS_rseq, area, max(__rseq_size, 32U), RSEQ_FLAG_UNREGISTER, RSEQ_SIG) &&
	    syscall(SYS_rseq, area, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG)) {
		pr_perror("Can't unregister criu's rseq area");
		return -1;
	}
	return 0;
}

static int restore_oom_score_adj(const TaskCoreEntry *tc)
{
	char buf[16];
	int fd, len;

	if (!tc->has_oom_score_adj)
		return 0;
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	len = snprintf(buf, sizeof(buf), "%d", tc->oom_score_adj);
	if (fd < 0 || write(fd, buf, len) != len) {
		pr_perror("Can't set oom_score_adj to %d", tc->oom_score_adj);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

typedef void (*restorer_entry_t)(struct task_restore_args *args, unsigned long stack);

int restore_one_task(struct restore_ctx *ctx, struct pstree_item *it)
{
	struct rst_item *ri = rst_item(it);
	struct task_layout l = { 0 };
	struct fs_fds fs = { -1, -1 };
	restorer_entry_t entry;
	sigset_t all;

	l.area.cur = ctx->area_start + PAGE_SIZE;
	l.area.end = ctx->area_start + ctx->area_size;
	l.next_fd = RST_FD_BASE;

	entry = (restorer_entry_t)load_restorer(&l.area);
	l.args = area_map(&l.area, sizeof(*l.args), PROT_READ | PROT_WRITE, 0);
	if (!entry || !l.args)
		return -1;
	l.args->magic = RST_MAGIC;
	l.args->pid = it->pid;
	l.args->log_level = log_get_loglevel();
	l.args->log_fd = log_get_fd();
	l.args->area_start = ctx->area_start;
	l.args->area_end = ctx->area_start + ctx->area_size;
	l.args->sync = (uint64_t)(uintptr_t)ctx->sync;
	l.args->umask = 022;

	if (prepare_vmas(ctx, &l, ri->mm) || fill_pages(ctx, &l, it->pid) ||
	    (l.vdso_proxy && patch_vdso_proxy(&l)) ||
	    prepare_mm_fields(ctx, &l, ri->mm) || prepare_threads(&l, it) ||
	    prepare_process(ctx, &l, it))
		return -1;

	if (restore_oom_score_adj(ri->cores[0]->tc) || read_fs(ctx, it, l.args, &fs) || close_criu_fds(ctx, it, l.args, &fs) ||
	    apply_fs(&fs) ||
	    drop_own_rseq())
		return -1;
	pr_info("Task %d: jumping to the restorer\n", it->pid);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	entry(l.args, ((struct rst_thread *)(uintptr_t)l.args->threads)[0].stack_top);
	__builtin_unreachable();
}

size_t restorer_blob_size(void)
{
	return restorer_blob.mem_size;
}
