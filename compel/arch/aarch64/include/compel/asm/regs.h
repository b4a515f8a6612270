/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_ASM_REGS_H
#define COMPEL_ASM_REGS_H

#include <stddef.h>
#include <asm/ptrace.h>

typedef struct user_pt_regs compel_gp_regs_t;

/* Everything compel saves of an arm64 thread. */
struct compel_regs {
	compel_gp_regs_t gp;
	struct user_fpsimd_state fpsimd;
	unsigned long tls; /* TPIDR_EL0 */
};

#define COMPEL_REG_IP(r) ((r).pc)
#define COMPEL_REG_SP(r) ((r).sp)

#endif
