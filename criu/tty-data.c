// SPDX-License-Identifier: GPL-2.0
/*
 * Line settings and queued bytes of a pty pair.  Bytes waiting at an end
 * are read out through the other end's buffer with the line made raw for a
 * moment (no echo, no translation), so what is saved and queued again is
 * exactly what the reader would have got; the settings come back after.
 * A partial line of a canonical-mode reader becomes readable as a line.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "image.h"
#include "log.h"
#include "tty.h"

/* The n_tty buffer holds 4 KiB; a little more covers packet headers. */
#define TTY_DATA_MAX 8192
/* How long the kernel may take to move written bytes to the other end. */
#define TTY_FLUSH_MS 5000

int tty_termios_to_img(const struct tty_ktermios *t, TermiosEntry *e, uint32_t *cc)
{
	int i;

	termios_entry__init(e);
	e->c_iflag = t->c_iflag;
	e->c_oflag = t->c_oflag;
	e->c_cflag = t->c_cflag;
	e->c_lflag = t->c_lflag;
	e->c_line = t->c_line;
	for (i = 0; i < TTY_NCC; i++)
		cc[i] = t->c_cc[i];
	e->n_c_cc = TTY_NCC;
	e->c_cc = cc;
	return 0;
}

void tty_termios_from_img(const TermiosEntry *e, struct tty_ktermios *t)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->c_iflag = e->c_iflag;
	t->c_oflag = e->c_oflag;
	t->c_cflag = e->c_cflag;
	t->c_lflag = e->c_lflag;
	t->c_line = e->c_line;
	for (i = 0; i < e->n_c_cc && i < TTY_NCC; i++)
		t->c_cc[i] = e->c_cc[i];
}

/* Bytes go through unchanged: no input or output processing, no echo. */
static int make_raw(int master, const struct tty_ktermios *saved)
{
	struct tty_ktermios raw = *saved;

	raw.c_iflag = 0;
	raw.c_oflag = 0;
	raw.c_lflag = 0;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (ioctl(master, TCSETS, &raw)) {
		pr_perror("Can't make a pty raw");
		return -1;
	}
	return 0;
}

static int readable(int fd, int *n)
{
	if (ioctl(fd, TIOCINQ, n)) {
		pr_perror("Can't count the bytes queued on a pty");
		return -1;
	}
	return 0;
}

/* Waits until @fd has at least @want bytes to read. */
static int wait_queued(int fd, int want)
{
	struct timespec ts = { .tv_nsec = 1000000 };
	int n, ms;

	for (ms = 0; ms < TTY_FLUSH_MS; ms++) {
		if (readable(fd, &n))
			return -1;
		if (n >= want)
			return 0;
		nanosleep(&ts, NULL);
	}
	pr_err("A pty holds %d bytes, %d were queued\n", n, want);
	return -1;
}

/* Reads whatever @fd has queued, without blocking. */
static ssize_t drain(int fd, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	while (got < size && poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN)) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			pr_perror("Can't read the bytes queued on a pty");
			return -1;
		}
		got += n;
	}
	if (got == size) {
		pr_err("More than %zu bytes queued on a pty\n", size);
		return -1;
	}
	return got;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pr_perror("Can't queue %zu bytes on a pty", len);
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* Queues @to_slave for the slave's reader and @to_master for the master's. */
static int requeue(int master, int slave, const void *to_slave, size_t ns, const void *to_master,
		   size_t nm)
{
	int base_s, base_m;

	if (readable(slave, &base_s) || readable(master, &base_m))
		return -1;
	if (write_all(master, to_slave, ns) || write_all(slave, to_master, nm))
		return -1;
	return wait_queued(slave, base_s + ns) || wait_queued(master, base_m + nm) ? -1 : 0;
}

static int save_data(struct files_dump_ctx *ctx, uint32_t id, char *buf, size_t len)
{
	TtyDataEntry e = TTY_DATA_ENTRY__INIT;
	struct cr_img *img;

	if (!len)
		return 0;
	img = files_dump_img(ctx, CR_FD_TTY_DATA);
	if (!img)
		return -1;
	e.tty_id = id;
	e.data.data = (uint8_t *)buf;
	e.data.len = len;
	pr_info("pty %u: %zu bytes queued for the %s\n", TTY_INFO_INDEX(id), len,
		TTY_INFO_MASTER(id) ? "master" : "slave");
	return pb_write_one(img, &e, PB_TTY_DATA);
}

int tty_data_dump(struct files_dump_ctx *ctx, int master, uint32_t index, bool packet_mode)
{
	struct pollfd pfd = { .fd = master, .events = POLLIN };
	char *to_slave = NULL, *to_master = NULL;
	ssize_t ns = -1, nm = -1;
	struct tty_ktermios saved;
	int slave, ret = -1;

	/* No slave open: nothing can be read or queued on that side. */
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP)) {
		pr_info("pty %u: no slave open, no queued data saved\n", index);
		return 0;
	}
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (slave < 0) {
		pr_perror("Can't open the slave of pty %u to save its queued data", index);
		return -1;
	}
	to_slave = malloc(TTY_DATA_MAX);
	to_master = malloc(TTY_DATA_MAX);
	if (!to_slave || !to_master) {
		pr_err("tty: out of memory\n");
		goto out;
	}
	if (ioctl(master, TCGETS, &saved)) {
		pr_perror("Can't read the settings of pty %u", index);
		goto out;
	}
	if (make_raw(master, &saved))
		goto out;
	nm = drain(master, to_master, TTY_DATA_MAX);
	ns = drain(slave, to_slave, TTY_DATA_MAX);
	if (nm > 0 && packet_mode) {
		pr_err("pty %u is in packet mode with %zd bytes queued: can't save them\n", index,
		       nm);
		nm = -1;
	}
	/* Put back what was taken, whatever happens to the dump. */
	if (requeue(master, slave, to_slave, ns > 0 ? ns : 0, to_master, nm > 0 ? nm : 0))
		nm = -1;
	if (ioctl(master, TCSETS, &saved)) {
		pr_perror("Can't give pty %u its settings back", index);
		goto out;
	}
	if (nm < 0 || ns < 0)
		goto out;
	if (save_data(ctx, TTY_INFO_ID(index, true), to_master, nm) ||
	    save_data(ctx, TTY_INFO_ID(index, false), to_slave, ns))
		goto out;
	ret = 0;
out:
	free(to_slave);
	free(to_master);
	close(slave);
	return ret;
}

static const ProtobufCBinaryData *find_data(TtyDataEntry **data, size_t nr, uint32_t id)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (data[i]->tty_id == id)
			return &data[i]->data;
	return NULL;
}

int tty_data_restore(int master, int slave, const TtyInfoEntry *tie, TtyDataEntry **data,
		     size_t nr_data)
{
	uint32_t index = tie->pty->index;
	const ProtobufCBinaryData *ts = find_data(data, nr_data, TTY_INFO_ID(index, false));
	const ProtobufCBinaryData *tm = find_data(data, nr_data, TTY_INFO_ID(index, true));
	struct tty_ktermios t;

	if (!tie->termios || !tie->winsize) {
		pr_err("tty-info.img: pty %u has no line settings\n", index);
		return -1;
	}
	tty_termios_from_img(tie->termios, &t);
	if ((ts || tm) && (make_raw(master, &t) ||
			   requeue(master, slave, ts ? ts->data : NULL, ts ? ts->len : 0,
				   tm ? tm->data : NULL, tm ? tm->len : 0)))
		return -1;
	if (ioctl(master, TCSETS, &t)) {
		pr_perror("Can't set the line settings of pty %u", index);
		return -1;
	}
	if (tie->termios_locked) {
		tty_termios_from_img(tie->termios_locked, &t);
		if (ioctl(master, TIOCSLCKTRMIOS, &t)) {
			pr_perror("Can't lock the line settings of pty %u", index);
			return -1;
		}
	}
	if (ioctl(master, TIOCSWINSZ,
		  &(struct winsize){ .ws_row = tie->winsize->ws_row,
				     .ws_col = tie->winsize->ws_col,
				     .ws_xpixel = tie->winsize->ws_xpixel,
				     .ws_ypixel = tie->winsize->ws_ypixel })) {
		pr_perror("Can't set the window size of pty %u", index);
		return -1;
	}
	return 0;
}
