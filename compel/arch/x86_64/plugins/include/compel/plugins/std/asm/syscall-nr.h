/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_STD_ASM_SYSCALL_NR_H
#define COMPEL_STD_ASM_SYSCALL_NR_H

/* x86_64 system call numbers the parasite side uses (the kernel's ABI). */
#define __NR_read 0
#define __NR_write 1
#define __NR_writev 20
#define __NR_close 3
#define __NR_mmap 9
#define __NR_munmap 11
#define __NR_rt_sigaction 13
#define __NR_rt_sigprocmask 14
#define __NR_getpid 39
#define __NR_sendmsg 46
#define __NR_recvmsg 47
#define __NR_gettid 186
#define __NR_futex 202
#define __NR_clock_gettime 228
#define __NR_getcpu 309

#endif
