// SPDX-License-Identifier: GPL-2.0
/*
 * dumpfail_big.h with an area registered with a userfaultfd that a monitor
 * outside the dumped tree holds (the test double-forks it, so that it is
 * the runner's; it exits with the test, or is killed at the end): dump refuses the registration,
 * and only smaps' VmFlags tell of it, so the refusal comes after the pages
 * were copied out.  The area's data and its registration ("um" in VmFlags)
 * must be there afterwards.
 */
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dumpfail_big.h"

#define UFFD_PAGES 4

static uint64_t *area;
static pid_t monitor_pid;

/* Holds the userfaultfd until the test is gone. */
static void monitor(int sk, pid_t test)
{
	int pidfd = syscall(SYS_pidfd_open, test, 0), uffd = recv_fd(sk);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	pid_t me = uffd >= 0 && pidfd >= 0 ? getpid() : 0;

	if (write(sk, &me, sizeof(me)) != sizeof(me) || !me)
		_exit(1);
	close(sk);
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int start_monitor(int sk[2])
{
	pid_t test = getpid(), pid;
	int st;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sk)) {
		pr_perror("socketpair");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		pr_perror("fork");
		return -1;
	}
	if (pid == 0) {
		close(sk[0]);
		if (fork() == 0)
			monitor(sk[1], test);
		_exit(0);
	}
	close(sk[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		pr_err("the monitor's parent failed");
		return -1;
	}
	return 0;
}

static int refused_setup(uint64_t seed)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	int uffd, sk[2];

	area = mmap(NULL, UFFD_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		pr_perror("mmap");
		return -1;
	}
	/* One present page, which dump copies before it learns of the registration. */
	area[0] = seed;
	/* User faults only: allowed without CAP_SYS_PTRACE whatever the sysctl. */
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		pr_perror("userfaultfd");
		return -1;
	}
	reg.range.start = (unsigned long)area;
	reg.range.len = UFFD_PAGES * PAGE_SIZE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		pr_perror("UFFDIO_REGISTER");
		return -1;
	}
	if (start_monitor(sk) || send_fd(sk[0], uffd) ||
	    read(sk[0], &monitor_pid, sizeof(monitor_pid)) != sizeof(monitor_pid) || !monitor_pid) {
		pr_err("no monitor holds the userfaultfd");
		return -1;
	}
	/* The test keeps no fd that dump would refuse first. */
	close(sk[0]);
	close(uffd);
	return 0;
}

/* Not left running for the runner to find (it reaps the monitor once dead). */
static void stop_monitor(void)
{
	int pidfd = syscall(SYS_pidfd_open, monitor_pid, 0);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0))
		return;
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	close(pidfd);
}

/* Is "um" among the VmFlags of the mapping that starts at @addr? */
static int registered(void *addr)
{
	static char smaps[1 << 20];
	char head[32], *p;

	if (read_file("/proc/self/smaps", smaps, sizeof(smaps)) < 0)
		return -1;
	snprintf(head, sizeof(head), "\n%lx-", (unsigned long)addr);
	p = strstr(smaps, head);
	if (p)
		p = strstr(p, "VmFlags:");
	if (!p)
		return -1;
	*strchrnul(p, '\n') = '\0';
	return strstr(p, " um") != NULL;
}

static bool refused_intact(uint64_t seed)
{
	int reg = registered(area);

	stop_monitor();
	if (area[0] != seed) {
		fail("the registered area's page changed");
		return false;
	}
	if (reg != 1) {
		fail("the area is %s", reg < 0 ? "not in smaps" : "no longer registered");
		return false;
	}
	return true;
}
