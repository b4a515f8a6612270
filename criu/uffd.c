// SPDX-License-Identifier: GPL-2.0
/* Creating and driving userfaultfds, shared by kerndat, lazy pages and dirty tracking. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/compiler.h"
#include "log.h"
#include "uffd.h"

#undef LOG_PREFIX
#define LOG_PREFIX "uffd: "

int uffd_open(int flags)
{
	int fd, dev, err;

	fd = syscall(__NR_userfaultfd, flags);
	if (fd >= 0)
		return fd;

	/*
	 * With vm.unprivileged_userfaultfd=0 the syscall wants CAP_SYS_PTRACE;
	 * the device (Linux 6.1) is governed by its file mode instead.
	 */
	err = errno;
	if (err != EPERM && err != ENOSYS)
		return -1;
	dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		errno = err;
		return -1;
	}
	fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
	if (fd < 0)
		err = errno;
	close(dev);
	if (fd < 0)
		errno = err;
	return fd;
}

int uffd_open_features(int flags, uint64_t features, uint64_t *ioctls)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd, err;

	fd = uffd_open(flags);
	if (fd < 0)
		return -1;
	if (ioctl(fd, UFFDIO_API, &api)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	if (ioctls)
		*ioctls = api.ioctls;
	return fd;
}

int uffd_query_features(uint64_t *features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = 0 };
	int fd, err;

	/* Asking for no feature makes UFFDIO_API report all of them. */
	fd = uffd_open(O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (ioctl(fd, UFFDIO_API, &api)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	*features = api.features;
	return 0;
}

int uffd_register(int uffd, unsigned long addr, unsigned long len, uint64_t mode, uint64_t *ioctls)
{
	struct uffdio_register reg = {
		.range = { .start = addr, .len = len },
		.mode = mode,
	};

	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return -1;
	if (ioctls)
		*ioctls = reg.ioctls;
	return 0;
}

int uffd_unregister(int uffd, unsigned long addr, unsigned long len)
{
	struct uffdio_range range = { .start = addr, .len = len };

	return ioctl(uffd, UFFDIO_UNREGISTER, &range) ? -1 : 0;
}

int uffd_writeprotect(int uffd, unsigned long addr, unsigned long len, bool wp)
{
	struct uffdio_writeprotect arg = {
		.range = { .start = addr, .len = len },
		.mode = wp ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(uffd, UFFDIO_WRITEPROTECT, &arg) ? -1 : 0;
}

#define FEATURE(name)                      \
	{                                  \
		UFFD_FEATURE_##name, #name \
	}

static const struct {
	uint64_t bit;
	const char *name;
} feature_names[] = {
	FEATURE(PAGEFAULT_FLAG_WP),
	FEATURE(EVENT_FORK),
	FEATURE(EVENT_REMAP),
	FEATURE(EVENT_REMOVE),
	FEATURE(MISSING_HUGETLBFS),
	FEATURE(MISSING_SHMEM),
	FEATURE(EVENT_UNMAP),
	FEATURE(SIGBUS),
	FEATURE(THREAD_ID),
	FEATURE(MINOR_HUGETLBFS),
	FEATURE(MINOR_SHMEM),
	FEATURE(EXACT_ADDRESS),
	FEATURE(WP_HUGETLBFS_SHMEM),
	FEATURE(WP_UNPOPULATED),
	FEATURE(POISON),
	FEATURE(WP_ASYNC),
	FEATURE(MOVE),
};

#undef FEATURE

void uffd_features_str(uint64_t features, char *buf, size_t len)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(feature_names) && off < len; i++) {
		if (!(features & feature_names[i].bit))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? " " : "", feature_names[i].name);
		if (n < 0)
			break;
		off += n;
		features &= ~feature_names[i].bit;
	}
	/* Bits newer than this list still show up, as a number. */
	if (features && off < len)
		snprintf(buf + off, len - off, "%s%#llx", off ? " " : "",
			 (unsigned long long)features);
}
