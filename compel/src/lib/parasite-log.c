// SPDX-License-Identifier: GPL-2.0
/* The parasite's log lines arrive on a pipe as "<level digit><text>\n". */

#include <string.h>
#include <unistd.h>

#include "compel-priv/log.h"
#include "compel-priv/parasite.h"

static void print_lines(pid_t pid, char *buf, size_t len)
{
	char *line = buf, *nl;
	unsigned int level;

	buf[len] = 0;
	while ((nl = strchr(line, '\n'))) {
		*nl = 0;
		level = line[0] >= '0' && line[0] <= '4' ? line[0] - '0' : COMPEL_LOG_INFO;
		compel_print(level, "parasite in %d: %s\n", pid, line[0] ? line + 1 : line);
		line = nl + 1;
	}
}

void parasite_drain_log(struct compel_parasite *p)
{
	char buf[4096];
	ssize_t n;

	if (p->log < 0)
		return;
	/* The pipe is non-blocking and each record was written at once. */
	while ((n = read(p->log, buf, sizeof(buf) - 1)) > 0)
		print_lines(p->task->pid, buf, n);
}
