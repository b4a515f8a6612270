// SPDX-License-Identifier: GPL-2.0
/* Task probes: ptrace, clone3 with set_tid, pid and namespace interfaces. */

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kerndat-probe.h"
#include "log.h"

#undef LOG_PREFIX
#define LOG_PREFIX "kerndat: "

/* Layout of PTRACE_GET_RSEQ_CONFIGURATION's answer (Linux 5.13). */
struct rseq_conf {
	uint64_t rseq_abi_pointer;
	uint32_t rseq_abi_size;
	uint32_t signature;
	uint32_t flags;
	uint32_t pad;
};

/*
 * A child under an allow-all seccomp filter, so that reading filters back
 * can be tried for real; it waits to be killed once it has the filter.
 */
static pid_t spawn_sleeper(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	int pfd[2];
	char c = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC)) {
		pr_perror("Can't make a pipe");
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		/* Never outlive criu, whatever happens to it mid-probe. */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (pid < 0)
		pr_perror("Can't fork a probe child");
	else if (read(pfd[0], &c, 1) != 1)
		pr_warn("The probe child died early\n");
	close(pfd[0]);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
}

/* Stop a seized child with PTRACE_INTERRUPT and wait for the stop. */
static int interrupt_and_wait(pid_t pid)
{
	int status;

	if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL))
		return -1;
	if (waitpid(pid, &status, __WALL) != pid)
		return -1;
	return WIFSTOPPED(status) ? 0 : -1;
}

static void probe_ptrace(struct kerndat *kd)
{
	siginfo_t si;
	struct __ptrace_peeksiginfo_args psi = { .off = 0, .flags = 0, .nr = 1 };
	struct rseq_conf rc;
	pid_t pid;
	long ret;

	pid = spawn_sleeper();
	if (pid < 0)
		return;

	/* The option needs CAP_SYS_ADMIN and CONFIG_SECCOMP: try it, then without. */
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)PTRACE_O_SUSPEND_SECCOMP) == 0) {
		kd->has_suspend_seccomp = true;
	} else if (ptrace(PTRACE_SEIZE, pid, NULL, NULL)) {
		pr_info("PTRACE_SEIZE failed: %s\n", strerror(errno));
		goto out;
	}
	if (interrupt_and_wait(pid)) {
		pr_info("PTRACE_INTERRUPT failed: %s\n", strerror(errno));
		goto out;
	}
	kd->has_ptrace_seize = true;

	ret = ptrace(PTRACE_PEEKSIGINFO, pid, &psi, &si);
	kd->has_peeksiginfo = ret >= 0;

	/* Asked for no buffer, it answers the length of the child's filter. */
	ret = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, NULL);
	kd->has_seccomp_filters = ret > 0;

	ret = ptrace(PTRACE_GET_RSEQ_CONFIGURATION, pid, sizeof(rc), &rc);
	kd->has_get_rseq_conf = ret > 0;
out:
	reap(pid);
}

/*
 * clone3 with set_tid for real: a child in a new pid namespace asks for pid
 * 1 there.  Without the privilege for that, the errno of a bad set_tid
 * pointer still tells whether the kernel knows the field.
 */
static void probe_clone3(struct kerndat *kd)
{
	pid_t tid = 1;
	struct clone_args args = {
		.flags = CLONE_NEWPID,
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&tid,
		.set_tid_size = 1,
	};
	int status;
	long pid;

	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0)
		syscall(__NR_exit_group, 0);
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		kd->has_clone3 = kd->has_clone3_set_tid = true;
		return;
	}
	if (errno == ENOSYS) {
		pr_info("No clone3\n");
		return;
	}
	kd->has_clone3 = true;
	if (errno == E2BIG) {
		pr_info("clone3 without set_tid\n");
		return;
	}

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (uint64_t)-1;
	args.set_tid_size = 1;
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0)
		syscall(__NR_exit_group, 0);
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		pr_warn("clone3 accepted a bad set_tid pointer\n");
		return;
	}
	kd->has_clone3_set_tid = errno == EFAULT;
	pr_info("clone3 set_tid probed by errno %d\n", errno);
}

static bool status_has(const char *key)
{
	char line[256];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key))) {
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

static void probe_pidfd(struct kerndat *kd)
{
	int pidfd, fd;

	pidfd = syscall(__NR_pidfd_open, getpid(), 0);
	if (pidfd < 0)
		return;
	kd->has_pidfd_open = true;
	fd = syscall(__NR_pidfd_getfd, pidfd, pidfd, 0);
	if (fd >= 0) {
		kd->has_pidfd_getfd = true;
		close(fd);
	}
	close(pidfd);
}

int kerndat_probe_task(struct kerndat *kd)
{
	probe_ptrace(kd);
	probe_clone3(kd);
	probe_pidfd(kd);
	kd->has_ns_last_pid = access("/proc/sys/kernel/ns_last_pid", F_OK) == 0;
	kd->has_nspid = status_has("NSpid:");
	kd->has_timens = access("/proc/self/ns/time", F_OK) == 0;
	kd->has_cgroupns = access("/proc/self/ns/cgroup", F_OK) == 0;
	kd->has_userns = access("/proc/self/ns/user", F_OK) == 0;
	return 0;
}
