// SPDX-License-Identifier: GPL-2.0
/*
 * Mappings of a file that was deleted: a private one with modified and
 * clean pages, and two shared ones of the same file.  After restore the
 * content must be intact, /proc/self/maps must still show the file as
 * deleted, and the two shared mappings must still share their pages.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "zdtmtst.h"

#define NPAGES 4
#define FNAME "mem_file_deleted.data"

static int maps_line(void *addr, char *out, size_t size)
{
	static char buf[1 << 20];
	unsigned long start, end;
	char *line, *save;

	if (read_file("/proc/self/maps", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char range[64], perms[8], off[32], dev[16], path[4096];

		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    start <= (unsigned long)addr && (unsigned long)addr < end) {
			/*
			 * An unlinked file is recreated at restore: a new inode,
			 * so everything but the inode number must match.
			 */
			if (sscanf(line, "%63s %7s %31s %15s %*s %4095[^\n]", range, perms, off, dev,
				   path) != 5)
				return -1;
			if (snprintf(out, size, "%s %s %s %s %.400s", range, perms, off, dev, path) < 0)
				return -1;
			return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	uint8_t *priv, *sh1, *sh2, *data;
	char line[3][512], now[512];
	struct stat st_before, st;
	size_t len;
	uint32_t crc = ~0U;
	uint8_t priv0;
	int fd, i, ret = 0;

	test_init(argc, argv);
	len = NPAGES * PAGE_SIZE;
	data = malloc(len);
	if (!data) {
		pr_perror("malloc");
		return 1;
	}
	datagen2(data, len, &crc);
	fd = open(FNAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_data(fd, data, len)) {
		pr_perror("can't write the file");
		return 1;
	}
	priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	sh1 = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	sh2 = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (priv == MAP_FAILED || sh1 == MAP_FAILED || sh2 == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	if (fstat(fd, &st_before)) {
		pr_perror("fstat");
		return 1;
	}
	close(fd);
	if (unlink(FNAME)) {
		pr_perror("unlink");
		return 1;
	}
	priv0 = ~data[0];
	priv[0] = priv0;
	sh1[PAGE_SIZE] = ~data[PAGE_SIZE];
	data[PAGE_SIZE] = ~data[PAGE_SIZE];
	if (maps_line(priv, line[0], sizeof(line[0])) || maps_line(sh1, line[1], sizeof(line[1])) ||
	    maps_line(sh2, line[2], sizeof(line[2])) || !strstr(line[2], "(deleted)")) {
		pr_err("can't find the mappings in maps");
		return 1;
	}

	test_daemon();
	test_waitsig();

	for (i = 0; i < 3; i++) {
		if (maps_line(i == 0 ? priv : i == 1 ? sh1 : sh2, now, sizeof(now)) ||
		    strcmp(now, line[i])) {
			fail("maps line \"%s\", expected \"%s\"", now, line[i]);
			ret = 1;
		}
	}
	if (priv[0] != priv0 || memcmp(priv + 1, data + 1, len - 1)) {
		fail("the private mapping is corrupted");
		ret = 1;
	}
	if (memcmp(sh1, data, len) || memcmp(sh2, data, len)) {
		fail("a shared mapping is corrupted");
		ret = 1;
	}
	sh1[3 * PAGE_SIZE + 7] ^= 0x5a;
	if (sh2[3 * PAGE_SIZE + 7] != sh1[3 * PAGE_SIZE + 7]) {
		fail("the shared mappings do not share pages any more");
		ret = 1;
	}
	/* the private one is not shared: it shows file pages it did not copy */
	if (priv[3 * PAGE_SIZE + 7] != sh1[3 * PAGE_SIZE + 7]) {
		fail("the private mapping does not see the file's clean pages");
		ret = 1;
	}
	fd = open("/proc/self/map_files", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		char name[64];

		snprintf(name, sizeof(name), "%lx-%lx", (unsigned long)sh1,
			 (unsigned long)sh1 + len);
		if (fstatat(fd, name, &st, 0) == 0 && st.st_size != st_before.st_size) {
			fail("the file has size %ld, expected %ld", (long)st.st_size,
			     (long)st_before.st_size);
			ret = 1;
		}
		close(fd);
	}
	if (!ret)
		pass();
	return 0;
}
