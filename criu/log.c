// SPDX-License-Identifier: GPL-2.0
/* The one logging layer: timestamps, levels, log file, errors echoed to stderr. */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_fd = STDERR_FILENO;
static unsigned int loglevel = DEFAULT_LOGLEVEL;
static struct timespec log_start;
static char log_prefix[32];
/* The first error of the run, for callers that report one line (RPC). */
static char first_err[512];
static int first_err_taken; /* claimed by one thread (dump reads smaps in a second) */

int log_init(const char *path)
{
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &log_start);
	if (!path || !strcmp(path, "-")) {
		log_fd = STDERR_FILENO;
		return 0;
	}

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "Error: can't open log file %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = fd;
	return 0;
}

void log_fini(void)
{
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = STDERR_FILENO;
}

void log_set_loglevel(unsigned int level)
{
	loglevel = level;
}

unsigned int log_get_loglevel(void)
{
	return loglevel;
}

int log_get_fd(void)
{
	return log_fd;
}

void log_set_fd(int fd)
{
	log_fd = fd;
}

void log_set_prefix(const char *prefix)
{
	snprintf(log_prefix, sizeof(log_prefix), "%s", prefix ? prefix : "");
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= n;
	}
}

static void keep_first_err(const char *msg)
{
	const char *p = strstr(msg, "): ");
	size_t l;

	/* Drop the "Error (file:line): " decoration. */
	if (!strncmp(msg, "Error (", 7) && p)
		msg = p + 3;
	l = strnlen(msg, sizeof(first_err) - 1);
	memcpy(first_err, msg, l);
	first_err[l] = '\0';
	first_err[strcspn(first_err, "\n")] = '\0';
}

void vprint_on_level(unsigned int level, const char *fmt, va_list args)
{
	char buf[4096];
	struct timespec now;
	int saved_errno = errno;
	size_t off = 0;
	int n;

	if (level > loglevel && level != LOG_MSG)
		goto out;

	if (level != LOG_MSG) {
		long sec, usec;

		if (!log_start.tv_sec && !log_start.tv_nsec)
			clock_gettime(CLOCK_MONOTONIC, &log_start);
		clock_gettime(CLOCK_MONOTONIC, &now);
		sec = now.tv_sec - log_start.tv_sec;
		usec = (now.tv_nsec - log_start.tv_nsec) / 1000;
		if (usec < 0) {
			usec += 1000000;
			sec--;
		}
		n = snprintf(buf, sizeof(buf), "(%02ld.%06ld) %s%s", sec, usec, log_prefix,
			     log_prefix[0] ? ": " : "");
		off = n > 0 ? (size_t)n : 0;
	}

	n = vsnprintf(buf + off, sizeof(buf) - off, fmt, args);
	if (n < 0)
		goto out;
	if (level == LOG_ERROR && !__atomic_exchange_n(&first_err_taken, 1, __ATOMIC_ACQ_REL))
		keep_first_err(buf + off);
	off += (size_t)n;
	if (off >= sizeof(buf)) {
		/* Truncated: keep the line ending so the next entry starts clean. */
		off = sizeof(buf) - 1;
		buf[off - 1] = '\n';
	}

	/* Messages are command output (e.g. check results) and go to stdout. */
	if (level == LOG_MSG) {
		write_all(STDOUT_FILENO, buf, off);
		if (log_fd != STDERR_FILENO)
			write_all(log_fd, buf, off);
		goto out;
	}
	write_all(log_fd, buf, off);
	/* Errors must reach the user even when the log goes to a file. */
	if (level == LOG_ERROR && log_fd != STDERR_FILENO)
		write_all(STDERR_FILENO, buf, off);
out:
	errno = saved_errno;
}

void print_on_level(unsigned int level, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vprint_on_level(level, fmt, args);
	va_end(args);
}

const char *log_first_err(void)
{
	return first_err[0] ? first_err : NULL;
}

void log_reset_first_err(void)
{
	first_err[0] = '\0';
	__atomic_store_n(&first_err_taken, 0, __ATOMIC_RELEASE);
}
