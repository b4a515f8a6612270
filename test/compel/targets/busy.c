// SPDX-License-Identifier: GPL-2.0
/*
 * Computes the same checksum round after round until told to stop; any
 * register or memory corruption shows up as a round that disagrees.
 */

#include <poll.h>

#include "target.h"

#define ROUND_ITERS 20000000UL

int main(void)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	unsigned long first, sum, rounds = 0, bad = 0;

	target_say("ready\n");
	first = target_checksum(ROUND_ITERS);
	do {
		sum = target_checksum(ROUND_ITERS);
		bad += sum != first;
		rounds++;
	} while (poll(&pfd, 1, 0) == 0);
	target_say("rounds=%lu bad=%lu sum=%lu\n", rounds, bad, first);
	return 0;
}
