/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ZDTM_ZDTMTST_H
#define ZDTM_ZDTMTST_H

/*
 * The zdtm test library.  A test program is written like this:
 *
 *	int main(int argc, char **argv)
 *	{
 *		test_init(argc, argv);		parse options, go to background
 *		... set up the state to be checkpointed ...
 *		test_daemon();			tell the runner we are ready
 *		test_waitsig();			checkpoint/restore happens here
 *		... check the state ...
 *		if (bad)
 *			fail("value is %d, expected %d", got, want);
 *		else
 *			pass();
 *		return 0;
 *	}
 *
 * See test/zdtm/README.md for the protocol between a test and the runner.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef PAGE_SIZE
#define PAGE_SIZE ((unsigned long)sysconf(_SC_PAGESIZE))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

/* Exit code that makes the runner report the test as skipped. */
#define ZDTM_EXIT_SKIP 77

/* ------------------------------------------------------------ life cycle */

/*
 * Parse the options, open the output file and go to background: the
 * process that returns from test_init() is a new session leader (so it is
 * the root of the tree to be checkpointed); the process the runner started
 * stays behind until test_daemon() is called and then writes the pid file.
 */
extern void test_init(int argc, char **argv);
/* Set-up is complete: let the runner checkpoint us. */
extern void test_daemon(void);
/* Block until the runner sends SIGTERM (after the restore). */
extern void test_waitsig(void);
/* True until SIGTERM arrives: for tests that keep working meanwhile. */
extern int test_go(void);
/* fork() that keeps the library's state sane in the child. */
extern pid_t test_fork(void);

/* --------------------------------------------------------------- messages */

#define TEST_MSG_BUFFER_SIZE 4096

/* Append a message to the output file (one write(2) per call). */
extern void test_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write the verdict line; callers use the macros below. */
extern void __test_verdict(const char *kind, const char *file, int line, int with_errno,
			   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Report "skipped" and exit; only valid before test_daemon(). */
extern void __test_skip(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#define pass() test_msg("PASS\n")
#define fail(fmt, ...) __test_verdict("FAIL", __FILE__, __LINE__, 1, fmt, ##__VA_ARGS__)
#define test_skip(fmt, ...) __test_skip(__FILE__, __LINE__, fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...) __test_verdict("ERR", __FILE__, __LINE__, 0, fmt, ##__VA_ARGS__)
#define pr_perror(fmt, ...) __test_verdict("ERR", __FILE__, __LINE__, 1, fmt, ##__VA_ARGS__)

/* ------------------------------------------------------- command line */

struct long_opt {
	const char *name;
	const char *type;
	const char *doc;
	int is_required;
	int (*parse_opt)(const char *arg, void *value);
	void *value;
	int seen;
	struct long_opt *next;
};

extern void __push_opt(struct long_opt *opt);
extern int parse_opt_bool(const char *arg, void *value);
extern int parse_opt_int(const char *arg, void *value);
extern int parse_opt_uint(const char *arg, void *value);
extern int parse_opt_long(const char *arg, void *value);
extern int parse_opt_ulong(const char *arg, void *value);
extern int parse_opt_string(const char *arg, void *value);

#define __zdtm_opt_ctype_bool int
#define __zdtm_opt_ctype_int int
#define __zdtm_opt_ctype_uint unsigned int
#define __zdtm_opt_ctype_long long
#define __zdtm_opt_ctype_ulong unsigned long
#define __zdtm_opt_ctype_string char *

/*
 * Declare a test option --NAME=VALUE (or --NAME VALUE) stored in the
 * variable NAME of the C type matching TYPE (bool, int, uint, long, ulong,
 * string).  Example:
 *
 *	static char *filename;
 *	TEST_OPTION(filename, string, "file to play with", 1);
 */
#define TEST_OPTION(name, type, doc, required)                                   \
	static __zdtm_opt_ctype_##type *__zdtm_optcheck_##name(void)             \
	{                                                                        \
		return &(name);                                                  \
	}                                                                        \
	static struct long_opt __zdtm_opt_##name = {                             \
		#name, #type, doc, required, parse_opt_##type, &(name), 0, NULL, \
	};                                                                       \
	static void __attribute__((constructor)) __zdtm_optinit_##name(void)     \
	{                                                                        \
		(void)__zdtm_optcheck_##name;                                    \
		__push_opt(&__zdtm_opt_##name);                                  \
	}

/* Parse argv against the declared options; exits on error. */
extern void parseargs(int argc, char **argv);

/* ----------------------------------------------------------- test data */

/* Fill buf with pseudo-random bytes; the last 4 bytes hold their crc32. */
extern void datagen(uint8_t *buf, size_t len, uint32_t *crc);
/* Same, but all len bytes are data: *crc receives the checksum. */
extern void datagen2(uint8_t *buf, size_t len, uint32_t *crc);
/* Check a buffer made by datagen(): 0 if intact, -1 otherwise. */
extern int datachk(const uint8_t *buf, size_t len, uint32_t *crc);
/* Continue the crc32 of a buffer in *crc (compare it with datagen2()'s). */
extern int datasum(const uint8_t *buf, size_t len, uint32_t *crc);
/* crc32 (IEEE, as zlib), continuing from crc (start with ~0, invert at end). */
extern uint32_t zdtm_crc32(uint32_t crc, const uint8_t *buf, size_t len);

/* ------------------------------------------------------------- helpers */

extern int set_nonblock(int fd, int on);
/* Read/write exactly len bytes, retrying on EINTR and short transfers. */
extern int read_data(int fd, void *buf, size_t len);
extern int write_data(int fd, const void *buf, size_t len);
/* Read a whole small file into buf (NUL terminated); returns its length. */
extern ssize_t read_file(const char *path, char *buf, size_t size);
/* One fd over a unix socket (SCM_RIGHTS, one byte of data): 0 / the fd, or -1. */
extern int send_fd(int sk, int fd);
extern int recv_fd(int sk);
/* 1 if *iters still moves (or *done is set) within a minute, else 0. */
extern int spin_goes_on(const volatile uint64_t *iters, const volatile int *done);

/*
 * Synchronisation between the processes of one test (over a pipe, so that
 * it survives checkpoint/restore): one side waits for a numbered event,
 * the other completes it.
 */
typedef struct {
	unsigned long seed;
	int pipes[2];
} task_waiter_t;

extern void task_waiter_init(task_waiter_t *t);
extern void task_waiter_fini(task_waiter_t *t);
extern void task_waiter_wait4(task_waiter_t *t, unsigned int lockid);
extern void task_waiter_complete(task_waiter_t *t, unsigned int lockid);
extern void task_waiter_complete_current(task_waiter_t *t);

/* TCP/IP helpers (family is AF_INET or AF_INET6, loopback only). */
extern int tcp_init_server(int family, int *port);
extern int tcp_accept_server(int sock);
extern int tcp_init_client(int family, const char *addr, unsigned short port);

#define ssprintf(s, fmt, ...)                                           \
	({                                                              \
		int __ret = snprintf(s, sizeof(s), fmt, ##__VA_ARGS__); \
		if (__ret < 0 || (size_t)__ret >= sizeof(s))            \
			abort();                                        \
		__ret;                                                  \
	})

/*
 * The watches of epoll @ep ("tfd events data pos" lines, sorted, without
 * EPOLLERR|EPOLLHUP, which the kernel adds to every re-registered watch).
 */
int epoll_watch_set(int ep, char *out, size_t size);

#endif /* ZDTM_ZDTMTST_H */
