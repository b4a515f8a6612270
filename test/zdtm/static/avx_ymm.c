// SPDX-License-Identifier: GPL-2.0
/*
 * AVX state: two threads spin in an assembly loop holding known values
 * (different per thread) in all 256 bits of ymm0-ymm14, compared with the
 * expected values on every iteration.  After restore they must still spin
 * with the registers intact, upper halves included.  Needs AVX2 (for the
 * 256-bit compare), else SKIP.
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>

#include "zdtmtst.h"

#if defined(__x86_64__)

#define NTHREADS 2
#define NYMM 15

struct ctl {
	volatile int32_t stop;
	volatile int32_t started;
	volatile uint64_t iters;
	uint8_t pad[16];
	uint8_t ymm[NYMM][32];
	int result;
	volatile int done;
} __attribute__((aligned(32)));

_Static_assert(offsetof(struct ctl, ymm) == 32, "layout");

static struct ctl ctl[NTHREADS];

#define S_(x) #x
#define S(x) S_(x)
#define OFF(i) 32 + 32 * i
#define LD(i) "vmovdqu " S(OFF(i)) "(%%rax), %%ymm" #i "\n\t"
#define CMP(i)                                        \
	"vmovdqu " S(OFF(i)) "(%%rax), %%ymm15\n\t"   \
	"vpcmpeqb %%ymm" #i ", %%ymm15, %%ymm15\n\t"  \
	"vpmovmskb %%ymm15, %%ecx\n\t"                \
	"cmp $0xffffffff, %%ecx\n\t"                  \
	"jne 9f\n\t"

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
		LD(0) LD(1) LD(2) LD(3) LD(4) LD(5) LD(6) LD(7)
		LD(8) LD(9) LD(10) LD(11) LD(12) LD(13) LD(14)
		"movl $1, 4(%%rax)\n"
		"1:\n\t"
		CMP(0) CMP(1) CMP(2) CMP(3) CMP(4) CMP(5) CMP(6) CMP(7)
		CMP(8) CMP(9) CMP(10) CMP(11) CMP(12) CMP(13) CMP(14)
		"incq 8(%%rax)\n\t"
		"cmpl $0, (%%rax)\n\t"
		"je 1b\n\t"
		"xor %%ecx, %%ecx\n\t"
		"jmp 8f\n"
		"9:\n\t"
		"mov $1, %%ecx\n"
		"8:\n\t"
		"vzeroupper\n\t"
		: "+a"(rax), "=c"(res)
		:
		: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
		  "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
	/* clang-format on */
	c->result = res;
	c->done = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	int i, j, k, ret = 0;

	test_init(argc, argv);
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx2"))
		test_skip("no AVX2");
	for (i = 0; i < NTHREADS; i++) {
		for (j = 0; j < NYMM; j++)
			for (k = 0; k < 32; k++)
				ctl[i].ymm[j][k] = lrand48();
		if (pthread_create(&th[i], NULL, spin, &ctl[i])) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	for (i = 0; i < NTHREADS; i++)
		while (!ctl[i].started && !ctl[i].done)
			usleep(1000);

	test_daemon();
	test_waitsig();

	for (i = 0; i < NTHREADS; i++) {
		if (!spin_goes_on(&ctl[i].iters, &ctl[i].done)) {
			fail("thread %d does not spin any more", i);
			ret = 1;
		}
		ctl[i].stop = 1;
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		if (ctl[i].result) {
			fail("thread %d saw its ymm registers change", i);
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
