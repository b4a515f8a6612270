// SPDX-License-Identifier: GPL-2.0
/*
 * General purpose registers: two threads spin in an assembly loop with
 * known values (different in each thread) in rbx, rbp, rdx, rsi, rdi and
 * r8-r15, compared with the expected ones on every iteration.  The
 * checkpoint catches them in the loop; after restore they must still spin
 * (their iteration counters keep growing) with every register intact.
 */
#include <pthread.h>
#include <signal.h>

#include "zdtmtst.h"

#if defined(__x86_64__)

#define NREGS 13
#define NTHREADS 2

struct ctl {
	volatile int32_t stop;		/* 0 */
	volatile int32_t started;	/* 4 */
	volatile uint64_t iters;	/* 8 */
	uint64_t vals[NREGS];		/* 16: rbx rbp rdx rsi rdi r8 ... r15 */
	int result;
	volatile int done;
};

static struct ctl ctl[NTHREADS];

#define CMP(off, reg) "cmp " #off "(%%rax), %%" #reg "\n\tjne 9f\n\t"
#define LD(off, reg) "mov " #off "(%%rax), %%" #reg "\n\t"

static void *spin(void *arg)
{
	struct ctl *c = arg;
	uint64_t rax = (uint64_t)c;
	sigset_t set;
	int res;

	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	/* clang-format off */
	asm volatile(
		/* stay clear of the red zone: rbp is saved on the stack */
		"sub $128, %%rsp\n\t"
		"push %%rbp\n\t"
		LD(16, rbx) LD(24, rbp) LD(32, rdx) LD(40, rsi) LD(48, rdi)
		LD(56, r8) LD(64, r9) LD(72, r10) LD(80, r11) LD(88, r12)
		LD(96, r13) LD(104, r14) LD(112, r15)
		"movl $1, 4(%%rax)\n"
		"1:\n\t"
		CMP(16, rbx) CMP(24, rbp) CMP(32, rdx) CMP(40, rsi) CMP(48, rdi)
		CMP(56, r8) CMP(64, r9) CMP(72, r10) CMP(80, r11) CMP(88, r12)
		CMP(96, r13) CMP(104, r14) CMP(112, r15)
		"incq 8(%%rax)\n\t"
		"cmpl $0, (%%rax)\n\t"
		"je 1b\n\t"
		"xor %%ecx, %%ecx\n\t"
		"jmp 8f\n"
		"9:\n\t"
		"mov $1, %%ecx\n"
		"8:\n\t"
		"pop %%rbp\n\t"
		"add $128, %%rsp\n\t"
		: "+a"(rax), "=c"(res)
		:
		: "rbx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
		  "r15", "memory", "cc");
	/* clang-format on */
	c->result = res;
	c->done = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	int i, j, ret = 0;

	test_init(argc, argv);
	for (i = 0; i < NTHREADS; i++) {
		for (j = 0; j < NREGS; j++)
			ctl[i].vals[j] = ((uint64_t)mrand48() << 32) ^ (uint32_t)mrand48() ^
					 ((uint64_t)(i * NREGS + j) << 56);
		if (pthread_create(&th[i], NULL, spin, &ctl[i])) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	for (i = 0; i < NTHREADS; i++)
		while (!ctl[i].started)
			usleep(1000);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NTHREADS; i++) {
		/* still spinning? (a finished loop means a register changed) */
		if (!spin_goes_on(&ctl[i].iters, &ctl[i].done)) {
			fail("thread %d does not spin any more", i);
			ret = 1;
		}
		ctl[i].stop = 1;
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		if (ctl[i].result) {
			fail("thread %d saw a register change", i);
			ret = 1;
		}
	}
	if (!ret)
		pass();
	return 0;
}

#else
int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_skip("x86_64 only");
}
#endif
