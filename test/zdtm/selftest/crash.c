// SPDX-License-Identifier: GPL-2.0
/* Runner self-test: dies of a signal after the checkpoint, before any verdict. */
#include "zdtmtst.h"

static volatile int *volatile nowhere;

int main(int argc, char **argv)
{
	test_init(argc, argv);
	test_daemon();
	test_waitsig();
	/* a real fault: raise() would be ignored by the init of a pid namespace */
	*nowhere = 0;
	pass();
	return 0;
}
