// SPDX-License-Identifier: GPL-2.0
/* How x86_64 enters a system call or a function in the target, and returns. */

#include "compel-priv/arch.h"

/* syscall; int3; then int3 padding so a stray jump traps too. */
const unsigned char arch_syscall_code[8] = { 0x0f, 0x05, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };

/*
 * orig_ax = -1 tells the kernel the new state is not inside a system call,
 * so it does not apply the -ERESTART* fix-ups of the interrupted one to it.
 */
static void not_in_syscall(compel_gp_regs_t *gp)
{
	gp->orig_rax = (unsigned long)-1;
}

void arch_prep_syscall(compel_gp_regs_t *gp, unsigned long ip, long nr, const unsigned long args[6])
{
	not_in_syscall(gp);
	gp->rip = ip;
	gp->rax = nr;
	gp->rdi = args[0];
	gp->rsi = args[1];
	gp->rdx = args[2];
	gp->r10 = args[3];
	gp->r8 = args[4];
	gp->r9 = args[5];
}

void arch_prep_call(compel_gp_regs_t *gp, unsigned long ip, unsigned long sp, unsigned long a0,
		    unsigned long a1, unsigned long a2)
{
	not_in_syscall(gp);
	gp->rip = ip;
	/* The entry stub does a call, which leaves the ABI's 16-byte alignment. */
	gp->rsp = sp & ~15UL;
	gp->rdi = a0;
	gp->rsi = a1;
	gp->rdx = a2;
	/* The direction flag must be clear on function entry. */
	gp->eflags &= ~0x400UL;
}

long arch_ret_value(const compel_gp_regs_t *gp)
{
	return gp->rax;
}
