// SPDX-License-Identifier: GPL-2.0
/* The main thread exits; a second thread lives on, blocked in read(). */

#include <pthread.h>
#include <string.h>

#include "target.h"

static void *reader(void *arg)
{
	char buf[16] = "";
	ssize_t n = read(0, buf, sizeof(buf) - 1);

	buf[strcspn(buf, "\n")] = 0;
	target_say("read=%zd data=%s\n", n, buf);
	exit(0);
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, reader, NULL);
	target_say("ready\n");
	pthread_exit(NULL);
}
