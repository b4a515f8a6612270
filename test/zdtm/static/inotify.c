// SPDX-License-Identifier: GPL-2.0
/*
 * An inotify instance with watches of different masks: a directory
 * watched for IN_CREATE | IN_DELETE, a file for IN_MODIFY, another file
 * for IN_OPEN | IN_CLOSE_WRITE, plus a watch that was removed before the
 * checkpoint.  (Events queued at checkpoint time are not carried over by
 * CRIU, so the queue is drained.)  After restore the fdinfo watch lines
 * (wd, inode, mask) must be unchanged, the queue must be empty (the
 * restore itself caused no event), and events caused after restore must be
 * reported with the right wd, mask and name, and only for watched masks.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "zdtmtst.h"

#define EVBUF (16 * (sizeof(struct inotify_event) + NAME_MAX + 1))

static int watch_lines(int fd, char *out, size_t size)
{
	char path[64], buf[4096], *l, *save;
	size_t len = 0;

	ssprintf(path, "/proc/self/fdinfo/%d", fd);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	out[0] = 0;
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		/* "inotify wd:1 ino:... sdev:... mask:... ignored_mask:0 fhandle-..." */
		char *f = strstr(l, " fhandle");

		if (strncmp(l, "inotify wd:", 11))
			continue;
		if (f)
			*f = 0;
		len += snprintf(out + len, size - len, "%s\n", l);
		if (len >= size)
			return -1;
	}
	return 0;
}

/* Read one event: it must be (wd, mask, name); name NULL for none. */
static int expect(int fd, int wd, uint32_t mask, const char *name, const char *what)
{
	static char buf[EVBUF] __attribute__((aligned(8)));
	static ssize_t len, pos;
	struct inotify_event *ev;

	if (pos >= len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 10000) != 1 || (len = read(fd, buf, sizeof(buf))) <= 0) {
			fail("%s: no event", what);
			return 1;
		}
		pos = 0;
	}
	ev = (struct inotify_event *)(buf + pos);
	pos += sizeof(*ev) + ev->len;
	if (ev->wd != wd || ev->mask != mask ||
	    (name ? !ev->len || strcmp(ev->name, name) : ev->len != 0)) {
		fail("%s: event wd %d mask 0x%x name \"%s\", expected wd %d mask 0x%x name \"%s\"",
		     what, ev->wd, ev->mask, ev->len ? ev->name : "", wd, mask, name ? name : "");
		return 1;
	}
	return 0;
}

static int no_more(int fd, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 0) != 0) {
		fail("%s: an unexpected event", what);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int in, wd_dir, wd_mod, wd_open, wd_gone, fd, ret = 0;
	char lines[1024], now[1024];

	test_init(argc, argv);
	if (mkdir("watched", 0755)) {
		pr_perror("mkdir");
		return 1;
	}
	fd = open("watched/modified", O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || close(fd)) {
		pr_perror("create");
		return 1;
	}
	fd = open("opened", O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || close(fd)) {
		pr_perror("create");
		return 1;
	}
	in = inotify_init1(IN_NONBLOCK);
	if (in < 0) {
		pr_perror("inotify_init1");
		return 1;
	}
	wd_gone = inotify_add_watch(in, ".", IN_ALL_EVENTS);
	wd_dir = inotify_add_watch(in, "watched", IN_CREATE | IN_DELETE);
	wd_mod = inotify_add_watch(in, "watched/modified", IN_MODIFY);
	wd_open = inotify_add_watch(in, "opened", IN_OPEN | IN_CLOSE_WRITE);
	if (wd_gone < 0 || wd_dir < 0 || wd_mod < 0 || wd_open < 0 ||
	    inotify_rm_watch(in, wd_gone)) {
		pr_perror("inotify_add_watch");
		return 1;
	}
	/* drain IN_IGNORED of the removed watch, then queue one event */
	if (expect(in, wd_gone, IN_IGNORED, NULL, "set-up")) {
		pr_err("set-up");
		return 1;
	}
	fd = open("watched/queued", O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || close(fd) || expect(in, wd_dir, IN_CREATE, "queued", "set-up") ||
	    no_more(in, "set-up") || watch_lines(in, lines, sizeof(lines))) {
		pr_perror("set-up");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (watch_lines(in, now, sizeof(now)) || strcmp(now, lines)) {
		fail("watches:\n%s\nexpected:\n%s", now, lines);
		ret = 1;
	}
	ret |= no_more(in, "after restore");
	if (ret)
		goto out;
	/* new events, and some that nobody watches for */
	fd = open("watched/modified", O_WRONLY);
	if (fd < 0 || write(fd, "x", 1) != 1 || close(fd) || unlink("watched/queued")) {
		pr_perror("modify");
		return 1;
	}
	ret |= expect(in, wd_mod, IN_MODIFY, NULL, "modify");
	ret |= expect(in, wd_dir, IN_DELETE, "queued", "delete");
	ret |= no_more(in, "after modify and delete");
	fd = open("opened", O_RDWR);
	if (fd < 0 || close(fd)) {
		pr_perror("open");
		return 1;
	}
	ret |= expect(in, wd_open, IN_OPEN, NULL, "open");
	ret |= expect(in, wd_open, IN_CLOSE_WRITE, NULL, "close");
	/* the removed watch on "." stays removed */
	fd = open("unwatched", O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || close(fd)) {
		pr_perror("create");
		return 1;
	}
	ret |= no_more(in, "in the unwatched directory");
out:
	if (!ret)
		pass();
	return 0;
}
