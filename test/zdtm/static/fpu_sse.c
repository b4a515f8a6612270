// SPDX-License-Identifier: GPL-2.0
/*
 * FPU and SSE state: two threads spin in an assembly loop holding known
 * values (different per thread) in seven x87 stack registers, xmm0-xmm13,
 * a non-default x87 control word and a non-default MXCSR, comparing them
 * with the expected values on every iteration.  After restore they must
 * still spin with all of it intact.
 */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>

#include "zdtmtst.h"

#if defined(__x86_64__)

#define NTHREADS 2
#define NXMM 14
#define NX87 7

struct ctl {
	volatile int32_t stop;
	volatile int32_t started;
	volatile uint64_t iters;
	uint32_t mxcsr;
	uint16_t fcw;
	uint16_t fcw_now;
	uint32_t mxcsr_now;
	uint32_t mxcsr_default;
	uint8_t xmm[NXMM][16];
	long double x87[NX87];
	int result;
	volatile int done;
} __attribute__((aligned(16)));

_Static_assert(offsetof(struct ctl, mxcsr) == 16, "layout");
_Static_assert(offsetof(struct ctl, fcw) == 20, "layout");
_Static_assert(offsetof(struct ctl, fcw_now) == 22, "layout");
_Static_assert(offsetof(struct ctl, mxcsr_now) == 24, "layout");
_Static_assert(offsetof(struct ctl, mxcsr_default) == 28, "layout");
_Static_assert(offsetof(struct ctl, xmm) == 32, "layout");
_Static_assert(offsetof(struct ctl, x87) == 256, "layout");

static struct ctl ctl[NTHREADS];

#define S_(x) #x
#define S(x) S_(x)
#define XMM_OFF(i) 32 + 16 * i
#define X87_OFF(i) 256 + 16 * i
#define LDX(i) "movdqu " S(XMM_OFF(i)) "(%%rax), %%xmm" #i "\n\t"
#define CMPX(i)                                        \
	"movdqu " S(XMM_OFF(i)) "(%%rax), %%xmm15\n\t" \
	"pcmpeqb %%xmm" #i ", %%xmm15\n\t"             \
	"pmovmskb %%xmm15, %%ecx\n\t"                  \
	"cmp $0xffff, %%ecx\n\t"                       \
	"jne 9f\n\t"
#define LDF(i) "fldt " S(X87_OFF(i)) "(%%rax)\n\t"
/* st(i) moved to st(i+1) by the load of the expected value */
#define CMPF(i, j)                           \
	"fldt " S(X87_OFF(i)) "(%%rax)\n\t"  \
	"fucomip %%st(" #j "), %%st\n\t"     \
	"jne 9f\n\t"                         \
	"jp 9f\n\t"

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
		"ldmxcsr 16(%%rax)\n\t"
		"fninit\n\t"
		"fldcw 20(%%rax)\n\t"
		LDF(6) LDF(5) LDF(4) LDF(3) LDF(2) LDF(1) LDF(0)
		LDX(0) LDX(1) LDX(2) LDX(3) LDX(4) LDX(5) LDX(6)
		LDX(7) LDX(8) LDX(9) LDX(10) LDX(11) LDX(12) LDX(13)
		"movl $1, 4(%%rax)\n"
		"1:\n\t"
		CMPX(0) CMPX(1) CMPX(2) CMPX(3) CMPX(4) CMPX(5) CMPX(6)
		CMPX(7) CMPX(8) CMPX(9) CMPX(10) CMPX(11) CMPX(12) CMPX(13)
		"stmxcsr 24(%%rax)\n\t"
		"mov 24(%%rax), %%ecx\n\t"
		"cmp 16(%%rax), %%ecx\n\t"
		"jne 9f\n\t"
		"fnstcw 22(%%rax)\n\t"
		"movzwl 22(%%rax), %%ecx\n\t"
		"cmpw 20(%%rax), %%cx\n\t"
		"jne 9f\n\t"
		CMPF(0, 1) CMPF(1, 2) CMPF(2, 3) CMPF(3, 4) CMPF(4, 5) CMPF(5, 6) CMPF(6, 7)
		"incq 8(%%rax)\n\t"
		"cmpl $0, (%%rax)\n\t"
		"je 1b\n\t"
		"xor %%ecx, %%ecx\n\t"
		"jmp 8f\n"
		"9:\n\t"
		"mov $1, %%ecx\n"
		"8:\n\t"
		"fninit\n\t"
		"ldmxcsr 28(%%rax)\n\t"
		: "+a"(rax), "=c"(res)
		:
		: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
		  "xmm10", "xmm11", "xmm12", "xmm13", "xmm15", "st", "st(1)", "st(2)", "st(3)",
		  "st(4)", "st(5)", "st(6)", "st(7)", "memory", "cc");
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
	for (i = 0; i < NTHREADS; i++) {
		struct ctl *c = &ctl[i];

		asm volatile("stmxcsr %0" : "=m"(c->mxcsr_default));
		/* flush to zero, round down (thread 0) or up (thread 1) */
		c->mxcsr = (c->mxcsr_default & ~0x6000) | 0x8000 | (i ? 0x4000 : 0x2000);
		/* all exceptions masked, 53-bit precision, round toward zero */
		c->fcw = 0x0e7f - (i ? 0x0800 : 0); /* thread 1: round up */
		for (j = 0; j < NXMM; j++)
			for (k = 0; k < 16; k++)
				c->xmm[j][k] = lrand48();
		for (j = 0; j < NX87; j++)
			c->x87[j] = (long double)mrand48() / 7.0L + j * 1000.5L + i;
		if (pthread_create(&th[i], NULL, spin, c)) {
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
			fail("thread %d saw its FPU/SSE state change", i);
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
