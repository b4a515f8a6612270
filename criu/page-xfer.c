// SPDX-License-Identifier: GPL-2.0
/* Writing dumped pages to pagemap/pages images, and reading them back. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/page.h"
#include "image.h"
#include "log.h"
#include "page-xfer.h"
#include "pagemap.pb-c.h"

int open_page_xfer(struct page_xfer *x, int dfd, unsigned int id, unsigned int pages_id)
{
	PagemapHead h = PAGEMAP_HEAD__INIT;

	memset(x, 0, sizeof(*x));
	x->pmi = open_image_at(dfd, CR_FD_PAGEMAP, O_DUMP, id);
	if (!x->pmi)
		return -1;
	x->pi = open_image_at(dfd, CR_FD_PAGES, O_DUMP, pages_id);
	if (!x->pi) {
		close_image(x->pmi);
		x->pmi = NULL;
		return -1;
	}
	h.pages_id = pages_id;
	if (pb_write_one(x->pmi, &h, PB_PAGEMAP_HEAD)) {
		abort_page_xfer(x);
		return -1;
	}
	return 0;
}

int page_xfer_add(struct page_xfer *x, unsigned long vaddr, unsigned long nr_pages,
		  uint32_t flags)
{
	PagemapEntry pe = PAGEMAP_ENTRY__INIT;

	if (vaddr & ~PAGE_MASK || !nr_pages || vaddr < x->last_end || nr_pages > UINT32_MAX) {
		pr_err("Bad page run %lx+%lu after %lx for %s\n", vaddr, nr_pages, x->last_end,
		       img_path(x->pmi));
		return -1;
	}
	pe.vaddr = vaddr;
	pe.nr_pages = (uint32_t)nr_pages;
	pe.has_flags = true;
	pe.flags = flags;
	if (pb_write_one(x->pmi, &pe, PB_PAGEMAP))
		return -1;
	x->last_end = vaddr + nr_pages * PAGE_SIZE;
	x->nr_entries++;
	if (flags & PE_PRESENT)
		x->nr_pages += nr_pages;
	return 0;
}

int page_xfer_data(struct page_xfer *x, const void *buf, size_t len)
{
	return img_write_raw(x->pi, buf, len);
}

int page_xfer_write(struct page_xfer *x, unsigned long vaddr, unsigned long nr_pages,
		    uint32_t flags, const void *buf)
{
	if (page_xfer_add(x, vaddr, nr_pages, flags))
		return -1;
	if (flags & PE_PRESENT)
		return page_xfer_data(x, buf, nr_pages * PAGE_SIZE);
	return 0;
}

int close_page_xfer(struct page_xfer *x)
{
	int ret = 0;

	if (x->pmi && close_image(x->pmi))
		ret = -1;
	if (x->pi && close_image(x->pi))
		ret = -1;
	x->pmi = x->pi = NULL;
	return ret;
}

void abort_page_xfer(struct page_xfer *x)
{
	close_page_xfer(x);
}

int open_page_read(struct page_read *pr, int dfd, unsigned int id)
{
	PagemapHead *h;

	memset(pr, 0, sizeof(*pr));
	pr->id = id;
	pr->pmi = open_image_at(dfd, CR_FD_PAGEMAP, O_RSTR, id);
	if (!pr->pmi)
		return -1;
	if (pb_read_one(pr->pmi, (void **)&h, PB_PAGEMAP_HEAD) < 0) {
		close_page_read(pr);
		return -1;
	}
	pr->pi = open_image_at(dfd, CR_FD_PAGES, O_RSTR, h->pages_id);
	pb_free(h);
	if (!pr->pi) {
		close_page_read(pr);
		return -1;
	}
	return 0;
}

int page_read_next(struct page_read *pr, struct page_entry *pe)
{
	PagemapEntry *e;
	off_t off = img_offset(pr->pmi);
	int ret;

	ret = pb_read_one_eof(pr->pmi, (void **)&e, PB_PAGEMAP);
	if (ret <= 0)
		return ret;
	pe->vaddr = e->vaddr;
	pe->nr_pages = e->nr_pages;
	pe->flags = e->has_flags ? e->flags : PE_PRESENT;
	if (e->has_in_parent && e->in_parent)
		pe->flags = PE_PARENT;
	pb_free(e);

	if (pe->vaddr & ~PAGE_MASK || !pe->nr_pages || pe->vaddr < pr->next_min ||
	    pe->vaddr + pe->nr_pages * PAGE_SIZE < pe->vaddr) {
		pr_err("%s: bad pagemap entry at offset %lld: %lx+%lu pages (next allowed %lx)\n",
		       img_path(pr->pmi), (long long)off, pe->vaddr, pe->nr_pages, pr->next_min);
		return -1;
	}
	pr->next_min = pe->vaddr + pe->nr_pages * PAGE_SIZE;
	return 1;
}

/* Populated ahead of each read in steps this big: the zeroed pages are still in cache. */
#define POPULATE_STEP (4UL << 20)

/*
 * @dst is usually fresh memory: one page fault per 4 KiB costs more than
 * populating the range in one call (MADV_POPULATE_WRITE, Linux 5.14), about
 * a fifth of a restore of large memory.  Where that fails the read faults.
 */
int page_read_data(struct page_read *pr, const struct page_entry *pe, void *dst)
{
	size_t len = pe->nr_pages * PAGE_SIZE, off, n;
	char *p = dst;

	if (!(pe->flags & PE_PRESENT))
		return 0;
	for (off = 0; off < len; off += n) {
		n = min(len - off, POPULATE_STEP);
		if (n > PAGE_SIZE && !((uintptr_t)(p + off) & ~PAGE_MASK))
			madvise(p + off, n, MADV_POPULATE_WRITE);
		if (img_read_raw_exact(pr->pi, p + off, n))
			return -1;
	}
	pr->pages_off += len;
	return 0;
}

int page_read_skip(struct page_read *pr, const struct page_entry *pe)
{
	size_t len = pe->nr_pages * PAGE_SIZE;

	if (!(pe->flags & PE_PRESENT))
		return 0;
	if (img_skip_raw(pr->pi, len))
		return -1;
	pr->pages_off += len;
	return 0;
}

void close_page_read(struct page_read *pr)
{
	if (pr->pmi)
		close_image(pr->pmi);
	if (pr->pi)
		close_image(pr->pi);
	pr->pmi = pr->pi = NULL;
}
