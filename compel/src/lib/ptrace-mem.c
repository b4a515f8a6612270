// SPDX-License-Identifier: GPL-2.0
/* Word-wise access to a stopped thread's memory; lengths are multiples of a word. */

#include <string.h>
#include <sys/ptrace.h>

#include "compel-priv/log.h"
#include "compel-priv/remote.h"

int ptrace_peek_area(pid_t tid, unsigned long addr, void *buf, size_t len)
{
	unsigned long *w = buf;
	size_t i;

	for (i = 0; i < len / sizeof(*w); i++) {
		errno = 0;
		w[i] = ptrace(PTRACE_PEEKDATA, tid, addr + i * sizeof(*w), NULL);
		if (errno) {
			pr_perror("can't read %d's memory at %#lx", tid, addr);
			return -1;
		}
	}
	return 0;
}

int ptrace_poke_area(pid_t tid, unsigned long addr, const void *buf, size_t len)
{
	const unsigned long *w = buf;
	size_t i;

	for (i = 0; i < len / sizeof(*w); i++) {
		if (ptrace(PTRACE_POKEDATA, tid, addr + i * sizeof(*w), w[i])) {
			pr_perror("can't write %d's memory at %#lx", tid, addr);
			return -1;
		}
	}
	return 0;
}
