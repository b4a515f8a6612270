/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PRIV_TASK_H
#define COMPEL_PRIV_TASK_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "compel/task.h"

struct compel_parasite;

struct compel_thread {
	pid_t tid;
	int stop_sig; /* group-stop signal it was frozen in, 0 if it was running */
	uint64_t sigmask; /* blocked signals when frozen */
	struct compel_regs regs; /* state when frozen */
	bool dirty; /* registers or mask were changed and must be put back */
	bool syscall_stopped; /* in a syscall stop, not one the kernel restarts from */
	bool has_user_trap; /* someone sent it SIGTRAP while our code ran ... */
	siginfo_t user_trap; /* ... which it gets back on release */
};

/* The kernel's struct sigaction as rt_sigaction() reads and writes it. */
struct compel_ksigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* Signals the kernel forces through (resetting their action) when our code traps or faults. */
#define NR_SYNC_SIGNALS 5

struct compel_task {
	pid_t pid;
	unsigned int flags;
	bool was_stopped;
	unsigned int nr_threads;
	unsigned int max_threads;
	struct compel_thread *threads;
	unsigned long exec_addr; /* where remote code is poked; 0 until first needed */
	struct compel_parasite *parasite;
	bool acts_saved; /* sync_acts holds the program's actions */
	bool acts_unsaved; /* ... and reading them failed */
	struct compel_ksigaction sync_acts[NR_SYNC_SIGNALS];
};

/*
 * Block every signal but SIGTRAP in @th before compel runs code in it, so
 * the program's handlers can't run on compel's state.  SIGTRAP stays open:
 * an int3 with SIGTRAP blocked would reset the program's SIGTRAP handler.
 */
int task_block_signals(struct compel_thread *th);

/*
 * Put back the registers and mask @th had when frozen, after handing back
 * what it is owed (see sigfix_release()).
 */
int task_restore_thread(struct compel_task *task, struct compel_thread *th);

/* Wait until @tid stops; gives up after @timeout_ms (-1: wait forever). */
int task_wait_stop(pid_t tid, int *status, int timeout_ms);

/*
 * Wait for the trap that ends remote code in @th; 0 or -1 with a reason
 * logged.  @sig gets the signal the thread stopped with (SIGTRAP, or the
 * fault's), 0 if it did not stop by itself.
 */
int task_wait_trap(struct compel_thread *th, int timeout_ms, int *sig);

/*
 * A job control stop (or stop signal) seen while compel code runs in @tid:
 * pass it on, resuming with ptrace request @resume, and return 1; 0 if
 * @status is some other stop, -1 on error.
 */
int task_pass_stop(pid_t tid, int status, int resume);

/*
 * @th stopped with a SIGTRAP while running our code: if another process
 * sent it, keep it for release and return true; false if it is ours.
 */
bool task_keep_user_trap(struct compel_thread *th);

/* Bring a thread that runs away from us back into a ptrace stop. */
int task_interrupt(pid_t tid);

/* The parasite hooks compel_unfreeze() calls; set when one is attached. */
int parasite_cure_on_unfreeze(struct compel_task *task);

#endif
