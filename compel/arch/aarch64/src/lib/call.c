// SPDX-License-Identifier: GPL-2.0
/* How arm64 enters a system call or a function in the target, and returns. */

#include "compel-priv/arch.h"

/* svc #0; brk #0 (little endian). */
const unsigned char arch_syscall_code[8] = { 0x01, 0x00, 0x00, 0xd4, 0x00, 0x00, 0x20, 0xd4 };

/*
 * arm64 applies the -ERESTART* fix-ups before the ptrace stop, and only to
 * the pc it computed then, so a new pc is never mistaken for a restart.
 */
void arch_prep_syscall(compel_gp_regs_t *gp, unsigned long ip, long nr, const unsigned long args[6])
{
	int i;

	gp->pc = ip;
	gp->regs[8] = nr;
	for (i = 0; i < 6; i++)
		gp->regs[i] = args[i];
}

void arch_prep_call(compel_gp_regs_t *gp, unsigned long ip, unsigned long sp, unsigned long a0,
		    unsigned long a1, unsigned long a2)
{
	gp->pc = ip;
	gp->sp = sp & ~15UL;
	gp->regs[0] = a0;
	gp->regs[1] = a1;
	gp->regs[2] = a2;
}

long arch_ret_value(const compel_gp_regs_t *gp)
{
	return gp->regs[0];
}
