// SPDX-License-Identifier: GPL-2.0
/*
 * One memfd seen through an fd and through mappings in two tasks: the test
 * keeps the fd (its child inherits it: one description for both) and has
 * a private copy-on-write mapping of it; the child maps it shared.  After
 * restore it must still be one memfd: what the child writes through its
 * mapping is read through the test's fd, what the test writes through the
 * fd shows in the child's mapping, and the test's private copy keeps its
 * own data.  A second memfd is the other way round: the test maps it
 * shared and closed its fd, the child keeps only the fd; a write through
 * the child's fd must show in the test's mapping.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define NPAGES 4

int main(int argc, char **argv)
{
	uint8_t *data, *priv, *mine;
	volatile uint32_t *map2;
	uint32_t crc, token, v;
	size_t len;
	int fd, fd2, status, ret = 0;
	pid_t pid;

	test_init(argc, argv);
	len = NPAGES * PAGE_SIZE;
	data = malloc(len);
	mine = malloc(PAGE_SIZE);
	fd = memfd_create("zdtm-fd-map", 0);
	if (!data || !mine || fd < 0) {
		pr_perror("memfd_create");
		return 1;
	}
	crc = ~0U;
	datagen(data, len, &crc);
	if (write(fd, data, len) != (ssize_t)len) {
		pr_perror("write");
		return 1;
	}
	priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (priv == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	crc = ~0U;
	datagen(mine, PAGE_SIZE, &crc);
	memcpy(priv + PAGE_SIZE, mine, PAGE_SIZE);
	fd2 = memfd_create("zdtm-child-fd", 0);
	if (fd2 < 0 || ftruncate(fd2, PAGE_SIZE)) {
		pr_perror("second memfd");
		return 1;
	}
	map2 = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	if (map2 == MAP_FAILED) {
		pr_perror("mmap second memfd");
		return 1;
	}
	map2[0] = 0x600d;
	token = (uint32_t)lrand48() | 1;

	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		volatile uint32_t *w;
		uint8_t *map;

		munmap(priv, len);
		munmap((void *)map2, PAGE_SIZE);
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			_exit(2);
		w = (volatile uint32_t *)(map + len - PAGE_SIZE);
		w[0] = 1; /* ready */
		test_waitsig();
		/* the test wrote the token through its fd before it woke us */
		if (w[1] != token) {
			fail("child: token %#x through the mapping, expected %#x", w[1], token);
			_exit(1);
		}
		if (memcmp(map, data, len - PAGE_SIZE)) {
			fail("child: data corrupted");
			_exit(1);
		}
		w[2] = ~token;
		v = token + 1;
		if (pwrite(fd2, &v, sizeof(v), 4) != sizeof(v))
			_exit(1);
		_exit(0);
	}
	do {
		usleep(1000);
		if (pread(fd, &v, sizeof(v), len - PAGE_SIZE) != sizeof(v)) {
			pr_perror("pread");
			return 1;
		}
	} while (v != 1);
	close(fd2);

	test_daemon();
	test_waitsig();

	if (memcmp(priv, data, PAGE_SIZE) || memcmp(priv + PAGE_SIZE, mine, PAGE_SIZE) ||
	    memcmp(priv + 2 * PAGE_SIZE, data + 2 * PAGE_SIZE, PAGE_SIZE)) {
		fail("the private mapping differs");
		ret = 1;
	}
	if (pwrite(fd, &token, sizeof(token), len - PAGE_SIZE + 4) != sizeof(token)) {
		fail("pwrite");
		ret = 1;
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	} else if (pread(fd, &v, sizeof(v), len - PAGE_SIZE + 8) != sizeof(v) || v != ~token) {
		fail("the child's write is not seen through the fd: %#x", v);
		ret = 1;
	} else if (map2[0] != 0x600d || map2[1] != token + 1) {
		fail("second memfd: %#x %#x, expected 0x600d %#x", map2[0], map2[1], token + 1);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
