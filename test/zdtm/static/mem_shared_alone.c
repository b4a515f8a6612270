// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory objects mapped by one task only:
 * - shared anonymous memory with its first pages unmapped (so the mapping
 *   starts at a non-zero offset of the object) and most pages never touched;
 * - a memfd whose size is not page aligned, mapped private and partly
 *   rewritten through the mapping (copy-on-write);
 * - a memfd sealed against writes and resizing, mapped shared read-only.
 * After restore every byte must be as before, the mappings must have the
 * same names and offsets in /proc/self/maps, the private copy must stay
 * private and the seals must be back.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "zdtmtst.h"

#define ANON_PAGES 16
#define MFD_SIZE (3 * PAGE_SIZE + 100)

static int maps_line(void *addr, char *out, size_t size)
{
	static char buf[1 << 20];
	unsigned long start;
	char *line, *save;

	if (read_file("/proc/self/maps", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%lx-", &start) == 1 && start == (unsigned long)addr) {
			/* without the inode number, which differs after restore */
			char perms[8], name[512] = "";
			unsigned long end, off;

			if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %511[^\n]", &start, &end, perms,
				   &off, name) < 4)
				return -1;
			snprintf(out, size, "%lx-%lx %s %lx %s", start, end, perms, off, name);
			return 0;
		}
	return -1;
}

/*
 * The seals, as the mapping sees them: a shared read-only mapping of a
 * memfd sealed against writes can't be made writable (no map_files here:
 * the test may lack CAP_SYS_ADMIN).
 */
static int can_write(void *addr, size_t len)
{
	if (mprotect(addr, len, PROT_READ | PROT_WRITE))
		return 0;
	mprotect(addr, len, PROT_READ);
	return 1;
}

int main(int argc, char **argv)
{
	char before[3][600], after[3][600];
	uint8_t *anon, *priv, *sealed, *expect, *file, *cow, *ro;
	size_t ro_len;
	uint32_t crc;
	int fd, fd2, i, seals, ret = 0;

	test_init(argc, argv);
	ro_len = 2 * PAGE_SIZE;
	file = malloc(MFD_SIZE);
	cow = malloc(PAGE_SIZE);
	ro = malloc(ro_len);
	if (!file || !cow || !ro) {
		pr_perror("malloc");
		return 1;
	}
	anon = mmap(NULL, ANON_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	expect = calloc(ANON_PAGES, PAGE_SIZE);
	if (anon == MAP_FAILED || !expect) {
		pr_perror("mmap");
		return 1;
	}
	crc = ~0U;
	datagen(expect, 4 * PAGE_SIZE, &crc);
	crc = ~0U;
	datagen(expect + 10 * PAGE_SIZE, PAGE_SIZE, &crc);
	memcpy(anon, expect, 4 * PAGE_SIZE);
	memcpy(anon + 10 * PAGE_SIZE, expect + 10 * PAGE_SIZE, PAGE_SIZE);
	munmap(anon, 2 * PAGE_SIZE);
	anon += 2 * PAGE_SIZE;
	expect += 2 * PAGE_SIZE;

	fd = memfd_create("zdtm-priv", 0);
	crc = ~0U;
	datagen(file, MFD_SIZE, &crc);
	if (fd < 0 || write(fd, file, MFD_SIZE) != (ssize_t)MFD_SIZE) {
		pr_perror("memfd");
		return 1;
	}
	priv = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (priv == MAP_FAILED) {
		pr_perror("mmap private memfd");
		return 1;
	}
	close(fd);
	crc = ~0U;
	datagen(cow, PAGE_SIZE, &crc);
	memcpy(priv + PAGE_SIZE, cow, PAGE_SIZE);

	fd2 = memfd_create("zdtm-sealed", MFD_ALLOW_SEALING);
	crc = ~0U;
	datagen(ro, ro_len, &crc);
	if (fd2 < 0 || write(fd2, ro, ro_len) != (ssize_t)ro_len ||
	    fcntl(fd2, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) {
		pr_perror("sealed memfd");
		return 1;
	}
	sealed = mmap(NULL, ro_len, PROT_READ, MAP_SHARED, fd2, 0);
	if (sealed == MAP_FAILED) {
		pr_perror("mmap sealed memfd");
		return 1;
	}
	close(fd2);
	seals = can_write(sealed, ro_len);
	for (i = 0; i < 3; i++)
		if (maps_line(i == 0 ? anon : i == 1 ? priv : sealed, before[i], sizeof(before[i]))) {
			pr_err("can't find mapping %d in maps\n", i);
			return 1;
		}

	test_daemon();
	test_waitsig();

	if (memcmp(anon, expect, (ANON_PAGES - 2) * PAGE_SIZE)) {
		fail("shared anonymous memory differs");
		ret = 1;
	}
	if (memcmp(priv, file, PAGE_SIZE) || memcmp(priv + PAGE_SIZE, cow, PAGE_SIZE) ||
	    memcmp(priv + 2 * PAGE_SIZE, file + 2 * PAGE_SIZE, MFD_SIZE - 2 * PAGE_SIZE)) {
		fail("private memfd mapping differs");
		ret = 1;
	}
	for (i = MFD_SIZE - 3 * PAGE_SIZE; i < (int)PAGE_SIZE; i++)
		if (priv[3 * PAGE_SIZE + i]) {
			fail("byte %d past the memfd's end is %#x", i, priv[3 * PAGE_SIZE + i]);
			ret = 1;
			break;
		}
	if (memcmp(sealed, ro, ro_len)) {
		fail("sealed memfd differs");
		ret = 1;
	}
	if (can_write(sealed, ro_len) != seals) {
		fail("the sealed mapping %s be made writable", seals ? "can't" : "can");
		ret = 1;
	}
	for (i = 0; i < 3; i++)
		if (maps_line(i == 0 ? anon : i == 1 ? priv : sealed, after[i], sizeof(after[i])) ||
		    strcmp(before[i], after[i])) {
			fail("maps \"%s\", expected \"%s\"", after[i], before[i]);
			ret = 1;
		}
	/* still shared with nobody but still writable shared memory */
	anon[0] = 0x5a;
	if (!ret)
		pass();
	return 0;
}
