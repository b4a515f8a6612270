// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors in flight: SCM_RIGHTS messages queued on unix sockets
 * whose senders closed their copies, so the queue holds the only
 * references.  In flight are: the read end of a pipe with data, a regular
 * file at an offset, one end of a socketpair with a queued message, and
 * two more descriptors of that file in a single message (the test keeps one
 * installed copy of it too).  After restore the messages are received with
 * their payload and descriptors, and the descriptors work: the pipe yields
 * its data and EOF, the file its offset and content, the socket its
 * message and a reply, and all the copies of the file share one offset.
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "zdtmtst.h"

#define PIPE_DATA "data queued in a pipe whose only reader is in flight"
#define SK_DATA "message queued on a socket in flight"
#define FILE_DATA "0123456789abcdefghijklmnopqrstuvwxyz"
#define FILE_OFF 10

static int send_fds(int sk, const char *payload, int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)] = {};
	struct iovec iov = { .iov_base = (void *)payload, .iov_len = strlen(payload) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
	struct cmsghdr *ch = CMSG_FIRSTHDR(&mh);

	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(ch), fds, sizeof(int) * n);
	return sendmsg(sk, &mh, 0) == (ssize_t)iov.iov_len ? 0 : -1;
}

/* Receive one message: its payload must be want, it must carry n fds. */
static int recv_fds(int sk, const char *want, int *fds, int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)], buf[128];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *ch;
	ssize_t len;

	len = recvmsg(sk, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (len != (ssize_t)strlen(want) || memcmp(buf, want, len)) {
		fail("message \"%s\": got %zd bytes", want, len);
		return -1;
	}
	ch = CMSG_FIRSTHDR(&mh);
	if ((mh.msg_flags & MSG_CTRUNC) || !ch || ch->cmsg_level != SOL_SOCKET ||
	    ch->cmsg_type != SCM_RIGHTS || ch->cmsg_len != CMSG_LEN(sizeof(int) * n)) {
		fail("message \"%s\": no or wrong SCM_RIGHTS (flags 0x%x)", want, mh.msg_flags);
		return -1;
	}
	memcpy(fds, CMSG_DATA(ch), sizeof(int) * n);
	return 0;
}

int main(int argc, char **argv)
{
	int sk[2], dsk[2], p[2], inner[2], fd, keep, fds[2], ret = 0;
	struct stat st1, st2, st;
	char buf[128];

	test_init(argc, argv);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sk) || socketpair(AF_UNIX, SOCK_DGRAM, 0, dsk) ||
	    pipe(p) || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, inner)) {
		pr_perror("socketpair/pipe");
		return 1;
	}
	fd = open("inflight.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_data(fd, FILE_DATA, strlen(FILE_DATA)) ||
	    lseek(fd, FILE_OFF, SEEK_SET) != FILE_OFF || fstat(fd, &st1)) {
		pr_perror("file");
		return 1;
	}
	if (write_data(p[1], PIPE_DATA, strlen(PIPE_DATA)) ||
	    send(inner[1], SK_DATA, strlen(SK_DATA), 0) != (ssize_t)strlen(SK_DATA)) {
		pr_perror("fill");
		return 1;
	}
	/* stream: pipe reader, then the file; dgram: inner socket, then 2 fds */
	fds[0] = fd;
	fds[1] = fd;
	if (send_fds(sk[0], "pipe", &p[0], 1) || send_fds(sk[0], "file", &fd, 1) ||
	    send_fds(dsk[0], "socket", &inner[0], 1) || send_fds(dsk[0], "twice", fds, 2)) {
		pr_perror("sendmsg");
		return 1;
	}
	close(p[0]);
	close(p[1]);
	keep = fd;
	close(inner[0]);
	/* inner[1] stays here: the in-flight end must reach it after restore */
	if (stat("inflight.data", &st2)) {
		pr_perror("stat");
		return 1;
	}

	test_daemon();
	test_waitsig();

	/* the pipe: data, then EOF (its writer is gone) */
	if (recv_fds(sk[1], "pipe", &fd, 1))
		goto out_fail;
	if (read(fd, buf, sizeof(buf)) != (ssize_t)strlen(PIPE_DATA) ||
	    memcmp(buf, PIPE_DATA, strlen(PIPE_DATA)) || read(fd, buf, 1) != 0) {
		fail("the in-flight pipe lost its data or its EOF");
		ret = 1;
	}
	if (fcntl(fd, F_GETFD) != FD_CLOEXEC) {
		fail("MSG_CMSG_CLOEXEC not honoured");
		ret = 1;
	}
	close(fd);
	/* the file: offset and content */
	if (recv_fds(sk[1], "file", &fd, 1))
		goto out_fail;
	if (fstat(fd, &st) || st.st_ino != st2.st_ino || lseek(fd, 0, SEEK_CUR) != FILE_OFF ||
	    read(fd, buf, 5) != 5 || memcmp(buf, FILE_DATA + FILE_OFF, 5) ||
	    (fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDWR) {
		fail("the in-flight file is not the file at offset %d", FILE_OFF);
		ret = 1;
	}
	if (fd == keep || lseek(keep, 0, SEEK_CUR) != FILE_OFF + 5) {
		fail("the in-flight file does not share its offset with the installed fd");
		ret = 1;
	}
	close(fd);
	/* the socket: its queued message, and it is still connected to inner[1] */
	if (recv_fds(dsk[1], "socket", &fd, 1))
		goto out_fail;
	if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) != (ssize_t)strlen(SK_DATA) ||
	    memcmp(buf, SK_DATA, strlen(SK_DATA))) {
		fail("the in-flight socket lost its message");
		ret = 1;
	}
	if (send(fd, "reply", 5, 0) != 5 || recv(inner[1], buf, sizeof(buf), MSG_DONTWAIT) != 5 ||
	    memcmp(buf, "reply", 5)) {
		fail("the in-flight socket is not connected to its peer");
		ret = 1;
	}
	close(fd);
	/* two fds of one open file: shared offset */
	if (recv_fds(dsk[1], "twice", fds, 2))
		goto out_fail;
	if (fds[0] == fds[1] || lseek(fds[0], 3, SEEK_SET) != 3 ||
	    lseek(fds[1], 0, SEEK_CUR) != 3 || lseek(keep, 0, SEEK_CUR) != 3 ||
	    fstat(fds[1], &st) || st.st_ino != st1.st_ino) {
		fail("the two in-flight copies do not share one open file");
		ret = 1;
	}
	/* nothing else in flight */
	if (recv(sk[1], buf, sizeof(buf), MSG_DONTWAIT) != -1 ||
	    recv(dsk[1], buf, sizeof(buf), MSG_DONTWAIT) != -1) {
		fail("more messages than sent");
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
out_fail:
	return 0;
}
