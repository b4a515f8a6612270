// SPDX-License-Identifier: GPL-2.0
/* Runner self-test: never answers SIGTERM; the runner must time out and kill it. */
#include <signal.h>

#include "zdtmtst.h"

int main(int argc, char **argv)
{
	test_init(argc, argv);
	signal(SIGTERM, SIG_IGN);
	test_daemon();
	for (;;)
		pause();
	return 0;
}
