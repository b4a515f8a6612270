// SPDX-License-Identifier: GPL-2.0
/* Runner self-test: finds its requirements missing and skips. */
#include "zdtmtst.h"

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_skip("this test always skips");
	return 0;
}
