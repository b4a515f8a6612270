/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_HOST_HGEN_H
#define COMPEL_HOST_HGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "compel/blob.h"

struct hgen_sym {
	char *name; /* without the __export_ prefix */
	uint64_t value;
};

/* A blob as read from the linked PIE object. */
struct hgen_blob {
	unsigned char *image;
	size_t image_size;
	size_t mem_size;
	struct compel_reloc *relocs;
	size_t nr_relocs;
	struct hgen_sym *syms;
	size_t nr_syms;
};

/* Read @path (an ELF64 ET_DYN linked at 0); prints the reason and returns -1 on error. */
int hgen_read_elf(const char *path, struct hgen_blob *blob);
/* Write the C header describing @blob under the name @prefix. */
int hgen_emit(FILE *out, const struct hgen_blob *blob, const char *prefix, const char *src,
	      const char *entry);

#endif
