// SPDX-License-Identifier: GPL-2.0
/*
 * Life cycle of a zdtm test: option parsing, going to background, telling
 * the runner that set-up is complete and waiting for its SIGTERM.
 *
 * The process the runner starts (the "launcher") forks the test proper and
 * stays in the foreground until the test calls test_daemon() (a byte on a
 * pipe); only then does it write the test's pid into the pid file and exit 0.  If the test
 * dies before that, the launcher exits with the test's exit code (77 means
 * "skipped") or 1, and writes no pid file.
 */
#include <fcntl.h>
#include <grp.h>
#include <linux/futex.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "zdtmtst.h"
#include "zdtm-internal.h"

static char *outfile;
TEST_OPTION(outfile, string, "file the verdict and messages go to", 0);
static char *pidfile;
TEST_OPTION(pidfile, string, "file to write the test's pid to once it is ready", 0);

static volatile int sig_received;
static int ready_fd = -1;

static void sigterm_handler(int signo)
{
	sig_received = signo;
	syscall(SYS_futex, &sig_received, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	char buf[TEST_MSG_BUFFER_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	test_msg("ERR: test_init: %s\n", buf);
	exit(1);
}

static void set_ids(void)
{
	char *val;

	val = getenv("ZDTM_GROUPS");
	if (val) {
		gid_t groups[64];
		int n = 0;
		char *end;

		while (*val && n < (int)ARRAY_SIZE(groups)) {
			groups[n++] = strtoul(val, &end, 10);
			if (end == val)
				die("bad ZDTM_GROUPS");
			val = end;
			while (*val == ' ' || *val == ',')
				val++;
		}
		if (setgroups(n, groups))
			die("setgroups: %m");
	}

	val = getenv("ZDTM_GID");
	if (val && setgid(atoi(val)))
		die("setgid(%s): %m", val);
	val = getenv("ZDTM_UID");
	if (val && setuid(atoi(val)))
		die("setuid(%s): %m", val);

	/* setuid() cleared it, and criu must be able to seize us */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		die("PR_SET_DUMPABLE: %m");
}

static void redirect_stdio(int logfd)
{
	int fd;

	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		die("open /dev/null: %m");
	if (dup2(fd, STDIN_FILENO) < 0)
		die("dup2: %m");
	if (fd > STDERR_FILENO)
		close(fd);
	if (logfd < 0)
		return;
	fflush(stdout);
	fflush(stderr);
	if (dup2(logfd, STDOUT_FILENO) < 0 || dup2(logfd, STDERR_FILENO) < 0)
		die("dup2: %m");
}

static int write_pidfile(const char *path, pid_t pid)
{
	char tmp[PATH_MAX], buf[32];
	int fd, len;

	/* write and rename, so that the runner never sees a partial file */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%d\n", pid);
	if (write_data(fd, buf, len) || close(fd))
		return -1;
	return rename(tmp, path);
}

/*
 * The launcher: wait until the test is ready (a byte on the pipe) or dead
 * (SIGCHLD, through a signalfd: the pipe may stay open in the test's
 * children).  Its messages go to stderr, which the runner keeps.
 */
static void __attribute__((noreturn)) launcher(pid_t child, int ready_fd, const sigset_t *set)
{
	struct pollfd pfd[2];
	int status, sfd;
	char c;

	sfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(stderr, "ERR: launcher: signalfd: %m\n");
		kill(child, SIGKILL);
		_exit(1);
	}
	pfd[0].fd = ready_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;

	for (;;) {
		if (waitpid(child, &status, WNOHANG) == child) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == ZDTM_EXIT_SKIP)
				_exit(ZDTM_EXIT_SKIP);
			if (WIFEXITED(status))
				fprintf(stderr,
					"ERR: test exited with code %d before it was ready\n",
					WEXITSTATUS(status));
			else
				fprintf(stderr,
					"ERR: test was killed by signal %d before it was ready\n",
					WTERMSIG(status));
			_exit(1);
		}
		if (pfd[0].fd >= 0 && (pfd[0].revents & (POLLIN | POLLHUP))) {
			if (read(ready_fd, &c, 1) == 1)
				break;
			/* closed without a word: wait for the exit status */
			pfd[0].fd = -1;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
		}
		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "ERR: launcher: poll: %m\n");
			kill(child, SIGKILL);
			_exit(1);
		}
	}

	if (write_pidfile(pidfile, child)) {
		fprintf(stderr, "ERR: can't write pid file %s: %m\n", pidfile);
		kill(child, SIGKILL);
		_exit(1);
	}
	_exit(0);
}

/*
 * ZDTM_NEWNS=1: the test is the init of new pid, mount, net, ipc and uts
 * namespaces, with its own /proc and loopback up.
 */
static int ns_wanted(void)
{
	const char *v = getenv("ZDTM_NEWNS");

	return v && !strcmp(v, "1");
}

static void ns_setup(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int sk;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("make / private: %m");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		die("mount /proc: %m");
	if (sethostname("zdtm", 4))
		die("sethostname: %m");
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		die("socket: %m");
	if (ioctl(sk, SIOCGIFFLAGS, &ifr))
		die("SIOCGIFFLAGS lo: %m");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sk, SIOCSIFFLAGS, &ifr))
		die("SIOCSIFFLAGS lo: %m");
	close(sk);
}

static void drop_ready_fd(void)
{
	if (ready_fd >= 0)
		close(ready_fd);
	ready_fd = -1;
}

static int open_outfile(void)
{
	int fd;

	if (!outfile)
		return -1;
	fd = open(outfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		die("can't open %s: %m", outfile);
	return zdtm_set_log_fd(fd);
}

void test_init(int argc, char **argv)
{
	struct sigaction sa = {
		.sa_handler = sigterm_handler,
		.sa_flags = SA_RESTART,
	};
	int logfd, ns = ns_wanted(), p[2];
	sigset_t set, old;
	pid_t pid;

	parseargs(argc, argv);

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL))
		die("sigaction(SIGTERM): %m");

	if (!pidfile) {
		/* foreground mode, handy to debug a test by hand */
		set_ids();
		open_outfile();
		srand48(time(NULL) ^ getpid());
		return;
	}

	if (!access(pidfile, F_OK))
		die("pid file %s already exists", pidfile);
	if (ns && unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS))
		die("unshare: %m");
	if (pipe2(p, O_CLOEXEC))
		die("pipe: %m");

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &old))
		die("sigprocmask: %m");

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %m");
	if (pid > 0) {
		close(p[1]);
		launcher(pid, p[0], &set);
	}

	close(p[0]);
	ready_fd = p[1];
	/* only the test itself can say it is ready, not processes it forks */
	pthread_atfork(NULL, NULL, drop_ready_fd);
	if (sigprocmask(SIG_SETMASK, &old, NULL))
		die("sigprocmask: %m");
	if (ns)
		ns_setup();
	set_ids();
	logfd = open_outfile();
	/* the root of the checkpointed tree leads its own session and group */
	if (setsid() < 0)
		die("setsid: %m");
	redirect_stdio(logfd);
	srand48(time(NULL) ^ getpid());
}

void test_daemon(void)
{
	if (ready_fd < 0)
		return;
	if (write(ready_fd, "R", 1) != 1) {
		pr_perror("test_daemon: can't tell the launcher");
		exit(1);
	}
	close(ready_fd);
	ready_fd = -1;
}

void test_waitsig(void)
{
	while (!sig_received)
		syscall(SYS_futex, &sig_received, FUTEX_WAIT, 0, NULL, NULL, 0);
}

int test_go(void)
{
	return !sig_received;
}

pid_t test_fork(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	return pid;
}
