// SPDX-License-Identifier: GPL-2.0
/*
 * AVX-512 state: two threads spin in an assembly loop holding known values
 * (different per thread) in all 512 bits of zmm0-zmm30 and in the opmask
 * registers k1-k7, compared with the expected values on every iteration.
 * After restore they must still spin with all of it intact.  SKIP without
 * AVX-512F.
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>

#include "zdtmtst.h"

#if defined(__x86_64__)

#define NTHREADS 2
#define NZMM 31
#define NK 7

struct ctl {
	volatile int32_t stop;		/* 0 */
	volatile int32_t started;	/* 4 */
	volatile uint64_t iters;	/* 8 */
	uint16_t k[8];			/* 16: k[1..7] used */
	uint8_t pad[32];
	uint8_t zmm[NZMM][64];		/* 64 */
	int result;
	volatile int done;
} __attribute__((aligned(64)));

_Static_assert(offsetof(struct ctl, k) == 16, "layout");
_Static_assert(offsetof(struct ctl, zmm) == 64, "layout");

static struct ctl ctl[NTHREADS];

#define S_(x) #x
#define S(x) S_(x)
#define OFF(i) 64 + 64 * i
#define KOFF(i) 16 + 2 * i
#define LD(i) "vmovdqu64 " S(OFF(i)) "(%%rax), %%zmm" #i "\n\t"
#define CMP(i)                                          \
	"vmovdqu64 " S(OFF(i)) "(%%rax), %%zmm31\n\t"   \
	"vpcmpeqd %%zmm" #i ", %%zmm31, %%k0\n\t"       \
	"kmovw %%k0, %%ecx\n\t"                         \
	"cmp $0xffff, %%ecx\n\t"                        \
	"jne 9f\n\t"
#define LDK(i) "kmovw " S(KOFF(i)) "(%%rax), %%k" #i "\n\t"
#define CMPK(i)                                 \
	"kmovw %%k" #i ", %%ecx\n\t"            \
	"cmpw " S(KOFF(i)) "(%%rax), %%cx\n\t"  \
	"jne 9f\n\t"

static __attribute__((target("avx512f"))) void *spin(void *arg)
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
		LD(8) LD(9) LD(10) LD(11) LD(12) LD(13) LD(14) LD(15)
		LD(16) LD(17) LD(18) LD(19) LD(20) LD(21) LD(22) LD(23)
		LD(24) LD(25) LD(26) LD(27) LD(28) LD(29) LD(30)
		LDK(1) LDK(2) LDK(3) LDK(4) LDK(5) LDK(6) LDK(7)
		"movl $1, 4(%%rax)\n"
		"1:\n\t"
		CMP(0) CMP(1) CMP(2) CMP(3) CMP(4) CMP(5) CMP(6) CMP(7)
		CMP(8) CMP(9) CMP(10) CMP(11) CMP(12) CMP(13) CMP(14) CMP(15)
		CMP(16) CMP(17) CMP(18) CMP(19) CMP(20) CMP(21) CMP(22) CMP(23)
		CMP(24) CMP(25) CMP(26) CMP(27) CMP(28) CMP(29) CMP(30)
		CMPK(1) CMPK(2) CMPK(3) CMPK(4) CMPK(5) CMPK(6) CMPK(7)
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
		  "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17",
		  "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25",
		  "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "k0", "k1", "k2", "k3",
		  "k4", "k5", "k6", "k7", "memory", "cc");
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
	if (!__builtin_cpu_supports("avx512f"))
		test_skip("no AVX-512F");
	for (i = 0; i < NTHREADS; i++) {
		for (j = 0; j < NZMM; j++)
			for (k = 0; k < 64; k++)
				ctl[i].zmm[j][k] = lrand48();
		for (j = 1; j <= NK; j++)
			ctl[i].k[j] = lrand48();
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
			fail("thread %d saw its zmm or opmask registers change", i);
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
