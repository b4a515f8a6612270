// SPDX-License-Identifier: GPL-2.0
/*
 * Enough memory (41 MiB) for criu to take it through its dump parasite, in
 * readable areas on both sides of an area it can't read (PROT_NONE, with
 * data), so that pages leave through the parasite (copied through its shared
 * ring of slots, or written into the image by the task itself in the _write
 * variants) and through /proc/PID/mem in turn.  After restore every byte must be there; the task
 * must have the same fds as before (the parasite's are gone) and the same
 * signal mask.  With STRICT_MAPS (the dumpfail variants, where the task
 * is never restored) /proc/self/maps must not have changed at all: no
 * parasite mapping left behind.  With FREE_FDS the task can open only that
 * many more fds (RLIMIT_NOFILE): too few for the parasite, whose pages are
 * then read through /proc, or just enough for it.
 */
#include <dirent.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "zdtmtst.h"

#define BIG (20UL << 20)
#define HIDDEN (1UL << 20)

static int fd_list(char *out, size_t size)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return -1;
	out[0] = 0;
	while ((de = readdir(d))) {
		char path[300], target[256];
		ssize_t len;

		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			len = 0;
		target[len] = 0;
		n += snprintf(out + n, size - n, "%s %s\n", de->d_name, target);
		if (n >= size) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

static int check_area(const char *what, uint8_t *p, size_t len)
{
	uint32_t crc = ~0U;

	if (datachk(p, len, &crc)) {
		fail("%s: data corrupted", what);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char fds_before[8192], fds_after[8192];
	static char maps_before[1 << 16], maps_after[1 << 16];
	uint8_t *lo, *hidden, *hi;
	sigset_t mask_before, mask_after;
	uint32_t crc;
	int ret = 0;

	test_init(argc, argv);

	/* One reservation, so that the three parts are neighbours. */
	lo = mmap(NULL, 2 * BIG + HIDDEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	if (lo == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	hidden = lo + BIG;
	hi = hidden + HIDDEN;
	crc = ~0U;
	datagen(lo, BIG, &crc);
	crc = ~0U;
	datagen(hidden, HIDDEN, &crc);
	crc = ~0U;
	datagen(hi, BIG, &crc);
	if (mprotect(hidden, HIDDEN, PROT_NONE)) {
		pr_perror("mprotect");
		return 1;
	}
	sigemptyset(&mask_before);
	sigaddset(&mask_before, SIGUSR2);
	sigaddset(&mask_before, SIGRTMIN + 3);
	if (sigprocmask(SIG_BLOCK, &mask_before, NULL) || sigprocmask(SIG_BLOCK, NULL, &mask_before))
		return 1;
	/* Once for nothing: opendir's first malloc makes the heap, before maps are read. */
	if (fd_list(fds_before, sizeof(fds_before)) ||
	    read_file("/proc/self/maps", maps_before, sizeof(maps_before)) < 0) {
		pr_err("can't read maps");
		return 1;
	}

	test_daemon();
	/* After the runner's start-up pipe is gone; the task is frozen while dumped. */
	if (fd_list(fds_before, sizeof(fds_before))) {
		fail("can't list fds");
		return 1;
	}
#ifdef FREE_FDS
	{
		struct rlimit rl;
		int fd = dup(0);

		/* fd is the lowest free one; one more stays free for opendir(). */
		close(fd);
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = fd + 1 + FREE_FDS;
		if (fd < 0 || setrlimit(RLIMIT_NOFILE, &rl)) {
			fail("can't limit fds");
			return 1;
		}
	}
#endif
	test_waitsig();

	if (read_file("/proc/self/maps", maps_after, sizeof(maps_after)) < 0 ||
	    fd_list(fds_after, sizeof(fds_after))) {
		fail("can't read fds or maps");
		return 1;
	}
	if (strcmp(fds_before, fds_after)) {
		fail("fds differ");
		test_msg("before:\n%safter:\n%s", fds_before, fds_after);
		ret = 1;
	}
#ifdef STRICT_MAPS
	if (strcmp(maps_before, maps_after)) {
		fail("maps differ");
		test_msg("before:\n%safter:\n%s", maps_before, maps_after);
		ret = 1;
	}
#endif
	sigemptyset(&mask_after);
	sigprocmask(SIG_BLOCK, NULL, &mask_after);
	for (int sig = 1; sig < SIGRTMAX; sig++) {
		if (sigismember(&mask_before, sig) != sigismember(&mask_after, sig)) {
			fail("signal %d: blocked %d before, %d after", sig,
			     sigismember(&mask_before, sig), sigismember(&mask_after, sig));
			ret = 1;
		}
	}
	ret |= check_area("below", lo, BIG);
	ret |= check_area("above", hi, BIG);
	if (mprotect(hidden, HIDDEN, PROT_READ)) {
		fail("mprotect");
		ret = 1;
	} else {
		ret |= check_area("PROT_NONE part", hidden, HIDDEN);
	}
	if (!ret)
		pass();
	return 0;
}
