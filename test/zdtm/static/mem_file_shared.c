// SPDX-License-Identifier: GPL-2.0
/*
 * A shared mapping of a file, written through the mapping before the
 * checkpoint.  After restore the mapping must show the data, and must still
 * be shared with the file: writes through the mapping reach the file, and
 * writes to the file show in the mapping.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "zdtmtst.h"

#define NPAGES 8
#define FNAME "mem_file_shared.data"

int main(int argc, char **argv)
{
	uint8_t *map, *data, *buf;
	size_t len;
	uint32_t crc = ~0U;
	int fd, ret = 0;

	test_init(argc, argv);
	len = NPAGES * PAGE_SIZE;
	data = malloc(len);
	buf = malloc(len);
	if (!data || !buf) {
		pr_perror("malloc");
		return 1;
	}
	fd = open(FNAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, len)) {
		pr_perror("can't make the file");
		return 1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	close(fd);
	datagen2(data, len, &crc);
	/* all but the last page through the mapping */
	memcpy(map, data, len - PAGE_SIZE);

	test_daemon();
	test_waitsig();

	if (memcmp(map, data, len - PAGE_SIZE)) {
		fail("the mapping lost its data");
		ret = 1;
	}
	map[len - PAGE_SIZE] = 0x42;
	map[len - 1] = 0x24;
	if (msync(map, len, MS_SYNC)) {
		fail("msync");
		ret = 1;
	}
	fd = open(FNAME, O_RDWR);
	if (fd < 0 || read_data(fd, buf, len)) {
		fail("can't read the file");
		return 1;
	}
	if (memcmp(buf, data, len - PAGE_SIZE)) {
		fail("the file lacks the data written before the checkpoint");
		ret = 1;
	}
	if (buf[len - PAGE_SIZE] != 0x42 || buf[len - 1] != 0x24) {
		fail("a write through the mapping after restore did not reach the file");
		ret = 1;
	}
	if (pwrite(fd, "zdtm", 4, 100) != 4) {
		fail("pwrite");
		return 1;
	}
	close(fd);
	if (memcmp(map + 100, "zdtm", 4)) {
		fail("a write to the file does not show in the mapping");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
