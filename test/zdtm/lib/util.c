// SPDX-License-Identifier: GPL-2.0
/* Small helpers shared by tests: fd I/O, task synchronisation, TCP. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>

#include "zdtmtst.h"

int set_nonblock(int fd, int on)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -1;
	flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, flags);
}

int read_data(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENODATA;
			return -1;
		}
		done += n;
	}
	return 0;
}

int write_data(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

ssize_t read_file(const char *path, char *buf, size_t size)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	if (!size)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (done < size - 1) {
		n = read(fd, buf + done, size - 1 - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		done += n;
	}
	close(fd);
	buf[done] = '\0';
	return done;
}

/* ------------------------------------------------------------ task_waiter */

void task_waiter_init(task_waiter_t *t)
{
	t->seed = lrand48();
	if (pipe(t->pipes)) {
		pr_perror("task_waiter: pipe");
		exit(1);
	}
}

void task_waiter_fini(task_waiter_t *t)
{
	close(t->pipes[0]);
	close(t->pipes[1]);
}

void task_waiter_wait4(task_waiter_t *t, unsigned int lockid)
{
	unsigned long want = t->seed + lockid, v;

	for (;;) {
		if (read_data(t->pipes[0], &v, sizeof(v))) {
			pr_perror("task_waiter: read");
			exit(1);
		}
		if (v == want)
			return;
		/* somebody else's event: put it back and let them take it */
		if (write_data(t->pipes[1], &v, sizeof(v))) {
			pr_perror("task_waiter: write");
			exit(1);
		}
		sched_yield();
		usleep(1000);
	}
}

void task_waiter_complete(task_waiter_t *t, unsigned int lockid)
{
	unsigned long v = t->seed + lockid;

	if (write_data(t->pipes[1], &v, sizeof(v))) {
		pr_perror("task_waiter: write");
		exit(1);
	}
}

void task_waiter_complete_current(task_waiter_t *t)
{
	task_waiter_complete(t, getpid());
}

/* -------------------------------------------------------------------- TCP */

static socklen_t fill_addr(int family, const char *addr, unsigned short port,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, addr ? addr : "::1", &s6->sin6_addr) != 1)
			return 0;
		return sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		if (inet_pton(AF_INET, addr ? addr : "127.0.0.1", &s4->sin_addr) != 1)
			return 0;
		return sizeof(*s4);
	}
}

/* Listen on loopback; *port 0 picks a free port and returns it in *port. */
int tcp_init_server(int family, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int sk, one = 1;

	len = fill_addr(family, NULL, *port, &ss);
	if (!len)
		return -1;
	sk = socket(family, SOCK_STREAM, IPPROTO_TCP);
	if (sk < 0) {
		pr_perror("socket");
		return -1;
	}
	setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(sk, (struct sockaddr *)&ss, len) || listen(sk, 16)) {
		pr_perror("bind/listen on port %d", *port);
		close(sk);
		return -1;
	}
	if (getsockname(sk, (struct sockaddr *)&ss, &len)) {
		pr_perror("getsockname");
		close(sk);
		return -1;
	}
	*port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
					   ((struct sockaddr_in *)&ss)->sin_port);
	return sk;
}

int tcp_accept_server(int sock)
{
	int sk;

	do
		sk = accept(sock, NULL, NULL);
	while (sk < 0 && errno == EINTR);
	if (sk < 0)
		pr_perror("accept");
	return sk;
}

int tcp_init_client(int family, const char *addr, unsigned short port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int sk;

	len = fill_addr(family, addr, port, &ss);
	if (!len) {
		pr_err("bad address %s", addr);
		return -1;
	}
	sk = socket(family, SOCK_STREAM, IPPROTO_TCP);
	if (sk < 0) {
		pr_perror("socket");
		return -1;
	}
	if (connect(sk, (struct sockaddr *)&ss, len)) {
		pr_perror("connect to port %d", port);
		close(sk);
		return -1;
	}
	return sk;
}

/*
 * For tests whose threads spin in a loop that counts its iterations: after
 * restore each must still count (or have left its loop: it saw something
 * change, which the test reports itself).  Gives it a minute on a slow host.
 */
int spin_goes_on(const volatile uint64_t *iters, const volatile int *done)
{
	uint64_t seen = *iters;
	int i;

	for (i = 0; i < 60000; i++) {
		if (*iters != seen || *done)
			return 1;
		usleep(1000);
	}
	return 0;
}

int send_fd(int sk, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr h = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&h);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sk, &h, 0) == 1 ? 0 : -1;
}

int recv_fd(int sk)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr h = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sk, &h, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&h);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}
