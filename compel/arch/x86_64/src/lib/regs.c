// SPDX-License-Identifier: GPL-2.0
/* x86_64 thread state through ptrace: general registers, xstate, debug registers. */

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "compel-priv/arch.h"
#include "compel-priv/log.h"

/* Larger than any XSAVE area today (AVX-512 plus AMX tiles is about 11 KiB). */
#define XSTATE_PROBE_SIZE (64 * 1024)

/* 64-bit code runs with this code segment selector under Linux. */
#define USER_CS_64 0x33

int arch_get_gp_regs(pid_t tid, compel_gp_regs_t *gp)
{
	struct iovec iov = { .iov_base = gp, .iov_len = sizeof(*gp) };

	if (ptrace(PTRACE_GETREGSET, tid, NT_PRSTATUS, &iov)) {
		pr_perror("can't read registers of %d", tid);
		return -1;
	}
	/* A 32-bit tracee hands out the shorter i386 register layout. */
	if (iov.iov_len != sizeof(*gp) || gp->cs != USER_CS_64) {
		pr_err("thread %d runs 32-bit (compat) code, which compel does not support\n", tid);
		return -1;
	}
	return 0;
}

int arch_set_gp_regs(pid_t tid, const compel_gp_regs_t *gp)
{
	struct iovec iov = { .iov_base = (void *)gp, .iov_len = sizeof(*gp) };

	if (ptrace(PTRACE_SETREGSET, tid, NT_PRSTATUS, &iov)) {
		pr_perror("can't set registers of %d", tid);
		return -1;
	}
	return 0;
}

/*
 * The XSAVE area size is fixed for the machine, so probe it once with a
 * large buffer and allocate exactly that much afterwards.
 */
static size_t xstate_size(pid_t tid)
{
	static size_t size;
	struct iovec iov;
	void *buf;

	if (size)
		return size;
	buf = malloc(XSTATE_PROBE_SIZE);
	if (!buf)
		return 0;
	iov.iov_base = buf;
	iov.iov_len = XSTATE_PROBE_SIZE;
	if (!ptrace(PTRACE_GETREGSET, tid, NT_X86_XSTATE, &iov))
		size = iov.iov_len;
	else
		pr_perror("can't read xstate of %d", tid);
	free(buf);
	return size;
}

static int get_xstate(pid_t tid, struct compel_regs *regs)
{
	struct iovec iov;

	iov.iov_len = xstate_size(tid);
	if (!iov.iov_len)
		return -1;
	iov.iov_base = malloc(iov.iov_len);
	if (!iov.iov_base)
		return -1;
	if (ptrace(PTRACE_GETREGSET, tid, NT_X86_XSTATE, &iov)) {
		pr_perror("can't read xstate of %d", tid);
		free(iov.iov_base);
		return -1;
	}
	regs->xstate = iov.iov_base;
	regs->xstate_size = iov.iov_len;
	return 0;
}

static void get_debugregs(pid_t tid, struct compel_regs *regs)
{
	size_t off = offsetof(struct user, u_debugreg);
	int i;

	for (i = 0; i < 8; i++) {
		errno = 0;
		regs->debugreg[i] = ptrace(PTRACE_PEEKUSER, tid, off + i * sizeof(long), NULL);
		if (errno)
			regs->debugreg[i] = 0;
	}
}

int arch_get_regs(pid_t tid, struct compel_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	if (arch_get_gp_regs(tid, &regs->gp))
		return -1;
	if (get_xstate(tid, regs))
		return -1;
	get_debugregs(tid, regs);
	return 0;
}

int arch_set_regs(pid_t tid, const struct compel_regs *regs)
{
	struct iovec iov = { .iov_base = regs->xstate, .iov_len = regs->xstate_size };
	int ret = 0;

	if (arch_set_gp_regs(tid, &regs->gp))
		ret = -1;
	if (regs->xstate && ptrace(PTRACE_SETREGSET, tid, NT_X86_XSTATE, &iov)) {
		pr_perror("can't restore xstate of %d", tid);
		ret = -1;
	}
	return ret;
}

void arch_free_regs(struct compel_regs *regs)
{
	free(regs->xstate);
	regs->xstate = NULL;
}

int arch_copy_regs(pid_t tid, struct compel_regs *dst, const struct compel_regs *src)
{
	if (src->xstate && src->xstate_size != dst->xstate_size) {
		pr_err("thread %d: extended state of %zu bytes, the CPU's is %zu\n", tid,
		       src->xstate_size, dst->xstate_size);
		return -1;
	}
	dst->gp = src->gp;
	if (src->xstate)
		memcpy(dst->xstate, src->xstate, src->xstate_size);
	memcpy(dst->debugreg, src->debugreg, sizeof(dst->debugreg));
	return 0;
}
