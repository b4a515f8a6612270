// SPDX-License-Identifier: GPL-2.0
/* Putting a blob in place: copy, zero the tail, add the load address where needed. */

#include <string.h>

#include "compel-priv/log.h"
#include "compel-priv/parasite.h"

int blob_load(struct compel_parasite *p)
{
	const struct compel_blob *b = p->blob;
	unsigned char *img = p->local;
	size_t i;

	if (b->image_size > b->mem_size || b->mem_size > p->hdr_off) {
		pr_err("blob %s has inconsistent sizes\n", b->name);
		return -1;
	}
	memcpy(img, b->image, b->image_size);
	memset(img + b->image_size, 0, b->mem_size - b->image_size);
	for (i = 0; i < b->nr_relocs; i++) {
		uint64_t v = p->remote + b->relocs[i].addend;

		if (b->relocs[i].offset + sizeof(v) > b->mem_size) {
			pr_err("blob %s: relocation %zu out of range\n", b->name, i);
			return -1;
		}
		memcpy(img + b->relocs[i].offset, &v, sizeof(v));
	}
	return 0;
}
