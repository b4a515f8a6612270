/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_ASM_REGS_H
#define COMPEL_ASM_REGS_H

#include <stddef.h>
#include <sys/user.h>

typedef struct user_regs_struct compel_gp_regs_t;

/*
 * Everything compel saves of an x86_64 thread.  FS/GS bases (the TLS
 * pointers) are part of the general registers.
 */
struct compel_regs {
	compel_gp_regs_t gp;
	void *xstate; /* XSAVE layout, as PTRACE_GETREGSET(NT_X86_XSTATE) hands it out */
	size_t xstate_size;
	unsigned long debugreg[8]; /* DR0-DR7; DR4/DR5 read as 0 */
};

#define COMPEL_REG_IP(r) ((r).rip)
#define COMPEL_REG_SP(r) ((r).rsp)

#endif
