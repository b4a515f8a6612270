// SPDX-License-Identifier: GPL-2.0
/* The address space of a frozen task: mm fields, mappings and pages. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/page.h"
#include "compel/infect.h"
#include "dump.h"
#include "files.h"
#include "fs.pb-c.h"
#include "image.h"
#include "log.h"
#include "mem.h"
#include "mm.pb-c.h"
#include "page-xfer.h"
#include "parasite-pages.h"
#include "shmem.h"
#include "vma-ahead.h"

#define MAX_AUXV 512

/* Files already saved for this task's mappings, by inode. */
struct mapped_seen {
	dev_t dev;
	ino_t ino;
	uint32_t id;
};

struct mm_state {
	struct mapped_seen *seen;
	size_t nr_seen;
};

static int save_path_file(struct dump_ctx *ctx, struct mm_state *ms, pid_t pid,
			  const char *proc_link, const char *what, uint32_t *id)
{
	char link[PATH_MAX];
	struct stat st;
	ssize_t n;
	size_t i;
	int fd, ret;

	fd = open(proc_link, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't open %s (%s of task %d)", proc_link, what, pid);
		return -1;
	}
	if (fstat(fd, &st)) {
		pr_perror("Can't stat %s", proc_link);
		close(fd);
		return -1;
	}
	for (i = 0; i < ms->nr_seen; i++)
		if (ms->seen[i].dev == st.st_dev && ms->seen[i].ino == st.st_ino) {
			*id = ms->seen[i].id;
			close(fd);
			return 0;
		}
	n = readlink(proc_link, link, sizeof(link) - 1);
	if (n < 0) {
		pr_perror("Can't read link %s", proc_link);
		close(fd);
		return -1;
	}
	link[n] = '\0';
	ret = files_dump_reg_fd(ctx->files, pid, fd, O_RDONLY, id);
	close(fd);
	if (ret)
		return -1;
	{
		struct mapped_seen *s = realloc(ms->seen, (ms->nr_seen + 1) * sizeof(*s));

		if (!s)
			return -1;
		ms->seen = s;
		s[ms->nr_seen].dev = st.st_dev;
		s[ms->nr_seen].ino = st.st_ino;
		s[ms->nr_seen].id = *id;
		ms->nr_seen++;
	}
	return 0;
}

static int save_vma_files(struct dump_ctx *ctx, struct mm_state *ms, pid_t pid,
			  struct vm_area_list *vmas)
{
	struct vma_area *v;
	char link[128];
	uint32_t id;

	list_for_each_entry(v, &vmas->h, list) {
		/* Shared anon memory and memfds: the object is saved, by inode. */
		if (vma_entry_is_shmem(&v->e)) {
			if (shmem_dump_vma(ctx, pid, v))
				return -1;
			continue;
		}
		if (!(v->e.status & (VMA_FILE_PRIVATE | VMA_FILE_SHARED)))
			continue;
		snprintf(link, sizeof(link), "/proc/%d/map_files/%lx-%lx", pid,
			 (unsigned long)v->e.start, (unsigned long)v->e.end);
		if (save_path_file(ctx, ms, pid, link, v->path ? v->path : "mapping", &id))
			return -1;
		v->e.shmid = id;
	}
	return 0;
}

static int read_auxv(pid_t pid, uint64_t **auxv, size_t *n)
{
	char path[64];
	uint64_t *buf = calloc(MAX_AUXV, sizeof(*buf));
	ssize_t got;
	int fd;

	if (!buf)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't open %s", path);
		free(buf);
		return -1;
	}
	got = read(fd, buf, MAX_AUXV * sizeof(*buf));
	close(fd);
	if (got < 0) {
		pr_perror("Can't read %s", path);
		free(buf);
		return -1;
	}
	*auxv = buf;
	*n = (size_t)got / sizeof(*buf);
	return 0;
}

static int write_mm(struct dump_ctx *ctx, struct pstree_item *it, uint32_t exe_id)
{
	struct dump_item *di = dump_item(it);
	MmEntry mm = MM_ENTRY__INIT;
	VmaEntry **vp = calloc(di->vmas.nr + 1, sizeof(*vp));
	struct vma_area *v;
	struct cr_img *img;
	size_t n = 0;
	int ret = -1;

	if (!vp || read_auxv(pstree_proc_pid(it), &mm.mm_saved_auxv, &mm.n_mm_saved_auxv)) {
		free(vp);
		return -1;
	}
	mm.mm_start_code = di->stat.start_code;
	mm.mm_end_code = di->stat.end_code;
	mm.mm_start_data = di->stat.start_data;
	mm.mm_end_data = di->stat.end_data;
	mm.mm_start_stack = di->stat.start_stack;
	mm.mm_start_brk = di->stat.start_brk;
	mm.mm_brk = di->brk;
	mm.mm_arg_start = di->stat.arg_start;
	mm.mm_arg_end = di->stat.arg_end;
	mm.mm_env_start = di->stat.env_start;
	mm.mm_env_end = di->stat.env_end;
	mm.exe_file_id = exe_id;
	mm.has_dumpable = true;
	mm.dumpable = di->dumpable;
	mm.has_thp_disabled = true;
	mm.thp_disabled = di->thp_disabled != 0;
	list_for_each_entry(v, &di->vmas.h, list)
		vp[n++] = &v->e;
	mm.n_vmas = n;
	mm.vmas = vp;

	img = open_image_at(ctx->dfd, CR_FD_MM, O_DUMP, it->pid);
	if (img) {
		ret = pb_write_one(img, &mm, PB_MM);
		if (close_image(img))
			ret = -1;
	}
	free(mm.mm_saved_auxv);
	free(vp);
	return ret;
}

static int write_fs(struct dump_ctx *ctx, struct mm_state *ms, struct pstree_item *it)
{
	FsEntry fe = FS_ENTRY__INIT;
	char link[64];
	struct cr_img *img;
	int ret;

	snprintf(link, sizeof(link), "/proc/%d/cwd", pstree_proc_pid(it));
	if (save_path_file(ctx, ms, it->pid, link, "cwd", &fe.cwd_id))
		return -1;
	snprintf(link, sizeof(link), "/proc/%d/root", pstree_proc_pid(it));
	if (save_path_file(ctx, ms, it->pid, link, "root", &fe.root_id))
		return -1;
	if (dump_item(it)->umask >= 0) {
		fe.has_umask = true;
		fe.umask = (uint32_t)dump_item(it)->umask;
	}
	img = open_image_at(ctx->dfd, CR_FD_FS, O_DUMP, it->pid);
	if (!img)
		return -1;
	ret = pb_write_one(img, &fe, PB_FS);
	if (close_image(img))
		ret = -1;
	return ret;
}

/*
 * Infecting, with the slots (4 MiB) to fault in, costs several ms per
 * task; the parasite saves about 0.25 ms per MiB over reading /proc/PID/mem
 * (make bench: python3's 9.5 MiB dumped in 25 ms with it, 17 ms without).
 */
#define PARASITE_MIN_PAGES 8192 /* 32 MiB */

enum pages_via { VIA_READ, VIA_PARASITE, VIA_PARASITE_ONLY };

/*
 * The parasite copies through the slots unless told to write: criu's write
 * from a slot the other CPU just filled beats the task's write from its own
 * cold memory (1 GiB: criu 0.42 s of system time + the task's copy 0.12 s
 * on the other CPU, against 0.49 s of writev in the task; dumps 0.45-0.48 s
 * against 0.52-0.64 s).  Writing spares criu's CPU and the slots, but the
 * image's pages are then charged to the task's memory cgroup.
 *
 * CRIU_PAGES_VIA=read, =parasite (=parasite-copy) or =parasite-write forces
 * one way (tests cover each); a forced parasite fails rather than read.
 */
static enum pages_via pages_via(const struct page_set *ps, enum pp_way *way)
{
	const char *via = getenv("CRIU_PAGES_VIA");

	*way = PP_COPY;
	if (!ps->nr_readable || (via && !strcmp(via, "read")))
		return VIA_READ;
	if (via && !strcmp(via, "parasite-write"))
		*way = PP_WRITE;
	else if (via && strcmp(via, "parasite") && strcmp(via, "parasite-copy")) {
		static bool warned;

		if (*via && !warned)
			pr_warn("CRIU_PAGES_VIA=%s is none of read, parasite, parasite-copy, "
				"parasite-write: ignored\n",
				via);
		warned = true;
		via = NULL;
	}
	if (via)
		return VIA_PARASITE_ONLY;
	return ps->nr_readable >= PARASITE_MIN_PAGES ? VIA_PARASITE : VIA_READ;
}

/*
 * A task that can't take the parasite (say no fd is left under its
 * RLIMIT_NOFILE) is still dumped, by reading, unless the parasite was asked for.
 */
static int start_parasite(struct pstree_item *it, struct page_set *ps, struct page_xfer *x,
			  struct parasite_pages *pp)
{
	enum pages_via via;
	enum pp_way way;
	int ret;

	via = pages_via(ps, &way);
	if (via == VIA_READ)
		return 0;
	ret = parasite_pages_start(pp, dump_item(it)->task, x, way);
	if (!ret)
		return 1;
	if (via == VIA_PARASITE) {
		pr_warn("Task %d: no dump parasite, its pages are read through /proc\n", it->pid);
		return 0;
	}
	return -1;
}

/* Where the dump parasite was mapped in the task, if it was: smaps may show it. */
struct parasite_area {
	unsigned long start, end;
};

/* VmFlags, from the smaps read by @va's thread, into the mappings read without them. */
static int take_vm_flags(struct vma_ahead *va, struct pstree_item *it,
			 const struct parasite_area *pa)
{
	struct vm_area_list full;
	int ret;

	ret = vma_ahead_take(va, pstree_proc_pid(it), &full) ||
	      vmas_take_flags(pstree_proc_pid(it), &dump_item(it)->vmas, &full, pa->start, pa->end);
	free_vm_area_list(&full);
	return ret ? -1 : 0;
}

/*
 * With @flags_later, the mappings were read without their VmFlags, and
 * smaps is read in a thread while the pages are copied out (vma-ahead.h).
 */
static int dump_pages(struct dump_ctx *ctx, struct pstree_item *it, const struct page_scan *scan,
		      bool flags_later)
{
	struct parasite_area pa = { 0, 0 };
	struct parasite_pages pp, *ppp = NULL;
	struct vma_ahead *va = NULL;
	struct page_set ps;
	struct page_xfer x;
	int ret = -1;

	page_set_init(&ps);
	if (collect_task_pages(pstree_proc_pid(it), &dump_item(it)->vmas, &ps, PAGEMAP_WALK_AUTO,
			       scan))
		goto out;
	if (open_page_xfer(&x, ctx->dfd, it->pid, ctx->next_pages_id++))
		goto out;
	ret = start_parasite(it, &ps, &x, &pp);
	if (ret < 0) {
		abort_page_xfer(&x);
		goto out;
	}
	if (ret) {
		ppp = &pp;
		pa.start = compel_parasite_remote_addr(pp.p);
		pa.end = pa.start + compel_parasite_remote_size(pp.p);
	}
	/* Not sooner: the infection's mmap would wait for the walk of smaps. */
	if (flags_later)
		va = vma_ahead_start(pstree_proc_pid(it));
	ret = dump_task_pages(pstree_proc_pid(it), &ps, &x, ppp);
	if (ppp && parasite_pages_stop(ppp))
		ret = -1;
	if (ret) {
		abort_page_xfer(&x);
		goto out;
	}
	ret = -1;
	if (close_page_xfer(&x) || (flags_later && take_vm_flags(va, it, &pa)))
		goto out;
	ctx->pages_scanned += ps.nr_scanned;
	ctx->pages_written += x.nr_pages;
	ret = 0;
out:
	vma_ahead_stop(va);
	page_set_free(&ps);
	return ret;
}

/* Below this many resident pages, smaps costs less than a thread. */
#define VMA_AHEAD_MIN_RSS 16384 /* 64 MiB */

/*
 * A big task's mappings are taken from /proc/PID/maps and its pages copied
 * out at once; smaps, whose page-table walk costs 11 ms per GiB, is read in
 * a thread meanwhile for the VmFlags (and the refusals that only they
 * tell).  Reading present pages of anonymous memory or of a regular file
 * is harmless even where dump then fails; mappings of other files make the
 * task wait for smaps as small tasks do.
 */
int dump_task_mm(struct dump_ctx *ctx, struct pstree_item *it)
{
	struct dump_item *di = dump_item(it);
	struct mm_state ms = { 0 };
	pid_t pid = pstree_proc_pid(it);
	bool flags_later = di->stat.rss >= VMA_AHEAD_MIN_RSS;
	struct page_scan scan;
	char link[64];
	uint32_t exe_id;
	int ret = -1;

	/* Pages of memfds met among this task's fds (memfd.c) first. */
	if (shmem_dump_flush(ctx) || scan_task_pages(pid, &scan))
		return -1;
	if (flags_later && collect_vma_layout(pid, &di->vmas))
		goto out;
	if (flags_later && vmas_unplain_files(pid, &di->vmas)) {
		free_vm_area_list(&di->vmas);
		flags_later = false;
	}
	if (!flags_later && collect_vmas(pid, &di->vmas))
		goto out;
	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	if (save_vma_files(ctx, &ms, pid, &di->vmas) ||
	    save_path_file(ctx, &ms, it->pid, link, "exe", &exe_id) || write_fs(ctx, &ms, it) ||
	    dump_pages(ctx, it, &scan, flags_later) || write_mm(ctx, it, exe_id))
		goto out;
	ret = 0;
out:
	page_scan_free(&scan);
	free(ms.seen);
	return ret;
}
