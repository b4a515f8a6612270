// SPDX-License-Identifier: GPL-2.0
/*
 * Unix socket names at restore: abstract names are used as they are; a
 * relative path name is resolved in the directory it was bound in (saved
 * as name_dir), by entering that directory for the one call.
 */

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "sockets.h"

bool unix_name_is_path(const struct unix_name *n)
{
	return n->len && n->name[0];
}

const char *unix_name_str(const struct unix_name *n, char *buf, size_t size)
{
	size_t i, o = 0;

	if (!n->len) {
		snprintf(buf, size, "(unnamed)");
		return buf;
	}
	if (o + 1 < size)
		buf[o++] = unix_name_is_path(n) ? '"' : '@';
	for (i = unix_name_is_path(n) ? 0 : 1; i < n->len && o + 2 < size; i++) {
		char c = n->name[i];

		buf[o++] = (c >= 32 && c < 127) ? c : '?';
	}
	if (unix_name_is_path(n) && o + 1 < size)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static socklen_t make_addr(struct sockaddr_un *sa, const struct unix_name *n)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, n->name, n->len);
	return offsetof(struct sockaddr_un, sun_path) + n->len;
}

enum name_op { OP_BIND, OP_CONNECT, OP_SENDTO, OP_UNLINK };

static int name_call(int sk, const struct unix_name *n, enum name_op op, struct msghdr *mh)
{
	struct sockaddr_un sa;
	socklen_t alen;
	int cwd = -1, ret, err;
	char str[128];

	if (n->len > sizeof(sa.sun_path)) {
		pr_err("Unix socket name of %zu bytes is too long\n", n->len);
		return -1;
	}
	alen = make_addr(&sa, n);
	if (unix_name_is_path(n) && sa.sun_path[0] != '/' && n->dir) {
		cwd = open(".", O_PATH | O_CLOEXEC);
		if (cwd < 0 || chdir(n->dir)) {
			pr_perror("Can't enter %s to reach unix socket %s", n->dir,
				  unix_name_str(n, str, sizeof(str)));
			if (cwd >= 0)
				close(cwd);
			return -1;
		}
	}
	switch (op) {
	case OP_BIND:
		ret = bind(sk, (struct sockaddr *)&sa, alen);
		break;
	case OP_CONNECT:
		ret = connect(sk, (struct sockaddr *)&sa, alen);
		break;
	case OP_SENDTO:
		mh->msg_name = &sa;
		mh->msg_namelen = alen;
		ret = sendmsg(sk, mh, MSG_DONTWAIT) == (ssize_t)mh->msg_iov->iov_len ? 0 : -1;
		mh->msg_name = NULL;
		mh->msg_namelen = 0;
		break;
	default:
		ret = unlink(sa.sun_path);
		if (ret && errno == ENOENT)
			ret = 0;
		break;
	}
	err = errno;
	if (cwd >= 0) {
		if (fchdir(cwd))
			pr_perror("Can't go back to the working directory");
		close(cwd);
	}
	errno = err;
	return ret;
}

int unix_name_bind(int sk, const struct unix_name *n)
{
	char str[128];
	struct stat st;

	if (unix_name_is_path(n)) {
		/* A socket file left by the dumped task is replaced, anything else is not. */
		char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1] = {};
		int cwd = -1, r;

		memcpy(path, n->name, n->len);
		if (path[0] != '/' && n->dir) {
			cwd = open(n->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (cwd < 0) {
				pr_perror("Can't open directory %s of unix socket %s", n->dir,
					  unix_name_str(n, str, sizeof(str)));
				return -1;
			}
		}
		r = fstatat(cwd >= 0 ? cwd : AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW);
		if (!r && !S_ISSOCK(st.st_mode)) {
			pr_err("Can't bind unix socket %s: the path exists and is not a socket\n",
			       unix_name_str(n, str, sizeof(str)));
			if (cwd >= 0)
				close(cwd);
			return -1;
		}
		if (!r && unlinkat(cwd >= 0 ? cwd : AT_FDCWD, path, 0)) {
			pr_perror("Can't remove the old socket file %s",
				  unix_name_str(n, str, sizeof(str)));
			if (cwd >= 0)
				close(cwd);
			return -1;
		}
		if (cwd >= 0)
			close(cwd);
	}
	if (name_call(sk, n, OP_BIND, NULL)) {
		pr_perror("Can't bind unix socket to %s", unix_name_str(n, str, sizeof(str)));
		return -1;
	}
	return 0;
}

int unix_name_connect(int sk, const struct unix_name *n)
{
	char str[128];

	if (name_call(sk, n, OP_CONNECT, NULL)) {
		pr_perror("Can't connect unix socket to %s", unix_name_str(n, str, sizeof(str)));
		return -1;
	}
	return 0;
}

int unix_name_sendmsg(int sk, struct msghdr *mh, const struct unix_name *n)
{
	char str[128];

	if (name_call(sk, n, OP_SENDTO, mh)) {
		pr_perror("Can't queue a %zu-byte message to unix socket %s", mh->msg_iov->iov_len,
			  unix_name_str(n, str, sizeof(str)));
		return -1;
	}
	return 0;
}

int unix_name_unlink(const struct unix_name *n)
{
	char str[128];

	if (!unix_name_is_path(n))
		return 0;
	if (name_call(-1, n, OP_UNLINK, NULL)) {
		pr_perror("Can't remove socket file %s", unix_name_str(n, str, sizeof(str)));
		return -1;
	}
	return 0;
}

int unix_name_chmod(const struct unix_name *n, unsigned int mode, unsigned int uid,
		    unsigned int gid)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1] = {}, str[128];
	int dfd = AT_FDCWD, ret = 0;

	if (!unix_name_is_path(n))
		return 0;
	memcpy(path, n->name, n->len);
	if (path[0] != '/' && n->dir) {
		dfd = open(n->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			pr_perror("Can't open directory %s", n->dir);
			return -1;
		}
	}
	if (fchownat(dfd, path, uid, gid, AT_SYMLINK_NOFOLLOW) && errno != EPERM) {
		pr_perror("Can't give socket file %s to %u:%u", unix_name_str(n, str, sizeof(str)),
			  uid, gid);
		ret = -1;
	}
	if (!ret && fchmodat(dfd, path, mode & 07777, 0)) {
		pr_perror("Can't give socket file %s mode 0%o", unix_name_str(n, str, sizeof(str)),
			  mode & 07777);
		ret = -1;
	}
	if (dfd >= 0)
		close(dfd);
	return ret;
}
