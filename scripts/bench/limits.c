// SPDX-License-Identifier: GPL-2.0
/*
 * The machine's own limits for moving SIZE bytes, the yardsticks of the
 * dump and restore figures:
 *   memcpy   copy between two prefaulted anonymous buffers
 *   write    write(2) the bytes in 1 MiB chunks into a new file in DIR
 *            (the tmpfs the images go to)
 *   read     read(2) that file back, 1 MiB at a time, into freshly mmap'd
 *            anonymous memory (page faults included, as a restore pays them);
 *            measured last, once the source buffer is gone, so that only the
 *            file and the fresh memory exist, as in a restore
 *   splice   vmsplice the buffer into a pipe (1 MiB, F_SETPIPE_SZ) and splice
 *            the pipe into a new file in DIR: the path a parasite takes
 * Before each pass as many bytes are touched and freed (see warm_up()).
 * Small sizes are repeated until at least 50 ms have passed, so that each
 * figure is a rate, not a timer tick.  Prints "NAME MB/s" lines (1 MB =
 * 10^6 bytes) and the byte count.
 *
 * usage: limits SIZE_BYTES DIR
 *        limits warm SIZE_BYTES     only touch and free that much memory
 *                                   (the harness does it before each dump)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1UL << 20)
#define MIN_NS (50 * 1000 * 1000ULL)

static size_t size;
static const char *dir;
static char *src;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "limits: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void file_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/limits-%d-%s", dir, getpid(), name);
}

/*
 * Touch and free @len bytes of anonymous memory.  On a VM with free page
 * reporting (virtio-balloon: freed guest memory goes back to the host after
 * about two seconds), never-touched or long-free pages cost a host fault on
 * first use; criu's restore gets the pages the dumped tree freed an instant
 * before.  Warming up before every pass gives the limits the same footing.
 */
static void warm_up(size_t len)
{
	char *p = map_anon(len);

	memset(p, 0, len);
	munmap(p, len);
}

/* One pass of each measurement; returns the nanoseconds it took. */
static unsigned long long pass_memcpy(void *dst)
{
	unsigned long long t = now_ns();

	memcpy(dst, src, size);
	/* keep the copy from being optimised away */
	__asm__ __volatile__("" : : "r"(dst) : "memory");
	return now_ns() - t;
}

static unsigned long long pass_write(const char *path)
{
	unsigned long long t;
	size_t off, n;
	int fd;

	unlink(path);
	warm_up(size);
	t = now_ns();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open for write");
	for (off = 0; off < size; off += n) {
		ssize_t r;

		n = size - off < CHUNK ? size - off : CHUNK;
		r = write(fd, src + off, n);
		if (r != (ssize_t)n)
			die("write");
	}
	close(fd);
	return now_ns() - t;
}

static unsigned long long pass_read(const char *path)
{
	unsigned long long t;
	size_t off, n;
	char *dst;
	int fd;

	warm_up(size);
	t = now_ns();
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open for read");
	dst = map_anon(size);
	for (off = 0; off < size; off += n) {
		ssize_t r;

		n = size - off < CHUNK ? size - off : CHUNK;
		r = read(fd, dst + off, n);
		if (r != (ssize_t)n)
			die("read");
	}
	close(fd);
	t = now_ns() - t;
	if (size >= 8 && *(unsigned long long *)(dst + 8) != 8 * 0x9E3779B97F4A7C15ULL)
		die("read back differs");
	munmap(dst, size);
	return t;
}

static unsigned long long pass_splice(const char *path)
{
	unsigned long long t;
	int p[2], fd;
	size_t off, n;
	long psz;

	unlink(path);
	if (pipe(p))
		die("pipe");
	warm_up(size);
	t = now_ns();
	psz = fcntl(p[1], F_SETPIPE_SZ, CHUNK);
	if (psz < 0)
		psz = fcntl(p[1], F_GETPIPE_SZ);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open for splice");
	for (off = 0; off < size; off += n) {
		struct iovec iov;
		ssize_t r, left;

		n = size - off < (size_t)psz ? size - off : (size_t)psz;
		iov.iov_base = src + off;
		iov.iov_len = n;
		r = vmsplice(p[1], &iov, 1, 0);
		if (r <= 0)
			die("vmsplice");
		n = r;
		for (left = r; left > 0; left -= r) {
			r = splice(p[0], NULL, fd, NULL, left, SPLICE_F_MOVE);
			if (r <= 0)
				die("splice");
		}
	}
	close(fd);
	t = now_ns() - t;
	close(p[0]);
	close(p[1]);
	return t;
}

static double rate(unsigned long long bytes, unsigned long long ns)
{
	return ns ? bytes * 1e3 / ns : 0;	/* bytes/ns * 1e9 / 1e6 */
}

int main(int argc, char **argv)
{
	unsigned long long t, bytes;
	char wpath[4096], spath[4096];
	void *dst;
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SIZE_BYTES DIR | warm SIZE_BYTES\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "warm")) {
		size = strtoull(argv[2], NULL, 0);
		if (size)
			warm_up(size);
		return 0;
	}
	size = strtoull(argv[1], NULL, 0);
	dir = argv[2];
	if (!size)
		return 2;
	file_path(wpath, sizeof(wpath), "write");
	file_path(spath, sizeof(spath), "splice");
	src = map_anon(size);
	for (i = 0; i < size; i += sizeof(unsigned long long))
		if (size - i >= sizeof(unsigned long long))
			*(unsigned long long *)(src + i) = i * 0x9E3779B97F4A7C15ULL;

	dst = map_anon(size);
	memset(dst, 1, size);
	for (t = 0, bytes = 0; t < MIN_NS; bytes += size)
		t += pass_memcpy(dst);
	munmap(dst, size);
	printf("memcpy %.1f\n", rate(bytes, t));

	for (t = 0, bytes = 0; t < MIN_NS; bytes += size)
		t += pass_write(wpath);
	printf("write %.1f\n", rate(bytes, t));

	for (t = 0, bytes = 0; t < MIN_NS; bytes += size)
		t += pass_splice(spath);
	printf("splice %.1f\n", rate(bytes, t));
	unlink(spath);

	/* As in a restore, only the image and the fresh memory exist now. */
	munmap(src, size);
	for (t = 0, bytes = 0; t < MIN_NS; bytes += size)
		t += pass_read(wpath);
	printf("read %.1f\n", rate(bytes, t));
	unlink(wpath);

	printf("bytes %zu\n", size);
	return 0;
}
