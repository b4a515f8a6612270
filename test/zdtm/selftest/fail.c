// SPDX-License-Identifier: GPL-2.0
/* Runner self-test: always fails, the runner must say so. */
#include "zdtmtst.h"

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_daemon();
	test_waitsig();

	errno = 0;
	fail("this test fails on purpose");
	return 0;
}
