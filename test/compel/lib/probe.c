// SPDX-License-Identifier: GPL-2.0
/* The standard probe every compel test runs against its target. */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compel/compel.h"
#include "harness.h"
#include "test-blob.h"
#include "test-parasite.h"

int test_failures;

static void log_to_stderr(unsigned int level, const char *fmt, va_list args)
{
	vfprintf(stderr, fmt, args);
}

void harness_init(void)
{
	const char *lvl = getenv("COMPEL_TEST_LOGLEVEL");

	compel_log_init(log_to_stderr, lvl ? atoi(lvl) : COMPEL_LOG_WARN);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static int probe_syscalls(struct compel_task *task, pid_t pid)
{
	long ret, addr;

	if (compel_syscall(task, SYS_getpid, &ret, 0, 0, 0, 0, 0, 0))
		return -1;
	EXPECT(ret == pid, "remote getpid gave %ld, not %d", ret, pid);
	if (compel_syscall(task, SYS_mmap, &addr, 0, 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
		return -1;
	EXPECT(addr > 0 || addr < -4095, "remote mmap failed: %ld", addr);
	if (compel_syscall(task, SYS_munmap, &ret, addr, 4096, 0, 0, 0, 0))
		return -1;
	EXPECT(ret == 0, "remote munmap gave %ld", ret);
	return 0;
}

static int probe_threads(struct compel_parasite *p, struct compel_task *task, unsigned int flags,
			 struct probe_result *res)
{
	struct test_args *args = compel_parasite_args(p);
	unsigned int i;
	long ret;

	for (i = 0; i < compel_task_nr_threads(task); i++) {
		if (compel_run_in_thread(p, i, TEST_CMD_THREAD_INFO, &ret))
			return -1;
		EXPECT(ret == compel_thread_tid(task, i), "thread %u said tid %ld, not %d", i, ret,
		       compel_thread_tid(task, i));
		EXPECT(args->thread_sigmask == compel_thread_sigmask(task, i),
		       "thread %u mask %#lx", i, (unsigned long)args->thread_sigmask);
		res->thread_cmds_ok += ret == compel_thread_tid(task, i);
		if ((flags & PROBE_CLOBBER_FPU) &&
		    compel_run_in_thread(p, i, TEST_CMD_CLOBBER_FPU, &ret))
			return -1;
	}
	return 0;
}

static int probe_parasite(struct compel_task *task, pid_t pid, unsigned int flags,
			  struct probe_result *res)
{
	struct compel_parasite *p;
	struct test_args *args;
	int ret, i, err = -1;

	p = compel_infect(task, &test_blob, sizeof(*args));
	if (!p)
		return -1;
	args = compel_parasite_args(p);
	if (compel_rpc_call_sync(p, TEST_CMD_SIGACTIONS, &ret) || ret)
		goto out;
	EXPECT(args->pid == pid, "parasite runs in %d, not %d", args->pid, pid);
	res->sigmask = args->sigmask;
	for (i = 0; i < 64; i++) {
		res->handlers[i] = args->acts[i].handler;
		res->flags[i] = args->acts[i].flags;
	}
	if ((flags & PROBE_CLOBBER_FPU) &&
	    (compel_rpc_call_sync(p, TEST_CMD_CLOBBER_FPU, &ret) || ret))
		goto out;
	if ((flags & PROBE_THREADS) && probe_threads(p, task, flags, res))
		goto out;
	err = 0;
out:
	if (compel_cure(p))
		err = -1;
	return err;
}

static bool same_text(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

int probe_task(pid_t pid, unsigned int flags, struct probe_result *res)
{
	char *maps_before, *maps_frozen = NULL, *maps_cured = NULL, *maps_after;
	struct compel_task *task;
	int err = -1;

	memset(res, 0, sizeof(*res));
	maps_before = proc_file(pid, "maps");
	task = compel_freeze(pid, 0);
	if (task) {
		maps_frozen = proc_file(pid, "maps");
		res->nr_threads = compel_task_nr_threads(task);
		/* Frozen means no thread can come or go: all of them must be ours. */
		EXPECT(proc_count_tasks(pid) == (int)res->nr_threads,
		       "%d has %d threads, %u frozen", pid, proc_count_tasks(pid), res->nr_threads);
		res->was_stopped = compel_task_was_stopped(task);
		if (!probe_syscalls(task, pid) &&
		    (!(flags & PROBE_PARASITE) || !probe_parasite(task, pid, flags, res)))
			err = 0;
		maps_cured = proc_file(pid, "maps");
		EXPECT(same_text(maps_frozen, maps_cured), "maps of %d changed while frozen", pid);
		if (compel_unfreeze(task))
			err = -1;
	}
	maps_after = proc_file(pid, "maps");
	EXPECT((flags & PROBE_MAPS_CHANGE) || same_text(maps_before, maps_after),
	       "maps of %d changed", pid);
	free(maps_before);
	free(maps_frozen);
	free(maps_cured);
	free(maps_after);
	return err;
}

int test_done(const char *name)
{
	printf("%s: %s\n", name, test_failures ? "FAIL" : "PASS");
	return test_failures ? 1 : 0;
}
