// SPDX-License-Identifier: GPL-2.0
/* The parasite's main: one trap-mode command, or the daemon serving the control socket. */

#include "compel/plugins/std/std.h"

/* Set by compel through the entry arguments; the same for every thread. */
static struct compel_parasite_hdr *cur_hdr;

struct compel_parasite_hdr *std_hdr(void)
{
	return cur_hdr;
}

static long xfer_msg(int fd, struct compel_rpc_msg *m, int send)
{
	struct std_iovec iov = { .base = m, .len = sizeof(*m) };
	struct std_msghdr h = { .iov = &iov, .iovlen = 1 };

	if (send)
		return sys_sendmsg(fd, &h, STD_MSG_NOSIGNAL);
	return sys_recvmsg(fd, &h, 0);
}

/* compel's end of the control socket is closed: it is gone. */
static int ctl_peer_gone(void)
{
	char c;
	struct std_iovec iov = { .base = &c, .len = 1 };
	struct std_msghdr h = { .iov = &iov, .iovlen = 1 };

	return sys_recvmsg(cur_hdr->ctl_fd, &h, STD_MSG_PEEK | STD_MSG_DONTWAIT) == 0;
}

long std_wait_word(uint32_t *word, uint32_t val)
{
	/* Long: the timeout only serves to notice a compel that died. */
	const struct std_timespec slice = { 0, 200000000 };

	if (sys_futex(word, STD_FUTEX_WAIT, val, &slice) == -110 /* ETIMEDOUT */ && ctl_peer_gone())
		return -32; /* EPIPE */
	return 0;
}

void std_wake_word(uint32_t *word)
{
	sys_futex(word, STD_FUTEX_WAKE, 1, 0);
}

static int dispatch(unsigned int cmd, void *args)
{
	if (cmd == COMPEL_CMD_PING)
		return 0;
	/* compel asks the daemon itself to run per-thread commands on the leader. */
	if (cmd & COMPEL_CMD_THREAD_FLAG)
		return parasite_trap_cmd(cmd & ~COMPEL_CMD_THREAD_FLAG, args);
	return parasite_daemon_cmd(cmd, args);
}

static long daemon_loop(struct compel_parasite_hdr *hdr, void *args)
{
	struct compel_rpc_msg m;
	long n;

	std_pr_debug("parasite daemon up in %d", (int)sys_getpid());
	for (;;) {
		n = xfer_msg(hdr->ctl_fd, &m, 0);
		if (n != sizeof(m)) {
			std_pr_err("control socket broke: %d", (int)n);
			return n < 0 ? n : -32;
		}
		m.ret = m.cmd == COMPEL_CMD_FINI ? 0 : dispatch(m.cmd, args);
		n = xfer_msg(hdr->ctl_fd, &m, 1);
		if (m.cmd == COMPEL_CMD_FINI || n != sizeof(m))
			return n == sizeof(m) ? 0 : n;
	}
}

long std_parasite_main(struct compel_parasite_hdr *hdr, unsigned long cmd, void *args)
{
	if (hdr->magic != COMPEL_PARASITE_MAGIC)
		return -22;
	cur_hdr = hdr;
	if (cmd == COMPEL_CMD_DAEMON)
		return daemon_loop(hdr, args);
	return parasite_trap_cmd(cmd, args);
}
