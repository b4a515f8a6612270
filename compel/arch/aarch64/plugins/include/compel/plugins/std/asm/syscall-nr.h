/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_STD_ASM_SYSCALL_NR_H
#define COMPEL_STD_ASM_SYSCALL_NR_H

/* arm64 (generic table) system call numbers the parasite side uses. */
#define __NR_futex 98
#define __NR_clock_gettime 113
#define __NR_getcpu 168
#define __NR_close 57
#define __NR_read 63
#define __NR_write 64
#define __NR_writev 66
#define __NR_rt_sigaction 134
#define __NR_rt_sigprocmask 135
#define __NR_getpid 172
#define __NR_gettid 178
#define __NR_sendmsg 211
#define __NR_recvmsg 212
#define __NR_munmap 215
#define __NR_mmap 222

#endif
