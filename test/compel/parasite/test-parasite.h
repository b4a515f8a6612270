/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_TEST_PARASITE_H
#define COMPEL_TEST_PARASITE_H

/* The test parasite's commands and argument area; seen by both sides. */
#include <stdint.h>
#include "compel/rpc.h"

enum {
	TEST_CMD_SIGACTIONS = COMPEL_CMD_USER, /* daemon: fill sigmask and acts[] */
	TEST_CMD_THREAD_INFO, /* per thread: fill tid and thread_sigmask, return tid */
	TEST_CMD_SEND_FDS, /* daemon: send fds 0, 1 and 2 */
	TEST_CMD_CRASH, /* daemon: fault */
	TEST_CMD_HANG, /* daemon: spin forever */
	TEST_CMD_LOG, /* daemon: log a line back to compel */
	TEST_CMD_CLOBBER_FPU, /* both: trash the vector registers compel must restore */
	TEST_CMD_RELOC, /* daemon: call through a pointer table, return 42 */
	TEST_CMD_RECV_FDS, /* daemon: take 2 fds, write "fd N" into each, close them */
	TEST_CMD_WORDS, /* daemon: echo word_in into word_out until TEST_WORD_STOP */
};

/* Values of word_in that end TEST_CMD_WORDS: cleanly, or with a fault. */
#define TEST_WORD_STOP 0xffffffffU
#define TEST_WORD_CRASH 0xfffffffeU

struct test_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

struct test_args {
	uint64_t sigmask;
	struct test_sigaction acts[64];
	int32_t tid;
	int32_t pid;
	uint64_t thread_sigmask;
	uint32_t word_in; /* compel -> parasite (std_wait_word) */
	uint32_t word_out; /* parasite -> compel (compel_rpc_wait_word) */
};

#endif
