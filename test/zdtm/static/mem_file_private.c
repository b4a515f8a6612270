// SPDX-License-Identifier: GPL-2.0
/*
 * A private mapping of a file, some pages modified (copy-on-write), the
 * others only read.  After restore the modified pages must hold the
 * modifications, the others the file's content, and the file itself must be
 * unchanged; a page modified after restore must not reach the file either.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "zdtmtst.h"

#define NPAGES 16

static int modified(int pg)
{
	return pg % 3 == 1;
}

int main(int argc, char **argv)
{
	uint8_t *map, *file_data, *priv_data;
	size_t len;
	uint32_t crc;
	int fd, pg, ret = 0;

	test_init(argc, argv);
	len = NPAGES * PAGE_SIZE;
	file_data = malloc(len);
	priv_data = malloc(len);
	if (!file_data || !priv_data) {
		pr_perror("malloc");
		return 1;
	}
	crc = ~0U;
	datagen2(file_data, len, &crc);
	crc = ~0U;
	datagen2(priv_data, len, &crc);

	fd = open("mem_file_private.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_data(fd, file_data, len)) {
		pr_perror("can't write the file");
		return 1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	close(fd);
	for (pg = 0; pg < NPAGES; pg++) {
		if (modified(pg))
			memcpy(map + pg * PAGE_SIZE, priv_data + pg * PAGE_SIZE, PAGE_SIZE);
		/* read (maps the page cache), the rest is left untouched */
		else if (pg % 3 == 0 && map[pg * PAGE_SIZE] != file_data[pg * PAGE_SIZE]) {
			pr_err("page %d does not show the file", pg);
			return 1;
		}
	}

	test_daemon();
	test_waitsig();

	for (pg = 0; pg < NPAGES; pg++) {
		const uint8_t *want = modified(pg) ? priv_data : file_data;

		if (memcmp(map + pg * PAGE_SIZE, want + pg * PAGE_SIZE, PAGE_SIZE)) {
			fail("page %d: content differs from the %s data", pg,
			     modified(pg) ? "modified" : "file's");
			ret = 1;
		}
	}
	/* write to a clean page now: the file must not see it */
	map[2 * PAGE_SIZE] ^= 0xff;
	fd = open("mem_file_private.data", O_RDONLY);
	if (fd < 0 || read_data(fd, priv_data, len)) {
		fail("can't read the file back");
		return 1;
	}
	close(fd);
	if (memcmp(priv_data, file_data, len)) {
		fail("the file has changed");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
