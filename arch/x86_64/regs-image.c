// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64 registers between compel's form (user_regs_struct plus the XSAVE
 * area as ptrace hands it out) and the image's (CRIU's thread_info_x86 with
 * the legacy FPU area and one field per XSAVE component).
 */

#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

#include "arch-regs.h"
#include "log.h"

/* Offsets in the legacy (FXSAVE) part of the XSAVE area. */
#define FX_CWD 0
#define FX_SWD 2
#define FX_TWD 4
#define FX_FOP 6
#define FX_RIP 8
#define FX_RDP 16
#define FX_MXCSR 24
#define FX_MXCSR_MASK 28
#define FX_ST 32
#define FX_XMM 160
#define XSAVE_HDR 512 /* xstate_bv, then xcomp_bv */
#define FX_ST_WORDS 32
#define FX_XMM_WORDS 64

/* XSAVE components kept in the image, and how many words each has there. */
enum { XC_YMM = 2, XC_BNDREGS = 3, XC_BNDCSR = 4, XC_OPMASK = 5, XC_ZMM_HI256 = 6,
       XC_HI16_ZMM = 7, XC_PKRU = 9 };

struct xcomp {
	int nr;
	size_t elem; /* bytes per word in the image field */
	size_t words;
};

static const struct xcomp xcomps[] = {
	{ XC_YMM, 4, 64 },        { XC_BNDREGS, 8, 8 },      { XC_BNDCSR, 8, 2 },
	{ XC_OPMASK, 8, 8 },      { XC_ZMM_HI256, 8, 64 },   { XC_HI16_ZMM, 8, 128 },
	{ XC_PKRU, 4, 2 },
};

/* Where component @nr lives in the standard-format XSAVE area, and its size. */
static int xcomp_place(int nr, size_t *off, size_t *size)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid_count(0xd, nr, &eax, &ebx, &ecx, &edx) || !eax)
		return -1;
	*off = ebx;
	*size = eax;
	return 0;
}

static int xcomp_supported(int nr)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx))
		return 0;
	return !!(eax & (1U << nr));
}

int arch_core_mtype(void)
{
	return CORE_ENTRY__MARCH__X86_64;
}

static void gp_to_image(UserX86RegsEntry *g, const struct user_regs_struct *r)
{
	g->r15 = r->r15;
	g->r14 = r->r14;
	g->r13 = r->r13;
	g->r12 = r->r12;
	g->bp = r->rbp;
	g->bx = r->rbx;
	g->r11 = r->r11;
	g->r10 = r->r10;
	g->r9 = r->r9;
	g->r8 = r->r8;
	g->ax = r->rax;
	g->cx = r->rcx;
	g->dx = r->rdx;
	g->si = r->rsi;
	g->di = r->rdi;
	g->orig_ax = r->orig_rax;
	g->ip = r->rip;
	g->cs = r->cs;
	g->flags = r->eflags;
	g->sp = r->rsp;
	g->ss = r->ss;
	g->fs_base = r->fs_base;
	g->gs_base = r->gs_base;
	g->ds = r->ds;
	g->es = r->es;
	g->fs = r->fs;
	g->gs = r->gs;
	g->has_mode = true;
	g->mode = USER_X86_REGS_MODE__NATIVE;
}

static void gp_from_image(struct user_regs_struct *r, const UserX86RegsEntry *g)
{
	r->r15 = g->r15;
	r->r14 = g->r14;
	r->r13 = g->r13;
	r->r12 = g->r12;
	r->rbp = g->bp;
	r->rbx = g->bx;
	r->r11 = g->r11;
	r->r10 = g->r10;
	r->r9 = g->r9;
	r->r8 = g->r8;
	r->rax = g->ax;
	r->rcx = g->cx;
	r->rdx = g->dx;
	r->rsi = g->si;
	r->rdi = g->di;
	r->orig_rax = g->orig_ax;
	r->rip = g->ip;
	r->cs = g->cs;
	r->eflags = g->flags;
	r->rsp = g->sp;
	r->ss = g->ss;
	r->fs_base = g->fs_base;
	r->gs_base = g->gs_base;
	r->ds = g->ds;
	r->es = g->es;
	r->fs = g->fs;
	r->gs = g->gs;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void *dup_words(const void *src, size_t elem, size_t n)
{
	void *p = calloc(n, elem);

	if (p)
		memcpy(p, src, elem * n);
	return p;
}

/* Point the image field of component @c at a copy of its bytes in @xs. */
static int xcomp_to_image(UserX86XsaveEntry *x, const struct xcomp *c, const uint8_t *xs,
			  size_t xs_size)
{
	size_t off, size, len = c->elem * c->words;
	void *w;

	if (!xcomp_supported(c->nr) || xcomp_place(c->nr, &off, &size))
		return 0;
	if (off + min(size, len) > xs_size || size < len)
		return 0;
	w = dup_words(xs + off, c->elem, c->words);
	if (!w)
		return -1;
	switch (c->nr) {
	case XC_YMM: x->n_ymmh_space = c->words; x->ymmh_space = w; break;
	case XC_BNDREGS: x->n_bndreg_state = c->words; x->bndreg_state = w; break;
	case XC_BNDCSR: x->n_bndcsr_state = c->words; x->bndcsr_state = w; break;
	case XC_OPMASK: x->n_opmask_reg = c->words; x->opmask_reg = w; break;
	case XC_ZMM_HI256: x->n_zmm_upper = c->words; x->zmm_upper = w; break;
	case XC_HI16_ZMM: x->n_hi16_zmm = c->words; x->hi16_zmm = w; break;
	case XC_PKRU: x->n_pkru = c->words; x->pkru = w; break;
	}
	return 0;
}

static int fpu_to_image(UserX86FpregsEntry *f, const uint8_t *xs, size_t xs_size)
{
	UserX86XsaveEntry *x;
	size_t i;

	f->cwd = rd16(xs + FX_CWD);
	f->swd = rd16(xs + FX_SWD);
	f->twd = rd16(xs + FX_TWD);
	f->fop = rd16(xs + FX_FOP);
	f->rip = rd64(xs + FX_RIP);
	f->rdp = rd64(xs + FX_RDP);
	f->mxcsr = rd32(xs + FX_MXCSR);
	f->mxcsr_mask = rd32(xs + FX_MXCSR_MASK);
	f->st_space = dup_words(xs + FX_ST, 4, FX_ST_WORDS);
	f->xmm_space = dup_words(xs + FX_XMM, 4, FX_XMM_WORDS);
	if (!f->st_space || !f->xmm_space)
		return -1;
	f->n_st_space = FX_ST_WORDS;
	f->n_xmm_space = FX_XMM_WORDS;
	if (xs_size < XSAVE_HDR + 64)
		return 0;

	x = calloc(1, sizeof(*x));
	if (!x)
		return -1;
	user_x86_xsave_entry__init(x);
	f->xsave = x;
	x->xstate_bv = rd64(xs + XSAVE_HDR);
	for (i = 0; i < ARRAY_SIZE(xcomps); i++)
		if (xcomp_to_image(x, &xcomps[i], xs, xs_size))
			return -1;
	return 0;
}

int arch_regs_to_core(CoreEntry *core, const struct compel_regs *r, uint64_t clear_tid_addr)
{
	ThreadInfoX86 *ti = calloc(1, sizeof(*ti));
	UserX86RegsEntry *g = calloc(1, sizeof(*g));
	UserX86FpregsEntry *f = calloc(1, sizeof(*f));

	core->thread_info = ti;
	if (!ti || !g || !f) {
		free(g);
		free(f);
		return -1;
	}
	thread_info_x86__init(ti);
	user_x86_regs_entry__init(g);
	user_x86_fpregs_entry__init(f);
	ti->gpregs = g;
	ti->fpregs = f;
	ti->clear_tid_addr = clear_tid_addr;
	gp_to_image(g, &r->gp);
	if (!r->xstate || r->xstate_size < XSAVE_HDR) {
		pr_err("No FPU state for a thread: can't dump it faithfully\n");
		return -1;
	}
	return fpu_to_image(f, r->xstate, r->xstate_size);
}

void arch_free_core_regs(CoreEntry *core)
{
	ThreadInfoX86 *ti = core->thread_info;
	UserX86FpregsEntry *f;

	if (!ti)
		return;
	f = ti->fpregs;
	if (f) {
		if (f->xsave) {
			free(f->xsave->ymmh_space);
			free(f->xsave->bndreg_state);
			free(f->xsave->bndcsr_state);
			free(f->xsave->opmask_reg);
			free(f->xsave->zmm_upper);
			free(f->xsave->hi16_zmm);
			free(f->xsave->pkru);
			free(f->xsave);
		}
		free(f->st_space);
		free(f->xmm_space);
		free(f);
	}
	free(ti->gpregs);
	free(ti);
	core->thread_info = NULL;
}

static void put_words(uint8_t *xs, size_t xs_size, int nr, const void *src, size_t bytes)
{
	size_t off, size;

	if (!src || !bytes || xcomp_place(nr, &off, &size))
		return;
	if (off + min(bytes, size) <= xs_size)
		memcpy(xs + off, src, min(bytes, size));
}

int arch_core_to_regs(const CoreEntry *core, const struct compel_regs *cur,
		      struct compel_regs *out)
{
	const ThreadInfoX86 *ti = core->thread_info;
	const UserX86FpregsEntry *f;
	const UserX86XsaveEntry *x;
	uint8_t *xs;

	memset(out, 0, sizeof(*out));
	if (!ti || !ti->gpregs || !ti->fpregs) {
		pr_err("The image has no x86_64 registers for this thread\n");
		return -1;
	}
	if (ti->gpregs->has_mode && ti->gpregs->mode != USER_X86_REGS_MODE__NATIVE) {
		pr_err("32-bit (compat) tasks are not supported\n");
		return -1;
	}
	gp_from_image(&out->gp, ti->gpregs);
	memcpy(out->debugreg, cur->debugreg, sizeof(out->debugreg));
	if (!cur->xstate)
		return 0;

	xs = malloc(cur->xstate_size);
	if (!xs)
		return -1;
	memcpy(xs, cur->xstate, cur->xstate_size);
	out->xstate = xs;
	out->xstate_size = cur->xstate_size;

	f = ti->fpregs;
	memcpy(xs + FX_CWD, &(uint16_t){ (uint16_t)f->cwd }, 2);
	memcpy(xs + FX_SWD, &(uint16_t){ (uint16_t)f->swd }, 2);
	memcpy(xs + FX_TWD, &(uint16_t){ (uint16_t)f->twd }, 2);
	memcpy(xs + FX_FOP, &(uint16_t){ (uint16_t)f->fop }, 2);
	memcpy(xs + FX_RIP, &f->rip, 8);
	memcpy(xs + FX_RDP, &f->rdp, 8);
	memcpy(xs + FX_MXCSR, &f->mxcsr, 4);
	memcpy(xs + FX_MXCSR_MASK, &f->mxcsr_mask, 4);
	memcpy(xs + FX_ST, f->st_space, min(f->n_st_space, (size_t)FX_ST_WORDS) * 4);
	memcpy(xs + FX_XMM, f->xmm_space, min(f->n_xmm_space, (size_t)FX_XMM_WORDS) * 4);

	x = f->xsave;
	if (!x || out->xstate_size < XSAVE_HDR + 64)
		return 0;
	/* Only components this CPU has; the kernel rejects others. */
	{
		uint64_t cur_bv = rd64(cur->xstate + XSAVE_HDR + 0), bv = x->xstate_bv;
		unsigned int eax, ebx, ecx, edx;
		uint64_t xcr0 = 3;

		if (__get_cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx))
			xcr0 = eax | ((uint64_t)edx << 32);
		(void)cur_bv;
		bv &= xcr0;
		memcpy(xs + XSAVE_HDR, &bv, 8);
	}
	put_words(xs, out->xstate_size, XC_YMM, x->ymmh_space, x->n_ymmh_space * 4);
	put_words(xs, out->xstate_size, XC_BNDREGS, x->bndreg_state, x->n_bndreg_state * 8);
	put_words(xs, out->xstate_size, XC_BNDCSR, x->bndcsr_state, x->n_bndcsr_state * 8);
	put_words(xs, out->xstate_size, XC_OPMASK, x->opmask_reg, x->n_opmask_reg * 8);
	put_words(xs, out->xstate_size, XC_ZMM_HI256, x->zmm_upper, x->n_zmm_upper * 8);
	put_words(xs, out->xstate_size, XC_HI16_ZMM, x->hi16_zmm, x->n_hi16_zmm * 8);
	put_words(xs, out->xstate_size, XC_PKRU, x->pkru, x->n_pkru * 4);
	return 0;
}

void arch_free_out_regs(struct compel_regs *out)
{
	free(out->xstate);
	out->xstate = NULL;
}
