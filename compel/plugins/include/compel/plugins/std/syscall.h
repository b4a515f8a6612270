/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PLUGINS_STD_SYSCALL_H
#define COMPEL_PLUGINS_STD_SYSCALL_H

/*
 * System calls for code running inside the target.  Every wrapper returns
 * the raw kernel value: >= 0 on success, -errno on failure.
 */
#include <stddef.h>
#include <stdint.h>

#include "compel/plugins/std/asm/syscall-nr.h"

long std_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

#define std_syscall0(nr) std_syscall6(nr, 0, 0, 0, 0, 0, 0)
#define std_syscall1(nr, a) std_syscall6(nr, (long)(a), 0, 0, 0, 0, 0)
#define std_syscall2(nr, a, b) std_syscall6(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define std_syscall3(nr, a, b, c) std_syscall6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define std_syscall4(nr, a, b, c, d) \
	std_syscall6(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* The kernel's struct sigaction, as rt_sigaction(2) reads and writes it. */
struct std_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

struct std_iovec {
	void *base;
	size_t len;
};

struct std_msghdr {
	void *name;
	int namelen;
	struct std_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	unsigned int flags;
};

struct std_cmsghdr {
	size_t len;
	int level;
	int type;
};

struct std_timespec {
	int64_t sec;
	int64_t nsec;
};

#define STD_SOL_SOCKET 1
#define STD_SCM_RIGHTS 1
#define STD_MSG_PEEK 0x2
#define STD_MSG_DONTWAIT 0x40
#define STD_MSG_NOSIGNAL 0x4000

#define STD_CLOCK_MONOTONIC 1

/* Without FUTEX_PRIVATE_FLAG: the words may be in memory shared with criu. */
#define STD_FUTEX_WAIT 0
#define STD_FUTEX_WAKE 1

static inline long sys_read(int fd, void *buf, size_t len)
{
	return std_syscall3(__NR_read, fd, buf, len);
}

static inline long sys_write(int fd, const void *buf, size_t len)
{
	return std_syscall3(__NR_write, fd, buf, len);
}

static inline long sys_writev(int fd, const struct std_iovec *iov, unsigned long nr)
{
	return std_syscall3(__NR_writev, fd, iov, nr);
}

static inline long sys_close(int fd)
{
	return std_syscall1(__NR_close, fd);
}

static inline long sys_getpid(void)
{
	return std_syscall0(__NR_getpid);
}

static inline long sys_gettid(void)
{
	return std_syscall0(__NR_gettid);
}

static inline long sys_rt_sigaction(int sig, const struct std_sigaction *act,
				    struct std_sigaction *old)
{
	return std_syscall4(__NR_rt_sigaction, sig, act, old, sizeof(uint64_t));
}

static inline long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *old)
{
	return std_syscall4(__NR_rt_sigprocmask, how, set, old, sizeof(uint64_t));
}

static inline long sys_sendmsg(int fd, const struct std_msghdr *msg, int flags)
{
	return std_syscall3(__NR_sendmsg, fd, msg, flags);
}

static inline long sys_recvmsg(int fd, struct std_msghdr *msg, int flags)
{
	return std_syscall3(__NR_recvmsg, fd, msg, flags);
}

/* @ts: a relative timeout for STD_FUTEX_WAIT, NULL for none. */
static inline long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct std_timespec *ts)
{
	return std_syscall4(__NR_futex, uaddr, op, val, ts);
}

static inline long sys_clock_gettime(int clock, struct std_timespec *ts)
{
	return std_syscall2(__NR_clock_gettime, clock, ts);
}

static inline long sys_getcpu(uint32_t *cpu)
{
	return std_syscall3(__NR_getcpu, cpu, 0, 0);
}

static inline long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return std_syscall6(__NR_mmap, (long)addr, len, prot, flags, fd, off);
}

static inline long sys_munmap(void *addr, size_t len)
{
	return std_syscall2(__NR_munmap, addr, len);
}

#endif
