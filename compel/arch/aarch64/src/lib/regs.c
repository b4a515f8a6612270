// SPDX-License-Identifier: GPL-2.0
/* arm64 thread state through ptrace regsets: general registers, FP/SIMD, TLS. */

#include <elf.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "compel-priv/arch.h"
#include "compel-priv/log.h"

static int get_regset(pid_t tid, int type, void *buf, size_t len, const char *what)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	if (ptrace(PTRACE_GETREGSET, tid, type, &iov)) {
		pr_perror("can't read %s of %d", what, tid);
		return -1;
	}
	/* An AArch32 tracee hands out the shorter 32-bit layouts. */
	if (iov.iov_len != len) {
		pr_err("thread %d runs 32-bit (compat) code, which compel does not support\n", tid);
		return -1;
	}
	return 0;
}

static int set_regset(pid_t tid, int type, const void *buf, size_t len, const char *what)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	if (ptrace(PTRACE_SETREGSET, tid, type, &iov)) {
		pr_perror("can't set %s of %d", what, tid);
		return -1;
	}
	return 0;
}

int arch_get_gp_regs(pid_t tid, compel_gp_regs_t *gp)
{
	return get_regset(tid, NT_PRSTATUS, gp, sizeof(*gp), "registers");
}

int arch_set_gp_regs(pid_t tid, const compel_gp_regs_t *gp)
{
	return set_regset(tid, NT_PRSTATUS, gp, sizeof(*gp), "registers");
}

int arch_get_regs(pid_t tid, struct compel_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	if (arch_get_gp_regs(tid, &regs->gp))
		return -1;
	if (get_regset(tid, NT_PRFPREG, &regs->fpsimd, sizeof(regs->fpsimd), "FP/SIMD state"))
		return -1;
	return get_regset(tid, NT_ARM_TLS, &regs->tls, sizeof(regs->tls), "TLS");
}

int arch_set_regs(pid_t tid, const struct compel_regs *regs)
{
	int ret = 0;

	if (arch_set_gp_regs(tid, &regs->gp))
		ret = -1;
	if (set_regset(tid, NT_PRFPREG, &regs->fpsimd, sizeof(regs->fpsimd), "FP/SIMD state"))
		ret = -1;
	if (set_regset(tid, NT_ARM_TLS, &regs->tls, sizeof(regs->tls), "TLS"))
		ret = -1;
	return ret;
}

void arch_free_regs(struct compel_regs *regs)
{
}

int arch_copy_regs(pid_t tid, struct compel_regs *dst, const struct compel_regs *src)
{
	*dst = *src;
	return 0;
}
