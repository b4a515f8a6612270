// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a linked parasite: the loadable image, the relocations the loader
 * must apply (only "add the load address" kinds are allowed) and the
 * exported symbols (named __export_*).
 */

#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/compiler.h"
#include "hgen.h"

#define EXPORT_PREFIX "__export_"

struct elf_file {
	const char *path;
	const unsigned char *data;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
};

static int bad(const struct elf_file *f, const char *what)
{
	fprintf(stderr, "compel-host: %s: %s\n", f->path, what);
	return -1;
}

static bool in_file(const struct elf_file *f, uint64_t off, uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

static int check_header(struct elf_file *f)
{
	const Elf64_Ehdr *eh = (const void *)f->data;

	if (f->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return bad(f, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return bad(f, "only 64-bit little-endian objects are supported");
	if (eh->e_type != ET_DYN)
		return bad(f, "not a position independent (ET_DYN) object");
	if (eh->e_machine != EM_X86_64 && eh->e_machine != EM_AARCH64)
		return bad(f, "unsupported machine");
	if (!in_file(f, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)) ||
	    !in_file(f, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return bad(f, "truncated headers");
	f->eh = eh;
	f->sh = (const void *)(f->data + eh->e_shoff);
	return 0;
}

static int read_image(const struct elf_file *f, struct hgen_blob *b)
{
	const Elf64_Phdr *ph = (const void *)(f->data + f->eh->e_phoff);
	int i;

	for (i = 0; i < f->eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (!in_file(f, ph[i].p_offset, ph[i].p_filesz) || ph[i].p_filesz > ph[i].p_memsz)
			return bad(f, "bad PT_LOAD segment");
		if (ph[i].p_filesz)
			b->image_size = max(b->image_size, ph[i].p_vaddr + ph[i].p_filesz);
		b->mem_size = max(b->mem_size, ph[i].p_vaddr + ph[i].p_memsz);
	}
	if (!b->image_size || b->mem_size > (64 << 20))
		return bad(f, "no loadable image, or an absurdly large one");
	b->image = calloc(1, b->image_size);
	if (!b->image)
		return -1;
	for (i = 0; i < f->eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_filesz)
			memcpy(b->image + ph[i].p_vaddr, f->data + ph[i].p_offset, ph[i].p_filesz);
	return 0;
}

static uint32_t relative_type(const struct elf_file *f)
{
	return f->eh->e_machine == EM_X86_64 ? R_X86_64_RELATIVE : R_AARCH64_RELATIVE;
}

static int read_relocs(const struct elf_file *f, struct hgen_blob *b)
{
	const Elf64_Rela *r;
	size_t i, n;
	int s;

	for (s = 0; s < f->eh->e_shnum; s++) {
		if (f->sh[s].sh_type == SHT_REL)
			return bad(f, "REL relocations are not supported");
		if (f->sh[s].sh_type != SHT_RELA || !(f->sh[s].sh_flags & SHF_ALLOC))
			continue;
		if (!in_file(f, f->sh[s].sh_offset, f->sh[s].sh_size))
			return bad(f, "truncated relocation section");
		r = (const void *)(f->data + f->sh[s].sh_offset);
		n = f->sh[s].sh_size / sizeof(*r);
		b->relocs = realloc(b->relocs, (b->nr_relocs + n) * sizeof(*b->relocs));
		if (!b->relocs)
			return -1;
		for (i = 0; i < n; i++) {
			if (ELF64_R_TYPE(r[i].r_info) != relative_type(f))
				return bad(f, "relocation other than RELATIVE: an undefined or "
					      "preemptible symbol? build with -fvisibility=hidden");
			if (r[i].r_offset + 8 > b->mem_size)
				return bad(f, "relocation outside the image");
			b->relocs[b->nr_relocs].offset = r[i].r_offset;
			b->relocs[b->nr_relocs].addend = r[i].r_addend;
			b->nr_relocs++;
		}
	}
	return 0;
}

static int add_sym(struct hgen_blob *b, const char *name, uint64_t value)
{
	b->syms = realloc(b->syms, (b->nr_syms + 1) * sizeof(*b->syms));
	if (!b->syms)
		return -1;
	b->syms[b->nr_syms].name = strdup(name + strlen(EXPORT_PREFIX));
	b->syms[b->nr_syms].value = value;
	b->nr_syms++;
	return 0;
}

static int read_exports(const struct elf_file *f, struct hgen_blob *b)
{
	const Elf64_Shdr *symtab = NULL, *strtab;
	const Elf64_Sym *sym;
	const char *name;
	size_t i;
	int s;

	for (s = 0; s < f->eh->e_shnum; s++)
		if (f->sh[s].sh_type == SHT_SYMTAB)
			symtab = &f->sh[s];
	if (!symtab || symtab->sh_link >= f->eh->e_shnum)
		return bad(f, "no symbol table (was it stripped?)");
	strtab = &f->sh[symtab->sh_link];
	if (!in_file(f, symtab->sh_offset, symtab->sh_size) ||
	    !in_file(f, strtab->sh_offset, strtab->sh_size))
		return bad(f, "truncated symbol table");
	sym = (const void *)(f->data + symtab->sh_offset);
	for (i = 0; i < symtab->sh_size / sizeof(*sym); i++) {
		if (sym[i].st_name >= strtab->sh_size || sym[i].st_shndx == SHN_UNDEF)
			continue;
		name = (const char *)f->data + strtab->sh_offset + sym[i].st_name;
		if (strncmp(name, EXPORT_PREFIX, strlen(EXPORT_PREFIX)))
			continue;
		if (strnlen(name, strtab->sh_size - sym[i].st_name) ==
		    strtab->sh_size - sym[i].st_name)
			return bad(f, "unterminated symbol name");
		if (add_sym(b, name, sym[i].st_value))
			return -1;
	}
	return 0;
}

int hgen_read_elf(const char *path, struct hgen_blob *blob)
{
	struct elf_file f = { .path = path };
	struct stat st;
	int fd, ret = -1;

	memset(blob, 0, sizeof(*blob));
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		goto out;
	}
	f.size = st.st_size;
	f.data = mmap(NULL, f.size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f.data == MAP_FAILED) {
		perror(path);
		goto out;
	}
	ret = check_header(&f)		    ?:
		      read_image(&f, blob)  ?:
		      read_relocs(&f, blob) ?:
					      read_exports(&f, blob);
	munmap((void *)f.data, f.size);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}
