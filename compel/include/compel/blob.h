/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_BLOB_H
#define COMPEL_BLOB_H

#include <stddef.h>
#include <stdint.h>

/*
 * A parasite blob as emitted by the compel host tool: a position independent
 * image linked at address 0, plus the places that hold absolute addresses
 * and must have the load address added when the image is put in place.
 */
struct compel_reloc {
	uint64_t offset; /* where the 64-bit address lives in the image */
	uint64_t addend; /* its value relative to the load address */
};

struct compel_blob {
	const char *name;
	const unsigned char *image;
	size_t image_size; /* bytes present in @image */
	size_t mem_size; /* image plus zero-filled tail (bss) */
	const struct compel_reloc *relocs;
	size_t nr_relocs;
	unsigned long entry; /* offset of the entry point */
};

#endif
