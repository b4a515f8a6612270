// SPDX-License-Identifier: GPL-2.0
/*
 * Thread-local storage: each of several threads keeps its own __thread
 * values and its fs base (the TLS pointer, read with arch_prctl), and the
 * main thread sets a gs base of its own.  After restore each thread checks
 * its __thread data, that fs base is what it was (and is pthread_self) and
 * the gs bases.
 */
#include <asm/prctl.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define NTHREADS 4

struct thr {
	pthread_t handle;
	unsigned long fs, gs;
	int idx;
	int failed;
};

static __thread unsigned long tls_word;
static __thread char tls_str[32];
static __thread int tls_zero;
static pthread_barrier_t ready, done;

static unsigned long get_base(int code)
{
	unsigned long v = 0;

	if (syscall(SYS_arch_prctl, code, &v))
		return ~0UL;
	return v;
}

static unsigned long word_of(int idx)
{
	return 0xfeedfacecafe0000UL + idx * 0x1111;
}

static void setup(struct thr *t)
{
	tls_word = word_of(t->idx);
	snprintf(tls_str, sizeof(tls_str), "thread-%d", t->idx);
	t->fs = get_base(ARCH_GET_FS);
	t->gs = get_base(ARCH_GET_GS);
}

static int check(struct thr *t)
{
	char want[32];
	int ret = 0;

	snprintf(want, sizeof(want), "thread-%d", t->idx);
	if (tls_word != word_of(t->idx) || strcmp(tls_str, want) || tls_zero) {
		fail("thread %d: TLS is %#lx \"%s\" %d", t->idx, tls_word, tls_str, tls_zero);
		ret = 1;
	}
	if (get_base(ARCH_GET_FS) != t->fs || t->fs != (unsigned long)pthread_self()) {
		fail("thread %d: fs base %#lx, expected %#lx", t->idx, get_base(ARCH_GET_FS),
		     t->fs);
		ret = 1;
	}
	if (get_base(ARCH_GET_GS) != t->gs) {
		fail("thread %d: gs base %#lx, expected %#lx", t->idx, get_base(ARCH_GET_GS),
		     t->gs);
		ret = 1;
	}
	return ret;
}

static void *thread_fn(void *arg)
{
	struct thr *t = arg;

	setup(t);
	pthread_barrier_wait(&ready);
	test_waitsig();
	t->failed = check(t);
	pthread_barrier_wait(&done);
	return NULL;
}

static struct thr thr[NTHREADS + 1];

int main(int argc, char **argv)
{
	static char gs_area[4096];
	int i, ret = 0;

	test_init(argc, argv);
	pthread_barrier_init(&ready, NULL, NTHREADS + 1);
	pthread_barrier_init(&done, NULL, NTHREADS + 1);

	/* the main thread has a gs base of its own (nothing uses it) */
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)gs_area)) {
		pr_perror("ARCH_SET_GS");
		return 1;
	}
	thr[0].idx = 0;
	setup(&thr[0]);
	if (thr[0].gs != (unsigned long)gs_area) {
		pr_err("gs base %#lx, expected %p", thr[0].gs, gs_area);
		return 1;
	}
	for (i = 1; i <= NTHREADS; i++) {
		thr[i].idx = i;
		if (pthread_create(&thr[i].handle, NULL, thread_fn, &thr[i])) {
			pr_perror("pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&ready);

	test_daemon();
	test_waitsig();

	ret = check(&thr[0]);
	pthread_barrier_wait(&done);
	for (i = 1; i <= NTHREADS; i++) {
		pthread_join(thr[i].handle, NULL);
		ret |= thr[i].failed;
	}
	if (!ret)
		pass();
	return 0;
}
