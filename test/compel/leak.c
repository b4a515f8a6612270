// SPDX-License-Identifier: GPL-2.0
/*
 * Infect and cure the same program 1000 times: neither side may leak fds or
 * memory, and the target's mappings must stay exactly the same.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define ROUNDS 1000
#define WARMUP 20

#ifdef __SANITIZE_ADDRESS__
/*
 * ASan parks freed memory in a quarantine (256 MB by default) that would look
 * like a leak here; keep it small.  LeakSanitizer looks for real leaks at exit.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=4";
}
#define RSS_SLACK_KB (1024 + 8192)
#else
#define RSS_SLACK_KB 1024
#endif

struct usage {
	int fds;
	long rss_kb;
	long vm_kb;
};

static void measure(pid_t pid, struct usage *u)
{
	u->fds = proc_count_fds(pid);
	u->rss_kb = proc_status_value(pid, "VmRSS:");
	u->vm_kb = proc_status_value(pid, "VmSize:");
}

static int rounds(pid_t pid, int n)
{
	struct probe_result res;
	int i;

	for (i = 0; i < n; i++)
		if (probe_task(pid, PROBE_PARASITE | PROBE_QUIET, &res)) {
			fprintf(stderr, "round %d failed\n", i);
			return -1;
		}
	return 0;
}

int main(void)
{
	struct usage self0, self1, tgt0, tgt1;
	char *maps0, *maps1, line[64];
	struct target t;

	harness_init();
	if (target_start(&t, "idle", NULL) || wait_state(t.pid, 'S'))
		return 1;
	/* Let allocator pools and the poked code page settle first. */
	EXPECT(!rounds(t.pid, WARMUP), "warm-up failed");
	measure(getpid(), &self0);
	measure(t.pid, &tgt0);
	maps0 = proc_file(t.pid, "maps");

	EXPECT(!rounds(t.pid, ROUNDS), "infection rounds failed");

	measure(getpid(), &self1);
	measure(t.pid, &tgt1);
	maps1 = proc_file(t.pid, "maps");
	EXPECT(maps0 && maps1 && !strcmp(maps0, maps1), "target maps changed");
	EXPECT(self0.fds == self1.fds, "our fds: %d -> %d", self0.fds, self1.fds);
	EXPECT(tgt0.fds == tgt1.fds, "target fds: %d -> %d", tgt0.fds, tgt1.fds);
	EXPECT(tgt0.vm_kb == tgt1.vm_kb, "target VmSize: %ld -> %ld kB", tgt0.vm_kb, tgt1.vm_kb);
	EXPECT(tgt1.rss_kb - tgt0.rss_kb <= 16, "target VmRSS: %ld -> %ld kB", tgt0.rss_kb,
	       tgt1.rss_kb);
	EXPECT(self1.vm_kb - self0.vm_kb < 2 * RSS_SLACK_KB, "our VmSize: %ld -> %ld kB",
	       self0.vm_kb, self1.vm_kb);
	/* Allow for allocator noise, not for a leak per round. */
	EXPECT(self1.rss_kb - self0.rss_kb < RSS_SLACK_KB, "our VmRSS: %ld -> %ld kB", self0.rss_kb,
	       self1.rss_kb);
	printf("self fds %d->%d rss %ld->%ld kB; target fds %d->%d rss %ld->%ld kB\n", self0.fds,
	       self1.fds, self0.rss_kb, self1.rss_kb, tgt0.fds, tgt1.fds, tgt0.rss_kb, tgt1.rss_kb);
	free(maps0);
	free(maps1);

	target_write(&t, "go\n");
	EXPECT(!target_read_line(&t, line, sizeof(line), 5000), "no answer");
	EXPECT(!strcmp(line, "done usr1=0 usr2=0 rt=0 trap=0"), "target said: %s", line);
	EXPECT(target_wait(&t) == 0, "target failed");
	return test_done("leak");
}
