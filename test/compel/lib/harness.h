/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_TEST_HARNESS_H
#define COMPEL_TEST_HARNESS_H

/*
 * What the compel tests share: starting a target program and talking to it,
 * reading /proc, and the standard probe (freeze, remote calls, parasite,
 * cure) that every test runs against its target.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define TEST_SKIP 77

extern int test_failures;

#define EXPECT(cond, fmt, ...)                                                                  \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			test_failures++;                                                        \
			fprintf(stderr, "FAIL %s:%d: %s: " fmt "\n", __FILE__, __LINE__, #cond, \
				##__VA_ARGS__);                                                 \
		}                                                                               \
	} while (0)

struct target {
	pid_t pid;
	int to; /* the target's stdin */
	int from; /* the target's stdout */
};

/* Start ../compel-targets/@name with @arg (may be NULL) and wait for "ready". */
int target_start(struct target *t, const char *name, const char *arg);
/* One line of the target's output, without the newline; -1 on timeout or EOF. */
int target_read_line(struct target *t, char *buf, size_t len, int timeout_ms);
int target_write(struct target *t, const char *s);
/* Wait for the target's exit; returns its exit code, -1 if it didn't exit. */
int target_wait(struct target *t);
void target_kill(struct target *t);

/* Heap copy of a whole /proc file, NULL on error. */
char *proc_file(pid_t pid, const char *name);
int proc_count_fds(pid_t pid);
/* Threads that have not exited. */
int proc_count_tasks(pid_t pid);
/* A "Key:  N kB" value of /proc/PID/status, -1 if missing. */
long proc_status_value(pid_t pid, const char *key);
char proc_state(pid_t pid);
/* Wait up to 5 s for @pid's main thread to be in @state ('S', 'T' ...). */
int wait_state(pid_t pid, char state);

/* Route compel's log to stderr at a level from $COMPEL_TEST_LOGLEVEL. */
void harness_init(void);

struct probe_result {
	unsigned int nr_threads;
	bool was_stopped;
	uint64_t sigmask; /* leader's blocked mask, as the parasite reports it */
	unsigned long handlers[64]; /* sa_handler per signal, as the parasite reports it */
	unsigned long flags[64]; /* sa_flags per signal */
	unsigned int thread_cmds_ok; /* threads the per-thread command succeeded on */
};

enum {
	PROBE_PARASITE = 1 << 0, /* also infect and run parasite commands */
	PROBE_THREADS = 1 << 1, /* run the per-thread command on every thread */
	PROBE_QUIET = 1 << 2,
	PROBE_MAPS_CHANGE = 1 << 3, /* the target maps and unmaps by itself */
	PROBE_CLOBBER_FPU = 1 << 4, /* let the parasite trash FP/SIMD registers */
};

/*
 * Freeze @pid, check remote getpid/mmap/munmap, optionally infect and ask the
 * parasite for sigactions and the blocked mask, cure, unfreeze, and check
 * /proc/PID/maps is unchanged.  Returns 0 if all went well.
 */
int probe_task(pid_t pid, unsigned int flags, struct probe_result *res);

int test_done(const char *name);

#endif
