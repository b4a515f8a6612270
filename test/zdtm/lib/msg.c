// SPDX-License-Identifier: GPL-2.0
/* Messages and verdicts: everything goes to the output file. */
#include <fcntl.h>
#include <stdarg.h>

#include "zdtmtst.h"
#include "zdtm-internal.h"

/* Far above the fds a test plays with. */
#define ZDTM_LOG_FD_MIN 200

static int log_fd = -1;

int zdtm_set_log_fd(int fd)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, ZDTM_LOG_FD_MIN);

	if (nfd >= 0) {
		close(fd);
		fd = nfd;
	}
	log_fd = fd;
	return fd;
}

static void log_write(const char *buf, size_t len)
{
	int fd = log_fd >= 0 ? log_fd : STDERR_FILENO;
	int saved = errno;

	write_data(fd, buf, len);
	errno = saved;
}

static size_t vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (n < 0)
		return 0;
	if ((size_t)n >= size)
		n = size - 1;
	return n;
}

void test_msg(const char *fmt, ...)
{
	char buf[TEST_MSG_BUFFER_SIZE];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_write(buf, n);
}

static void verdict(char *buf, size_t size, const char *kind, const char *file, int line, int err,
		    const char *fmt, va_list ap)
{
	size_t n;

	n = snprintf(buf, size, "%s: %s:%d: ", kind, file, line);
	if (n >= size)
		n = size - 1;
	n += vformat(buf + n, size - n, fmt, ap);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	if (err)
		n += snprintf(buf + n, size - n, " (errno = %d (%s))", err, strerror(err));
	if (n > size - 2)
		n = size - 2;
	buf[n++] = '\n';
	log_write(buf, n);
}

void __test_verdict(const char *kind, const char *file, int line, int with_errno, const char *fmt,
		    ...)
{
	char buf[TEST_MSG_BUFFER_SIZE];
	int err = with_errno ? errno : 0;
	va_list ap;

	va_start(ap, fmt);
	verdict(buf, sizeof(buf), kind, file, line, err, fmt, ap);
	va_end(ap);
	errno = err;
}

void __test_skip(const char *file, int line, const char *fmt, ...)
{
	char buf[TEST_MSG_BUFFER_SIZE];
	va_list ap;

	va_start(ap, fmt);
	verdict(buf, sizeof(buf), "SKIP", file, line, 0, fmt, ap);
	va_end(ap);
	exit(ZDTM_EXIT_SKIP);
}
