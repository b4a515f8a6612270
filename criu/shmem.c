// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory objects behind mappings: shared anonymous memory and
 * memfds.  Dump saves each object once by inode; restore makes one object
 * per inode and every task that mapped it maps that same object again.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/page.h"
#include "dump.h"
#include "files.h"
#include "futex.h"
#include "image.h"
#include "log.h"
#include "memfd.h"
#include "memfd.pb-c.h"
#include "pagemap.pb-c.h"
#include "page-xfer.h"
#include "restore.h"
#include "shmem.h"

#undef LOG_PREFIX
#define LOG_PREFIX "shmem: "

#define MEMFD_PREFIX "/memfd:"
#define COPY_CHUNK (1UL << 20)
#define WAIT_TIMEOUT_S 60

/* ---------------------------------------------------------------- dump */

/*
 * Objects of this dump, by inode.  An object met through an fd (memfd.c)
 * has its pages saved later, by the next dump_task_mm() (page images are
 * numbered from the dump context, which the files layer does not see):
 * until then @fd holds it.  Keyed by the files context because both paths
 * have it; dump.h is shared, so this lives here.
 */
struct dumped_obj {
	uint64_t ino;
	int fd; /* -1 once its pages are saved */
};

static struct {
	const struct files_dump_ctx *owner;
	struct dumped_obj *objs;
	size_t nr;
} dumped;

static struct dumped_obj *dumped_find(const struct files_dump_ctx *fctx, uint64_t ino)
{
	size_t i;

	if (dumped.owner != fctx) {
		for (i = 0; i < dumped.nr; i++)
			if (dumped.objs[i].fd >= 0)
				close(dumped.objs[i].fd);
		free(dumped.objs);
		dumped.objs = NULL;
		dumped.nr = 0;
		dumped.owner = fctx;
	}
	for (i = 0; i < dumped.nr; i++)
		if (dumped.objs[i].ino == ino)
			return &dumped.objs[i];
	return NULL;
}

/* Takes @fd over (closed once the pages are saved). */
static int dumped_add(uint64_t ino, int fd)
{
	struct dumped_obj *n = realloc(dumped.objs, (dumped.nr + 1) * sizeof(*n));

	if (!n) {
		pr_err("Out of memory\n");
		close(fd);
		return -1;
	}
	dumped.objs = n;
	dumped.objs[dumped.nr].ino = ino;
	dumped.objs[dumped.nr].fd = fd;
	dumped.nr++;
	return 0;
}

/* One run of present pages [off, end) of the object, entry then data. */
static int dump_run(int fd, uint64_t off, uint64_t end, struct cr_img *pmi, struct cr_img *pi,
		    char *buf)
{
	PagemapEntry pe = PAGEMAP_ENTRY__INIT;

	pe.vaddr = off;
	pe.nr_pages = (uint32_t)((end - off) / PAGE_SIZE);
	pe.has_flags = true;
	pe.flags = PE_PRESENT;
	if (pb_write_one(pmi, &pe, PB_PAGEMAP))
		return -1;
	while (off < end) {
		size_t len = min(end - off, (uint64_t)COPY_CHUNK);
		ssize_t got = pread(fd, buf, len, (off_t)off);

		if (got < 0) {
			pr_perror("Can't read the object at %#llx", (unsigned long long)off);
			return -1;
		}
		/* The last page may pass the end of the file: it reads as zeroes. */
		memset(buf + got, 0, len - (size_t)got);
		if (img_write_raw(pi, buf, len))
			return -1;
		off += len;
	}
	return 0;
}

/*
 * Which pages exist is what SEEK_DATA/SEEK_HOLE tell on the object itself:
 * for shmem they see pages in memory and in swap, written through any
 * mapping of any task, and never-touched holes stay holes.
 */
static int dump_present_pages(int fd, uint64_t size, struct cr_img *pmi, struct cr_img *pi,
			      unsigned long *nr_pages)
{
	uint64_t limit = PAGE_ALIGN(size), off = 0;
	char *buf;
	int ret = 0;

	buf = mmap(NULL, COPY_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		pr_perror("Can't allocate a copy buffer");
		return -1;
	}
	while (off < limit) {
		off_t data = lseek(fd, (off_t)off, SEEK_DATA), hole;

		if (data < 0) {
			if (errno != ENXIO) {
				pr_perror("SEEK_DATA failed at %#llx", (unsigned long long)off);
				ret = -1;
			}
			break;
		}
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0) {
			pr_perror("SEEK_HOLE failed at %#llx", (unsigned long long)data);
			ret = -1;
			break;
		}
		data &= ~(off_t)(PAGE_SIZE - 1);
		hole = (off_t)min((uint64_t)PAGE_ALIGN((uint64_t)hole), limit);
		if ((uint64_t)data >= limit)
			break;
		if (dump_run(fd, (uint64_t)data, (uint64_t)hole, pmi, pi, buf)) {
			ret = -1;
			break;
		}
		*nr_pages += ((uint64_t)hole - (uint64_t)data) / PAGE_SIZE;
		off = (uint64_t)hole;
	}
	munmap(buf, COPY_CHUNK);
	return ret;
}

static int dump_shmem_pages(struct dump_ctx *ctx, int fd, uint32_t shmid, uint64_t size)
{
	PagemapHead h = PAGEMAP_HEAD__INIT;
	unsigned long nr = 0;
	struct cr_img *pmi, *pi = NULL;
	int ret = -1;

	pmi = open_image_at(ctx->dfd, CR_FD_SHMEM_PAGEMAP, O_DUMP, shmid);
	if (!pmi)
		return -1;
	h.pages_id = ctx->next_pages_id++;
	pi = open_image_at(ctx->dfd, CR_FD_PAGES, O_DUMP, h.pages_id);
	if (pi && !pb_write_one(pmi, &h, PB_PAGEMAP_HEAD) &&
	    !dump_present_pages(fd, size, pmi, pi, &nr))
		ret = 0;
	if (close_image(pmi) || (pi && close_image(pi)))
		ret = -1;
	ctx->pages_scanned += PAGE_ALIGN(size) / PAGE_SIZE;
	ctx->pages_written += nr;
	pr_info("Object %u: %lu pages of %llu bytes saved\n", shmid, nr,
		(unsigned long long)size);
	return ret;
}

static int dump_memfd_inode(struct files_dump_ctx *fctx, const char *name, int fd,
			    const struct stat *st)
{
	MemfdInodeEntry mie = MEMFD_INODE_ENTRY__INIT;
	struct cr_img *img;
	int seals;

	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0) {
		pr_perror("Can't read the seals of memfd %s", name);
		return -1;
	}
	mie.name = (char *)name;
	mie.uid = st->st_uid;
	mie.gid = st->st_gid;
	mie.size = (uint64_t)st->st_size;
	mie.shmid = (uint32_t)st->st_ino;
	mie.inode_id = st->st_ino;
	mie.seals = (uint32_t)seals;
	mie.has_mode = true;
	mie.mode = st->st_mode & 07777;
	img = files_dump_img(fctx, CR_FD_MEMFD_INODE);
	return img ? pb_write_one(img, &mie, PB_MEMFD_INODE) : -1;
}

/* "/memfd:NAME" or "/memfd:NAME (deleted)" -> NAME, in @buf. */
static const char *memfd_name(const char *path, char *buf, size_t len)
{
	static const char deleted[] = " (deleted)";
	size_t n;

	if (!path || strncmp(path, MEMFD_PREFIX, strlen(MEMFD_PREFIX)))
		return NULL;
	snprintf(buf, len, "%s", path + strlen(MEMFD_PREFIX));
	n = strlen(buf);
	if (n >= strlen(deleted) && !strcmp(buf + n - strlen(deleted), deleted))
		buf[n - strlen(deleted)] = '\0';
	return buf;
}

/*
 * A new object: memfd.img gets its inode now, the pages follow with the
 * next shmem_dump_flush().  Takes @fd over.
 */
static int dump_new_object(struct files_dump_ctx *fctx, const char *path, bool memfd, int fd,
			   const struct stat *st)
{
	char buf[PATH_MAX];
	const char *name = memfd ? memfd_name(path, buf, sizeof(buf)) : NULL;

	if (st->st_ino > UINT32_MAX) {
		pr_err("%s: inode %llu does not fit a shmid\n", path ? path : "shared memory",
		       (unsigned long long)st->st_ino);
		goto err;
	}
	if (memfd && !name) {
		pr_err("%s is no memfd\n", path ? path : "(anonymous)");
		goto err;
	}
	if (memfd && dump_memfd_inode(fctx, name, fd, st))
		goto err;
	return dumped_add(st->st_ino, fd);
err:
	close(fd);
	return -1;
}

int shmem_dump_flush(struct dump_ctx *ctx)
{
	struct stat st;
	size_t i;

	dumped_find(ctx->files, 0); /* forget a previous dump's objects */
	for (i = 0; i < dumped.nr; i++) {
		struct dumped_obj *o = &dumped.objs[i];
		int ret;

		if (o->fd < 0)
			continue;
		if (fstat(o->fd, &st)) {
			pr_perror("Can't stat shared memory object %llu",
				  (unsigned long long)o->ino);
			return -1;
		}
		ret = dump_shmem_pages(ctx, o->fd, (uint32_t)o->ino, (uint64_t)st.st_size);
		close(o->fd);
		o->fd = -1;
		if (ret)
			return -1;
	}
	return 0;
}

int shmem_dump_memfd_fd(struct files_dump_ctx *fctx, int lfd, const char *link,
			const struct stat *st)
{
	char path[64];
	int fd;

	if (dumped_find(fctx, st->st_ino))
		return 0;
	/*
	 * A description of our own: @lfd shares the task's, whose offset
	 * SEEK_DATA/SEEK_HOLE would move (the task may keep running).
	 */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", lfd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't reopen memfd %s", link);
		return -1;
	}
	return dump_new_object(fctx, link, true, fd, st);
}

int shmem_dump_vma(struct dump_ctx *ctx, pid_t pid, struct vma_area *v)
{
	char link[128];
	struct stat st;
	int fd;

	snprintf(link, sizeof(link), "/proc/%d/map_files/%lx-%lx", pid,
		 (unsigned long)v->e.start, (unsigned long)v->e.end);
	fd = open(link, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't open %s (shared memory of task %d)", link, pid);
		return -1;
	}
	if (fstat(fd, &st)) {
		pr_perror("Can't stat %s", link);
		close(fd);
		return -1;
	}
	v->e.shmid = st.st_ino;
	if (dumped_find(ctx->files, st.st_ino)) {
		close(fd);
		return 0;
	}
	if (dump_new_object(ctx->files, v->path, v->e.status & VMA_AREA_MEMFD, fd, &st))
		return -1;
	return shmem_dump_flush(ctx);
}

/* ---------------------------------------------------------------- restore */

/*
 * Per-object state shared by all restoring tasks, in the sync page after
 * struct rst_sync (the page is zeroed and shared since before the fork).
 */
struct shmem_slot {
	uint32_t ready;  /* futex word: the creator published @fd */
	int32_t fd;      /* the creator's fd of the object */
	uint32_t opened; /* futex word: other users that opened it */
	uint32_t pad;
};

#define SLOTS_OFF ((sizeof(struct rst_sync) + 63) & ~(size_t)63)
#define NR_SLOTS ((PAGE_SIZE - SLOTS_OFF) / sizeof(struct shmem_slot))
_Static_assert(SLOTS_OFF + 64 * sizeof(struct shmem_slot) <= 4096,
	       "struct rst_sync leaves too little of the sync page for shared memory");

struct shmem_obj {
	uint64_t shmid;
	/*
	 * The task that makes it: the one that opens the memfd's fds, if
	 * any (memfd.c, before any mapping is restored), else the first
	 * task in tree order that maps it.
	 */
	pid_t creator;
	pid_t fd_owner;  /* 0: no task has an fd on it */
	pid_t last_user; /* for counting users once each */
	uint32_t users;  /* tasks that map it */
	uint64_t size;   /* anon: the furthest byte any mapping reaches */
	bool memfd;
	bool mine;         /* this task maps it */
	bool creator_maps; /* the creator is one of the users */
	int fd;            /* in this task, -1 if none */
};

struct shmem_task {
	struct shmem_obj *objs;
	size_t nr;
	pid_t self;
	struct shmem_slot *slots;
};

static struct shmem_obj *obj_get(struct shmem_task *st, const VmaEntry *e, pid_t pid)
{
	struct shmem_obj *o;
	size_t i;

	for (i = 0; i < st->nr; i++)
		if (st->objs[i].shmid == e->shmid)
			return &st->objs[i];
	o = realloc(st->objs, (st->nr + 1) * sizeof(*o));
	if (!o) {
		pr_err("Out of memory\n");
		return NULL;
	}
	st->objs = o;
	o = &st->objs[st->nr++];
	memset(o, 0, sizeof(*o));
	o->shmid = e->shmid;
	o->creator = pid;
	o->memfd = e->status & VMA_AREA_MEMFD;
	o->fd = -1;
	return o;
}

static bool task_maps(struct restore_ctx *ctx, pid_t pid, uint64_t shmid)
{
	unsigned int i;
	size_t j;

	for (i = 0; i < ctx->tree.nr_items; i++) {
		const MmEntry *mm = rst_item(ctx->tree.items[i])->mm;

		if (ctx->tree.items[i]->pid != pid || !mm)
			continue;
		for (j = 0; j < mm->n_vmas; j++)
			if ((mm->vmas[j]->status & VMA_AREA_REGULAR) &&
			    vma_entry_is_shmem(mm->vmas[j]) && mm->vmas[j]->shmid == shmid)
				return true;
	}
	return false;
}

/* The same table in every task: from every task's mm, in tree order. */
static int build_table(struct restore_ctx *ctx, struct shmem_task *st)
{
	unsigned int i;
	size_t j;

	for (i = 0; i < ctx->tree.nr_items; i++) {
		struct pstree_item *it = ctx->tree.items[i];
		const MmEntry *mm = rst_item(it)->mm;

		if (it->state == TASK_STATE_DEAD || !mm)
			continue;
		for (j = 0; j < mm->n_vmas; j++) {
			const VmaEntry *e = mm->vmas[j];
			struct shmem_obj *o;

			if (!(e->status & VMA_AREA_REGULAR) || !vma_entry_is_shmem(e))
				continue;
			o = obj_get(st, e, it->pid);
			if (!o)
				return -1;
			if (o->last_user != it->pid) {
				o->last_user = it->pid;
				o->users++;
			}
			o->size = max(o->size, e->pgoff + (e->end - e->start));
			o->mine |= it->pid == st->self;
		}
	}
	for (j = 0; j < st->nr; j++) {
		struct shmem_obj *o = &st->objs[j];

		o->fd_owner = o->memfd ? memfd_rst_owner(ctx->files, o->shmid) : 0;
		/* build order: the first user is the first mapper */
		o->creator_maps = !o->fd_owner || task_maps(ctx, o->fd_owner, o->shmid);
		if (o->fd_owner)
			o->creator = o->fd_owner;
	}
	if (st->nr > NR_SLOTS) {
		pr_err("%zu shared memory objects, at most %zu supported\n", st->nr,
		       (size_t)NR_SLOTS);
		return -1;
	}
	return 0;
}

static void publish(uint32_t *word, uint32_t val)
{
	__atomic_store_n(word, val, __ATOMIC_RELEASE);
	futex_wake(word, INT32_MAX);
}

/* Waits for *word >= @want, giving up when another task failed. */
static int wait_word(struct restore_ctx *ctx, uint32_t *word, uint32_t want, const char *what,
		     uint64_t shmid)
{
	time_t deadline = time(NULL) + WAIT_TIMEOUT_S;
	uint32_t v;

	while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) < want) {
		if (__atomic_load_n(&ctx->sync->error, __ATOMIC_SEQ_CST))
			return -1;
		if (time(NULL) > deadline) {
			pr_err("Timed out waiting for %s of object %llu\n", what,
			       (unsigned long long)shmid);
			return -1;
		}
		futex_wait(word, v, &(struct timespec){ 0, 100000000 });
	}
	return 0;
}

/* Object data: pagemap-shmem-<shmid>.img, offsets in the object as addresses. */
static int fill_object(int dfd, int fd, uint64_t shmid, uint64_t size)
{
	struct page_read pr = { 0 };
	struct page_entry pe;
	PagemapHead *h;
	char *buf;
	int ret = -1;

	pr.pmi = open_image_at(dfd, CR_FD_SHMEM_PAGEMAP, O_RSTR, (uint32_t)shmid);
	if (!pr.pmi)
		return -1;
	if (pb_read_one(pr.pmi, (void **)&h, PB_PAGEMAP_HEAD) < 0) {
		close_page_read(&pr);
		return -1;
	}
	pr.pi = open_image_at(dfd, CR_FD_PAGES, O_RSTR, h->pages_id);
	pb_free(h);
	buf = mmap(NULL, COPY_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!pr.pi || buf == MAP_FAILED)
		goto out;
	while ((ret = page_read_next(&pr, &pe)) == 1) {
		uint64_t off = pe.vaddr, end = pe.vaddr + pe.nr_pages * PAGE_SIZE;

		ret = -1;
		if (pe.flags != PE_PRESENT) {
			pr_err("Object %llu: pages %#llx-%#llx have flags %#x: not supported\n",
			       (unsigned long long)shmid, (unsigned long long)off,
			       (unsigned long long)end, pe.flags);
			break;
		}
		for (; off < end; off += COPY_CHUNK) {
			size_t len = min(end - off, (uint64_t)COPY_CHUNK);
			/*
			 * Only what lies inside the object: a partial last page,
			 * or pages no mapping reaches any more (anon).
			 */
			size_t put = off < size ? min((uint64_t)len, size - off) : 0;

			if (img_read_raw_exact(pr.pi, buf, len))
				goto out;
			if (put && pwrite(fd, buf, put, (off_t)off) != (ssize_t)put) {
				pr_perror("Can't fill object %llu at %#llx",
					  (unsigned long long)shmid, (unsigned long long)off);
				goto out;
			}
		}
		ret = 0;
	}
out:
	if (buf != MAP_FAILED)
		munmap(buf, COPY_CHUNK);
	close_page_read(&pr);
	return ret;
}

/*
 * The kernel names shared anonymous memory "/dev/zero (deleted)" only when
 * it is made by mmap(): make it so, and keep a file of it from map_files.
 */
static int create_anon(uint64_t size)
{
	char path[80];
	void *p;
	int fd;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		pr_perror("Can't create %llu bytes of shared memory", (unsigned long long)size);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)p,
		 (unsigned long)p + (unsigned long)PAGE_ALIGN(size));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		pr_perror("Can't open %s", path);
	munmap(p, size);
	return fd;
}

static MemfdInodeEntry *read_memfd_inode(int dfd, uint64_t shmid)
{
	struct cr_img *img = open_image_at(dfd, CR_FD_MEMFD_INODE, O_RSTR);
	MemfdInodeEntry *mie = NULL;

	while (img && pb_read_one_eof(img, (void **)&mie, PB_MEMFD_INODE) == 1) {
		if (mie->inode_id == shmid)
			break;
		pb_free(mie);
		mie = NULL;
	}
	if (img)
		close_image(img);
	if (!mie)
		pr_err("memfd.img has no memfd %llu\n", (unsigned long long)shmid);
	return mie;
}

int shmem_rst_create_memfd(int dfd, uint64_t shmid)
{
	MemfdInodeEntry *mie = read_memfd_inode(dfd, shmid);
	int fd;

	if (!mie)
		return -1;
	fd = memfd_create(mie->name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		pr_perror("Can't create memfd %s", mie->name);
		goto err;
	}
	if (ftruncate(fd, (off_t)mie->size) || fchown(fd, mie->uid, mie->gid) ||
	    (mie->has_mode && fchmod(fd, mie->mode))) {
		pr_perror("Can't set the size or owner of memfd %s", mie->name);
		goto err;
	}
	if (fill_object(dfd, fd, shmid, mie->size))
		goto err;
	/* Last: F_SEAL_WRITE and such would stop the filling above. */
	if (mie->seals && fcntl(fd, F_ADD_SEALS, mie->seals)) {
		pr_perror("Can't seal memfd %s with %#x", mie->name, mie->seals);
		goto err;
	}
	pb_free(mie);
	return fd;
err:
	if (fd >= 0)
		close(fd);
	pb_free(mie);
	return -1;
}

static int create_object(struct restore_ctx *ctx, const struct shmem_obj *o)
{
	int fd;

	if (o->memfd && o->creator == o->fd_owner)
		return memfd_rst_take(ctx->files, o->shmid);
	if (o->memfd)
		return shmem_rst_create_memfd(ctx->dfd, o->shmid);
	fd = create_anon(o->size);
	if (fd >= 0 && fill_object(ctx->dfd, fd, o->shmid, o->size)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * The creator's fd, taken with pidfd_getfd(): pids are the tree's own, as
 * every task sees them, whatever /proc is mounted; /proc/PID/fd/N where
 * the kernel lacks pidfds.  Read-write, as the creator opened it.
 */
static int take_creator_fd(pid_t creator, int cfd)
{
	char path[64];
	int pidfd, fd;

	pidfd = syscall(SYS_pidfd_open, creator, 0);
	if (pidfd >= 0) {
		fd = syscall(SYS_pidfd_getfd, pidfd, cfd, 0);
		close(pidfd);
		if (fd >= 0 || errno != ENOSYS)
			return fd;
	} else if (errno != ENOSYS) {
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", creator, cfd);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* Another user's copy of the object, once its creator made it. */
static int open_published(struct restore_ctx *ctx, struct shmem_task *st, size_t k)
{
	struct shmem_obj *o = &st->objs[k];
	struct shmem_slot *s = &st->slots[k];
	int fd;

	if (wait_word(ctx, &s->ready, 1, "the creation", o->shmid))
		return -1;
	fd = take_creator_fd(o->creator, s->fd);
	if (fd < 0) {
		pr_perror("Can't take object %llu (fd %d of task %d)",
			  (unsigned long long)o->shmid, s->fd, o->creator);
		return -1;
	}
	__atomic_add_fetch(&s->opened, 1, __ATOMIC_SEQ_CST);
	futex_wake(&s->opened, INT32_MAX);
	return fd;
}

/* Puts @fd at the next number of criu's range and has the restorer close it. */
static int keep_fd(struct task_restore_args *args, int fd, int *next_fd)
{
	int nfd;

	if (fd < 0)
		return -1;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, (*next_fd)++);
	close(fd);
	if (nfd < 0) {
		pr_perror("Can't move a shared memory fd");
		return -1;
	}
	if (args->nr_close_fds >= ARRAY_SIZE(args->close_fds)) {
		pr_err("Too many files behind mappings\n");
		close(nfd);
		return -1;
	}
	args->close_fds[args->nr_close_fds++] = nfd;
	return nfd;
}

int shmem_rst_begin(struct restore_ctx *ctx, pid_t pid, struct task_restore_args *args,
		    int *next_fd, struct shmem_task **out)
{
	struct shmem_task *st = calloc(1, sizeof(*st));
	size_t k;

	*out = st;
	if (!st)
		return -1;
	st->self = pid;
	st->slots = (struct shmem_slot *)((char *)ctx->sync + SLOTS_OFF);
	if (build_table(ctx, st))
		return -1;
	/* Create everything first, wait for others' objects after: no cycle. */
	for (k = 0; k < st->nr; k++) {
		struct shmem_obj *o = &st->objs[k];

		if (o->creator != pid)
			continue;
		o->fd = keep_fd(args, create_object(ctx, o), next_fd);
		if (o->fd < 0)
			return -1;
		st->slots[k].fd = o->fd;
		publish(&st->slots[k].ready, 1);
		pr_info("Object %llu: made here for %u mapping task(s)\n",
			(unsigned long long)o->shmid, o->users);
	}
	for (k = 0; k < st->nr; k++) {
		struct shmem_obj *o = &st->objs[k];

		if (!o->mine || o->creator == pid)
			continue;
		o->fd = keep_fd(args, open_published(ctx, st, k), next_fd);
		if (o->fd < 0)
			return -1;
		pr_info("Object %llu: opened from task %d\n", (unsigned long long)o->shmid,
			o->creator);
	}
	return 0;
}

int shmem_rst_fd(struct shmem_task *st, uint64_t shmid)
{
	size_t k;

	for (k = 0; k < st->nr; k++)
		if (st->objs[k].shmid == shmid && st->objs[k].fd >= 0)
			return st->objs[k].fd;
	pr_err("Task %d has no shared memory object %llu\n", st->self,
	       (unsigned long long)shmid);
	return -1;
}

void shmem_rst_free(struct shmem_task *st)
{
	if (st)
		free(st->objs);
	free(st);
}

int shmem_rst_end(struct restore_ctx *ctx, struct shmem_task *st)
{
	int ret = 0;
	size_t k;

	for (k = 0; st && k < st->nr && !ret; k++) {
		struct shmem_obj *o = &st->objs[k];

		if (o->creator == st->self)
			ret = wait_word(ctx, &st->slots[k].opened, o->users - o->creator_maps,
					"the users", o->shmid);
	}
	shmem_rst_free(st);
	return ret;
}
