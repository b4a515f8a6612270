/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PRIV_ARCH_H
#define COMPEL_PRIV_ARCH_H

/* What the generic code needs from each architecture. */

#include <sys/types.h>
#include "compel/asm/regs.h"

/*
 * Instructions poked at the executable address to run one system call and
 * trap back: "syscall; int3" or "svc #0; brk #0", padded to 8 bytes.
 */
extern const unsigned char arch_syscall_code[8];

/* Read the full state of a stopped thread; refuses tasks compel can't handle. */
int arch_get_regs(pid_t tid, struct compel_regs *regs);
/* Put back what arch_get_regs() read. */
int arch_set_regs(pid_t tid, const struct compel_regs *regs);
void arch_free_regs(struct compel_regs *regs);
/* Copy @src over @dst, keeping @dst's buffers; -1 if @src doesn't fit them. */
int arch_copy_regs(pid_t tid, struct compel_regs *dst, const struct compel_regs *src);

int arch_get_gp_regs(pid_t tid, compel_gp_regs_t *gp);
int arch_set_gp_regs(pid_t tid, const compel_gp_regs_t *gp);

/*
 * Turn a copy of the thread's registers into a state that executes a system
 * call at @ip, or calls a function at @ip on stack @sp; both make sure the
 * kernel will not treat the new state as an interrupted system call.
 */
void arch_prep_syscall(compel_gp_regs_t *gp, unsigned long ip, long nr,
		       const unsigned long args[6]);
void arch_prep_call(compel_gp_regs_t *gp, unsigned long ip, unsigned long sp, unsigned long a0,
		    unsigned long a1, unsigned long a2);
long arch_ret_value(const compel_gp_regs_t *gp);

#endif
