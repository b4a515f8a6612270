/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_PAGE_XFER_H
#define CRIU_PAGE_XFER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cr_img;

/* PagemapEntry.flags: where the pages of an entry are. */
#define PE_PARENT (1U << 0)  /* in the parent images (pre-dump) */
#define PE_LAZY (1U << 1)    /* to be served on demand by lazy-pages */
#define PE_PRESENT (1U << 2) /* in this image's pages file */

/*
 * Where dumped pages go: pagemap-ID.img describes them, pages-N.img holds
 * them.  (A page server target will be another implementation of this.)
 */
struct page_xfer {
	struct cr_img *pmi;
	struct cr_img *pi;
	unsigned long nr_pages;
	unsigned long nr_entries;
	unsigned long last_end; /* entries must grow: catches caller bugs */
};

int open_page_xfer(struct page_xfer *x, int dfd, unsigned int id, unsigned int pages_id);
/*
 * An entry for @nr_pages at @vaddr; for PE_PRESENT their bytes follow, in
 * entry order, through page_xfer_data().
 */
int page_xfer_add(struct page_xfer *x, unsigned long vaddr, unsigned long nr_pages,
		  uint32_t flags);
int page_xfer_data(struct page_xfer *x, const void *buf, size_t len);
/* Both at once: describes @nr_pages at @vaddr and, for PE_PRESENT, writes @buf. */
int page_xfer_write(struct page_xfer *x, unsigned long vaddr, unsigned long nr_pages,
		    uint32_t flags, const void *buf);
int close_page_xfer(struct page_xfer *x);
/* Drop everything (error path): closes without caring about flush errors. */
void abort_page_xfer(struct page_xfer *x);

/* Reading them back at restore. */
struct page_read {
	struct cr_img *pmi;
	struct cr_img *pi;
	unsigned int id;
	unsigned long next_min; /* entries must not overlap nor go backwards */
	uint64_t pages_off;     /* bytes of page data consumed so far */
};

struct page_entry {
	unsigned long vaddr;
	unsigned long nr_pages;
	uint32_t flags;
};

int open_page_read(struct page_read *pr, int dfd, unsigned int id);
/* 1 with @pe filled, 0 at the end, -1 on a bad or truncated image. */
int page_read_next(struct page_read *pr, struct page_entry *pe);
/* The data of the PE_PRESENT entry just returned, into @dst. */
int page_read_data(struct page_read *pr, const struct page_entry *pe, void *dst);
/* Skip the data of the entry just returned. */
int page_read_skip(struct page_read *pr, const struct page_entry *pe);
void close_page_read(struct page_read *pr);

#endif
