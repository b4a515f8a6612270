// SPDX-License-Identifier: GPL-2.0
/*
 * Shared anonymous memory between the test and a child, plus a private area
 * inherited by the child and partly rewritten by it (copy-on-write).  After
 * restore both must see the shared data, a write by one must be seen by the
 * other, and each must see its own version of the private area.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtmtst.h"

#define NPAGES 8

struct chan {
	volatile uint32_t token, reply;
};

int main(int argc, char **argv)
{
	uint8_t *shared, *priv;
	struct chan *chan;
	size_t len, half;
	uint32_t crc, token;
	int status, ret = 0;
	pid_t pid;

	test_init(argc, argv);
	len = NPAGES * PAGE_SIZE;
	half = len / 2;
	shared = mmap(NULL, len + PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || priv == MAP_FAILED) {
		pr_perror("mmap");
		return 1;
	}
	chan = (struct chan *)(shared + len);
	crc = ~0U;
	datagen(shared, len, &crc);
	crc = ~0U;
	datagen(priv, half, &crc);
	crc = ~0U;
	datagen(priv + half, half, &crc);
	token = (uint32_t)lrand48() | 1;

	pid = test_fork();
	if (pid < 0) {
		pr_perror("fork");
		return 1;
	}
	if (pid == 0) {
		/* the child's own second half of the private area */
		crc = ~0U;
		datagen(priv + half, half, &crc);
		chan->reply = 1;
		test_waitsig();
		/* the test wrote the token before it woke us */
		if (chan->token != token) {
			fail("child: token %#x, expected %#x", chan->token, token);
			_exit(1);
		}
		crc = ~0U;
		if (datachk(shared, len, &crc)) {
			fail("child: shared data corrupted");
			_exit(1);
		}
		crc = ~0U;
		if (datachk(priv, half, &crc)) {
			fail("child: inherited private data corrupted");
			_exit(1);
		}
		crc = ~0U;
		if (datachk(priv + half, half, &crc)) {
			fail("child: own private data corrupted");
			_exit(1);
		}
		chan->reply = ~token;
		_exit(0);
	}
	while (chan->reply != 1)
		usleep(1000);

	test_daemon();
	test_waitsig();

	crc = ~0U;
	if (datachk(shared, len, &crc)) {
		fail("shared data corrupted");
		ret = 1;
	}
	crc = ~0U;
	if (datachk(priv, half, &crc)) {
		fail("first half of the private data corrupted");
		ret = 1;
	}
	crc = ~0U;
	if (datachk(priv + half, half, &crc)) {
		fail("second half of the private data corrupted");
		ret = 1;
	}
	chan->token = token;
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fail("the child ended with 0x%x", status);
		ret = 1;
	} else if (chan->reply != ~token) {
		fail("the child's write is not seen: %#x, expected %#x", chan->reply, ~token);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
