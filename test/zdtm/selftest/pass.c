// SPDX-License-Identifier: GPL-2.0
/* Runner self-test: keeps some memory and passes if it is intact. */
#include <sys/mman.h>

#include "zdtmtst.h"

static int pages = 4;
TEST_OPTION(pages, int, "number of pages to fill", 0);

int main(int argc, char **argv)
{
	size_t len;
	uint32_t crc = ~0U;
	uint8_t *mem;

	test_init(argc, argv);

	/* unprivileged tests run with the runner's test credentials */
	if (getenv("ZDTM_UID") && getuid() != (uid_t)atoi(getenv("ZDTM_UID"))) {
		pr_err("uid %d, expected %s", getuid(), getenv("ZDTM_UID"));
		return 1;
	}

	len = pages * PAGE_SIZE;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	datagen(mem, len, &crc);

	test_daemon();
	test_waitsig();

	crc = ~0U;
	if (datachk(mem, len, &crc))
		fail("memory corrupted");
	else
		pass();
	return 0;
}
