// SPDX-License-Identifier: GPL-2.0
/* The parasite the compel tests load: a few commands that read task state. */

#include "compel/plugins/std/std.h"
#include "test-parasite.h"

static int read_sigactions(struct test_args *args)
{
	int sig;
	long ret;

	args->sigmask = std_hdr()->leader_sigmask;
	args->pid = sys_getpid();
	for (sig = 1; sig <= 64; sig++) {
		ret = sys_rt_sigaction(sig, 0, (struct std_sigaction *)&args->acts[sig - 1]);
		if (ret)
			return ret;
	}
	return 0;
}

static int send_std_fds(void)
{
	static const int fds[3] = { 0, 1, 2 };

	return std_send_fds(fds, 3);
}

/* Proves the fds are usable in the task, then leaves its fd table as it was. */
static int recv_and_write(void)
{
	char msg[] = "fd ?";
	int fds[2], i;
	long ret;

	ret = std_recv_fds(fds, 2);
	if (ret)
		return ret;
	for (i = 0; i < 2; i++) {
		msg[3] = (char)('0' + fds[i] % 10);
		ret = sys_write(fds[i], msg, sizeof(msg) - 1);
		sys_close(fds[i]);
		if (ret != sizeof(msg) - 1)
			return ret < 0 ? ret : -5;
	}
	return fds[0] * 1000 + fds[1];
}

/* The address comes from memory so the compiler can't see the fault coming. */
static volatile unsigned long bad_addr = 8;

static int crash(void)
{
	*(volatile int *)bad_addr = 1;
	return 0;
}

/* Each new value of word_in goes to word_out, through futex waits and wakes only. */
static int echo_words(struct test_args *a)
{
	uint32_t seen = 0, v;
	long ret;

	for (;;) {
		v = __atomic_load_n(&a->word_in, __ATOMIC_SEQ_CST);
		if (v == seen) {
			ret = std_wait_word(&a->word_in, seen);
			if (ret)
				return ret;
			continue;
		}
		if (v == TEST_WORD_CRASH)
			return crash();
		__atomic_store_n(&a->word_out, v, __ATOMIC_SEQ_CST);
		std_wake_word(&a->word_out);
		if (v == TEST_WORD_STOP)
			return 0;
		seen = v;
	}
}

/*
 * The parasite itself never uses FP/SIMD registers, so write garbage into
 * them on purpose: compel has to put the program's values back.
 */
static int clobber_fpu(void)
{
#if defined(__x86_64__)
	asm volatile("pcmpeqd %xmm0, %xmm0\n\tpcmpeqd %xmm1, %xmm1\n\t"
		     "pcmpeqd %xmm2, %xmm2\n\tpcmpeqd %xmm3, %xmm3\n\t"
		     "pcmpeqd %xmm4, %xmm4\n\tpcmpeqd %xmm5, %xmm5\n\t"
		     "pcmpeqd %xmm6, %xmm6\n\tpcmpeqd %xmm7, %xmm7\n\t"
		     "pcmpeqd %xmm8, %xmm8\n\tpcmpeqd %xmm9, %xmm9\n\t"
		     "pcmpeqd %xmm10, %xmm10\n\tpcmpeqd %xmm11, %xmm11\n\t"
		     "pcmpeqd %xmm12, %xmm12\n\tpcmpeqd %xmm13, %xmm13\n\t"
		     "pcmpeqd %xmm14, %xmm14\n\tpcmpeqd %xmm15, %xmm15");
#elif defined(__aarch64__)
	asm volatile("movi v0.16b, #0xff\n\tmovi v1.16b, #0xff\n\tmovi v2.16b, #0xff\n\t"
		     "movi v3.16b, #0xff\n\tmovi v8.16b, #0xff\n\tmovi v9.16b, #0xff");
#endif
	return 0;
}

static int answer_41(void)
{
	return 41;
}

static int answer_42(void)
{
	return 42;
}

/* Absolute addresses: only right if compel applied the blob's relocations. */
static int (*const answers[])(void) = { answer_41, answer_42 };
static volatile int answer_idx = 1;

int parasite_daemon_cmd(unsigned int cmd, void *args)
{
	switch (cmd) {
	case TEST_CMD_SIGACTIONS:
		return read_sigactions(args);
	case TEST_CMD_SEND_FDS:
		return send_std_fds();
	case TEST_CMD_RECV_FDS:
		return recv_and_write();
	case TEST_CMD_CRASH:
		return crash();
	case TEST_CMD_WORDS:
		return echo_words(args);
	case TEST_CMD_HANG:
		for (;;)
			asm volatile("" ::: "memory");
	case TEST_CMD_CLOBBER_FPU:
		return clobber_fpu();
	case TEST_CMD_RELOC:
		return answers[answer_idx]();
	case TEST_CMD_LOG:
		std_pr_info("hello from %d, %s %x", (int)sys_getpid(), "hex", 0xbeefU);
		return 0;
	}
	return -38;
}

int parasite_trap_cmd(unsigned int cmd, void *args)
{
	struct test_args *a = args;

	if (cmd == TEST_CMD_CLOBBER_FPU)
		return clobber_fpu();
	if (cmd != TEST_CMD_THREAD_INFO)
		return -38;
	a->tid = sys_gettid();
	a->thread_sigmask = std_hdr()->thread_sigmask;
	return a->tid;
}
