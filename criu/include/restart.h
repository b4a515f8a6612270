/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_RESTART_H
#define CRIU_RESTART_H

/*
 * What a system call interrupted by a signal or a ptrace stop returns
 * internally (the kernel's include/linux/errno.h, not part of its uapi):
 * seen in the registers of a thread stopped inside the call.
 */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

#endif
