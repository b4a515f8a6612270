// SPDX-License-Identifier: GPL-2.0
/* Comparing the watches of an epoll before and after restore. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdtmtst.h"

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The watches of an epoll as a sorted set of "tfd events data pos" lines.
 * The kernel lists watches in an order of its own, and registering a watch
 * always adds EPOLLERR|EPOLLHUP (a disarmed one-shot watch re-added at
 * restore shows them): order and those two bits are not compared.
 */
int epoll_watch_set(int ep, char *out, size_t size)
{
	char path[64], buf[4096], *l, *save, *lines[64], one[128];
	unsigned long long data;
	unsigned int events;
	size_t len = 0, n = 0, i;
	int tfd, pos;

	ssprintf(path, "/proc/self/fdinfo/%d", ep);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	out[0] = 0;
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "tfd:", 4))
			continue;
		if (n == ARRAY_SIZE(lines) ||
		    sscanf(l, "tfd: %d events: %x data: %llx pos:%d", &tfd, &events, &data, &pos) != 4)
			return -1;
		lines[n++] = l;
		snprintf(one, sizeof(one), "tfd: %d events: %x data: %llx pos:%d", tfd,
			 events & ~0x18U, data, pos);
		strcpy(l, one);
	}
	qsort(lines, n, sizeof(lines[0]), cmp_line);
	for (i = 0; i < n; i++) {
		len += snprintf(out + len, size - len, "%s\n", lines[i]);
		if (len >= size)
			return -1;
	}
	return 0;
}
