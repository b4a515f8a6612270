// SPDX-License-Identifier: GPL-2.0
/* Blocks in read() on a pipe, with an SA_RESTART handler installed. */

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "target.h"

static void on_usr2(int sig)
{
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr2, .sa_flags = SA_RESTART };
	char buf[64] = "";
	ssize_t n;

	sigaction(SIGUSR2, &sa, NULL);
	target_say("ready\n");
	n = read(0, buf, sizeof(buf) - 1);
	if (n > 0)
		buf[strcspn(buf, "\n")] = 0;
	target_say("read=%zd errno=%d data=%s\n", n, n < 0 ? errno : 0, buf);
	return 0;
}
