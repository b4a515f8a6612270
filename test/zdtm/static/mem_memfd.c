// SPDX-License-Identifier: GPL-2.0
/*
 * A memfd mapped shared by the test and its child (the fd itself is closed:
 * only the mappings keep the file).  After restore the content must be
 * intact, /proc/self/maps must name the same memfd, and a write by one
 * process must be seen by the other.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define NPAGES 8

static int maps_name(void *addr, char *out, size_t size)
{
	static char buf[1 << 20];
	unsigned long start, end;
	char *line, *save;
	int pos;

	if (read_file("/proc/self/maps", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		pos = 0;
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &start, &end, &pos) == 2 && pos &&
		    start == (unsigned long)addr) {
			snprintf(out, size, "%s", line + pos);
			return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	char name_before[256], name_after[256];
	volatile uint32_t *chan;
	uint32_t crc, token;
	uint8_t *mem;
	size_t len;
	int fd, status, ret = 0;
	pid_t pid;

	test_init(argc, argv);
	len = NPAGES * PAGE_SIZE;
	fd = memfd_create("zdtm-memfd", 0);
	if (fd < 0) {
		pr_perror("memfd_create");
		return 1;
	}
	if (ftruncate(fd, len + PAGE_SIZE)) {
		pr_perror("ftruncate");
		return 1;
	}
	mem = mmap(NULL, len + PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	close(fd);
	chan = (uint32_t *)(mem + len);
	crc = ~0U;
	datagen(mem, len, &crc);
	if (maps_name(mem, name_before, sizeof(name_before)) ||
	    !strstr(name_before, "memfd:zdtm-memfd")) {
		pr_err("no memfd in maps");
		return 1;
	}
	token = (uint32_t)lrand48() | 1;

	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		chan[1] = 1;
		test_waitsig();
		crc = ~0U;
		if (datachk(mem, len, &crc)) {
			fail("child: data corrupted");
			_exit(1);
		}
		if (chan[0] != token) {
			fail("child: token %#x, expected %#x", chan[0], token);
			_exit(1);
		}
		chan[1] = ~token;
		_exit(0);
	}
	while (chan[1] != 1)
		usleep(1000);

	test_daemon();
	test_waitsig();

	crc = ~0U;
	if (datachk(mem, len, &crc)) {
		fail("data corrupted");
		ret = 1;
	}
	if (maps_name(mem, name_after, sizeof(name_after)) || strcmp(name_before, name_after)) {
		fail("mapping is \"%s\", expected \"%s\"", name_after, name_before);
		ret = 1;
	}
	chan[0] = token;
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	} else if (chan[1] != ~token) {
		fail("the child's write is not seen");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
