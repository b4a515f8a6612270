/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_ARCH_REGS_H
#define CRIU_ARCH_REGS_H

#include "compel/task.h"
#include "core.pb-c.h"

/*
 * Converting a thread's registers between compel's form and the image's
 * (CoreEntry thread_info of the architecture).  Implemented in
 * arch/<arch>/regs-image.c.
 */

/* Fill core->thread_info (allocated here, freed with the core) from @r. */
int arch_regs_to_core(CoreEntry *core, const struct compel_regs *r, uint64_t clear_tid_addr);
void arch_free_core_regs(CoreEntry *core);

/*
 * Build in @out the registers the image holds for a thread.  @cur is the
 * thread's state now (a parked restored thread): it provides the extended
 * state layout of this CPU, which the image's values are written into.
 * @out->xstate is allocated; free it with arch_free_out_regs().
 */
int arch_core_to_regs(const CoreEntry *core, const struct compel_regs *cur,
		      struct compel_regs *out);
void arch_free_out_regs(struct compel_regs *out);

/* The CoreEntry machine type of this architecture. */
int arch_core_mtype(void);

#endif
