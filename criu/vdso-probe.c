// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of our own vDSO: sizes of [vdso] and [vvar], where they sit
 * relative to each other and where the entry points are.  Restore compares
 * a dumped task's vDSO with this to decide whether it can be reused as is.
 */

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kerndat-probe.h"
#include "vdso.h"
#include "log.h"

#undef LOG_PREFIX
#define LOG_PREFIX "vdso: "

#if defined(__x86_64__)
#include <asm/prctl.h>
const char *const vdso_sym_names[VDSO_SYM_NR] = {
	[VDSO_SYM_CLOCK_GETTIME] = "__vdso_clock_gettime",
	[VDSO_SYM_GETTIMEOFDAY] = "__vdso_gettimeofday",
	[VDSO_SYM_TIME] = "__vdso_time",
	[VDSO_SYM_GETCPU] = "__vdso_getcpu",
	[VDSO_SYM_CLOCK_GETRES] = "__vdso_clock_getres",
};
#else
const char *const vdso_sym_names[VDSO_SYM_NR] = {
	[VDSO_SYM_CLOCK_GETTIME] = "__kernel_clock_gettime",
	[VDSO_SYM_GETTIMEOFDAY] = "__kernel_gettimeofday",
	[VDSO_SYM_TIME] = "__kernel_time",
	[VDSO_SYM_GETCPU] = "__kernel_getcpu",
	[VDSO_SYM_CLOCK_GETRES] = "__kernel_clock_getres",
};
#endif

struct vdso_maps {
	unsigned long vdso_start, vdso_end;
	unsigned long vvar_start, vvar_end; /* hull of all [vvar*] areas */
};

static int read_vdso_maps(struct vdso_maps *m)
{
	char line[512], name[64];
	unsigned long start, end;
	FILE *f;

	memset(m, 0, sizeof(*m));
	f = fopen("/proc/self/maps", "re");
	if (!f) {
		pr_perror("Can't open /proc/self/maps");
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		name[0] = '\0';
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %63s", &start, &end, name) < 2)
			continue;
		if (!strcmp(name, "[vdso]")) {
			m->vdso_start = start;
			m->vdso_end = end;
		} else if (!strncmp(name, "[vvar", 5)) {
			if (!m->vvar_start || start < m->vvar_start)
				m->vvar_start = start;
			if (end > m->vvar_end)
				m->vvar_end = end;
		}
	}
	fclose(f);
	return 0;
}

/* Bounds-checked pointer into the vDSO image, NULL when [off, off + len) leaves it. */
static const void *at(const char *base, unsigned long size, uint64_t off, uint64_t len)
{
	if (off > size || len > size - off)
		return NULL;
	return base + off;
}

/*
 * Walk the dynamic symbol table.  DT_HASH gives its length; the vDSO of
 * every architecture we build for carries it.
 */
static int parse_vdso_syms(const char *base, unsigned long size, struct kerndat_vdso *v)
{
	const Elf64_Ehdr *eh = at(base, size, 0, sizeof(*eh));
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;
	uint64_t load_vaddr = UINT64_MAX, dyn_off = 0, dyn_len = 0;
	uint64_t symtab = 0, strtab = 0, hash = 0, strsz = 0;
	const uint32_t *hashtab;
	const Elf64_Sym *syms;
	unsigned int i, nsyms;
	int s;

	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64) {
		pr_warn("The vDSO is not a 64-bit ELF image\n");
		return -1;
	}
	ph = at(base, size, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(*ph));
	if (!ph)
		return -1;
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < load_vaddr)
			load_vaddr = ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC) {
			dyn_off = ph[i].p_offset;
			dyn_len = ph[i].p_filesz;
		}
	}
	if (load_vaddr == UINT64_MAX || !dyn_len)
		return -1;
	dyn = at(base, size, dyn_off, dyn_len);
	if (!dyn)
		return -1;
	for (i = 0; i < dyn_len / sizeof(*dyn) && dyn[i].d_tag != DT_NULL; i++) {
		switch (dyn[i].d_tag) {
		case DT_SYMTAB:
			symtab = dyn[i].d_un.d_ptr - load_vaddr;
			break;
		case DT_STRTAB:
			strtab = dyn[i].d_un.d_ptr - load_vaddr;
			break;
		case DT_STRSZ:
			strsz = dyn[i].d_un.d_val;
			break;
		case DT_HASH:
			hash = dyn[i].d_un.d_ptr - load_vaddr;
			break;
		}
	}
	hashtab = at(base, size, hash, 2 * sizeof(uint32_t));
	if (!symtab || !strtab || !hashtab || !at(base, size, strtab, strsz)) {
		pr_warn("The vDSO lacks a usable dynamic symbol table\n");
		return -1;
	}
	nsyms = hashtab[1];
	syms = at(base, size, symtab, (uint64_t)nsyms * sizeof(*syms));
	if (!syms)
		return -1;

	for (i = 0; i < nsyms; i++) {
		const char *name;

		if (syms[i].st_name >= strsz || ELF64_ST_TYPE(syms[i].st_info) != STT_FUNC ||
		    syms[i].st_shndx == SHN_UNDEF)
			continue;
		name = base + strtab + syms[i].st_name;
		if (strnlen(name, strsz - syms[i].st_name) == strsz - syms[i].st_name)
			continue;
		for (s = 0; s < VDSO_SYM_NR; s++)
			if (!strcmp(name, vdso_sym_names[s]))
				v->sym_off[s] = syms[i].st_value - load_vaddr;
	}
	return 0;
}

/*
 * ARCH_MAP_VDSO_64 refuses with EEXIST while a vDSO is mapped: that answer
 * proves the call exists without changing anything.
 */
static bool probe_can_map_vdso(void)
{
#if defined(__x86_64__)
	if (syscall(__NR_arch_prctl, ARCH_MAP_VDSO_64, 0UL) == 0) {
		pr_warn("ARCH_MAP_VDSO_64 mapped a second vDSO\n");
		return true;
	}
	return errno == EEXIST;
#else
	return false;
#endif
}

int kerndat_probe_vdso(struct kerndat *kd)
{
	struct kerndat_vdso *v = &kd->vdso;
	struct vdso_maps m;
	int s;

	memset(v, 0, sizeof(*v));
	if (read_vdso_maps(&m))
		return -1;
	if (!m.vdso_start) {
		pr_info("No vDSO mapped\n");
		return 0;
	}
	if (getauxval(AT_SYSINFO_EHDR) != m.vdso_start)
		pr_warn("AT_SYSINFO_EHDR does not point at [vdso]\n");

	v->present = true;
	v->vdso_size = m.vdso_end - m.vdso_start;
	if (m.vvar_start) {
		v->vvar_size = m.vvar_end - m.vvar_start;
		v->vvar_off = (int64_t)m.vvar_start - (int64_t)m.vdso_start;
	}
	if (parse_vdso_syms((const char *)m.vdso_start, v->vdso_size, v))
		pr_warn("Can't parse the vDSO symbols\n");
	v->can_map_vdso = probe_can_map_vdso();

	pr_info("vdso %#llx bytes, vvar %#llx bytes at %lld\n", (unsigned long long)v->vdso_size,
		(unsigned long long)v->vvar_size, (long long)v->vvar_off);
	for (s = 0; s < VDSO_SYM_NR; s++)
		pr_debug("  %s at +%#llx\n", vdso_sym_names[s], (unsigned long long)v->sym_off[s]);
	return 0;
}

int vdso_parse_symbols(const void *image, unsigned long size, uint64_t sym_off[VDSO_SYM_NR])
{
	struct kerndat_vdso v;
	int i;

	memset(&v, 0, sizeof(v));
	if (parse_vdso_syms(image, size, &v))
		return -1;
	for (i = 0; i < VDSO_SYM_NR; i++)
		sym_off[i] = v.sym_off[i];
	return 0;
}
