// SPDX-License-Identifier: GPL-2.0
/* Issuing the PAGEMAP_SCAN ioctl and finding out whether the kernel has it. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/page.h"
#include "log.h"
#include "pagemap-scan.h"

#undef LOG_PREFIX
#define LOG_PREFIX "pagemap-scan: "

void pm_scan_arg_init(struct pm_scan_arg *arg, unsigned long start, unsigned long end,
		      struct page_region *vec, size_t vec_len)
{
	memset(arg, 0, sizeof(*arg));
	arg->size = sizeof(*arg);
	arg->start = start;
	arg->end = end;
	arg->vec = (unsigned long)vec;
	arg->vec_len = vec_len;
}

long pagemap_scan(int pagemap_fd, struct pm_scan_arg *arg)
{
	return ioctl(pagemap_fd, PAGEMAP_SCAN, arg);
}

int pagemap_scan_probe(void)
{
	struct page_region vec[4];
	struct pm_scan_arg arg;
	int fd, ret = -1;
	char *map;
	long n;

	map = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		pr_perror("Can't map a probe area");
		return -1;
	}
	/* Only the first page is present, so a working scan reports exactly it. */
	map[0] = 1;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("Can't open /proc/self/pagemap");
		goto out_unmap;
	}

	pm_scan_arg_init(&arg, (unsigned long)map, (unsigned long)map + 2 * PAGE_SIZE, vec,
			 ARRAY_SIZE(vec));
	arg.category_mask = PAGE_IS_PRESENT;
	arg.return_mask = PAGE_IS_PRESENT;
	n = pagemap_scan(fd, &arg);
	if (n < 0) {
		if (errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP) {
			pr_info("PAGEMAP_SCAN is not supported: %s\n", strerror(errno));
			ret = 0;
		} else {
			pr_perror("PAGEMAP_SCAN failed");
		}
		goto out_close;
	}
	if (n != 1 || vec[0].start != (unsigned long)map ||
	    vec[0].end != (unsigned long)map + PAGE_SIZE) {
		pr_warn("PAGEMAP_SCAN reported %ld unexpected regions; not using it\n", n);
		ret = 0;
		goto out_close;
	}
	ret = 1;
out_close:
	close(fd);
out_unmap:
	munmap(map, 2 * PAGE_SIZE);
	return ret;
}
