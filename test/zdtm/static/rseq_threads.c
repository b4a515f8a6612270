// SPDX-License-Identifier: GPL-2.0
/*
 * Restartable sequences: glibc registers an rseq area for every thread.
 * After restore each thread (the main one and three others) checks that
 * glibc's __rseq_offset/__rseq_size are unchanged, that its rseq area shows
 * a valid cpu, and that the kernel still has this very area registered
 * with glibc's signature: unregistering it must succeed (it is registered
 * again right after, and must show a valid cpu again).
 */
#include <linux/rseq.h>
#include <pthread.h>
#include <sched.h>
#include <sys/rseq.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define NTHREADS 3

static ptrdiff_t offset_before;
static unsigned int size_before;
static unsigned int ncpus;
static pthread_barrier_t ready, done;

struct thr {
	pthread_t handle;
	struct rseq *area;
	int failed;
	int idx;
};

static struct rseq *my_area(void)
{
	return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

static int cpu_valid(const struct rseq *rs)
{
	uint32_t cpu = __atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
	uint32_t start = __atomic_load_n(&rs->cpu_id_start, __ATOMIC_RELAXED);

	return cpu < ncpus && start < ncpus;
}

static int rseq_call(struct rseq *rs, uint32_t len, int flags)
{
	return syscall(SYS_rseq, rs, len, flags, RSEQ_SIG);
}

static int check(struct thr *t)
{
	static const uint32_t lens[] = { 32, sizeof(struct rseq) };
	struct rseq *rs = my_area();
	unsigned int i;
	int ret = 0;

	if (rs != t->area) {
		fail("thread %d: rseq area %p, expected %p", t->idx, rs, t->area);
		return 1;
	}
	if (!cpu_valid(rs)) {
		fail("thread %d: rseq cpu_id %u cpu_id_start %u", t->idx, rs->cpu_id,
		     rs->cpu_id_start);
		ret = 1;
	}
	/* the registration length is glibc's business: try the known ones */
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		if (!rseq_call(rs, lens[i], RSEQ_FLAG_UNREGISTER))
			break;
	if (i == ARRAY_SIZE(lens)) {
		fail("thread %d: the rseq area %p is not registered", t->idx, rs);
		return 1;
	}
	if (rseq_call(rs, lens[i], 0)) {
		fail("thread %d: can't register rseq again", t->idx);
		return 1;
	}
	sched_yield();
	if (!cpu_valid(rs)) {
		fail("thread %d: after re-registration cpu_id %u", t->idx, rs->cpu_id);
		ret = 1;
	}
	return ret;
}

static void *thread_fn(void *arg)
{
	struct thr *t = arg;

	t->area = my_area();
	pthread_barrier_wait(&ready);
	test_waitsig();
	t->failed = check(t);
	pthread_barrier_wait(&done);
	return NULL;
}

static struct thr thr[NTHREADS + 1];

int main(int argc, char **argv)
{
	int i, ret = 0;

	test_init(argc, argv);
	if (__rseq_size == 0)
		test_skip("glibc did not register rseq");
	ncpus = sysconf(_SC_NPROCESSORS_CONF);
	offset_before = __rseq_offset;
	size_before = __rseq_size;
	if (!cpu_valid(my_area())) {
		pr_err("rseq cpu_id %u is not valid", my_area()->cpu_id);
		return 1;
	}
	pthread_barrier_init(&ready, NULL, NTHREADS + 1);
	pthread_barrier_init(&done, NULL, NTHREADS + 1);
	thr[0].area = my_area();
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

	if (__rseq_offset != offset_before || __rseq_size != size_before) {
		fail("__rseq_offset %td __rseq_size %u, expected %td %u", __rseq_offset,
		     __rseq_size, offset_before, size_before);
		ret = 1;
	}
	ret |= check(&thr[0]);
	pthread_barrier_wait(&done);
	for (i = 1; i <= NTHREADS; i++) {
		pthread_join(thr[i].handle, NULL);
		ret |= thr[i].failed;
	}
	if (!ret)
		pass();
	return 0;
}
