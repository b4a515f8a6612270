// SPDX-License-Identifier: GPL-2.0
/*
 * An RPC client, as runc and go-criu are: a SOCK_SEQPACKET socketpair, one
 * end given to `criu swrk FD`, criu_req out, criu_resp in.  The binary is
 * $CRIU (set by the test runner) or criu/criu from the repository root.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cr-check.h"
#include "kerndat.h"
#include "log.h"
#include "rpc.pb-c.h"
#include "uffd.h"
#include "unit.h"
#include "version.h"

static const char *criu;
static char dir[] = "/tmp/rpc-client-unit.XXXXXX";

struct worker {
	pid_t pid;
	int sk;
};

/*
 * Start `criu swrk N`.  @fixed_fd: put the worker's end at fd 3, as runc
 * does; otherwise leave it at whatever number it got, as go-criu does.
 */
static int start(struct worker *w, int fixed_fd)
{
	int sks[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sks)) {
		perror("socketpair");
		return -1;
	}
	w->pid = fork();
	if (w->pid < 0) {
		perror("fork");
		return -1;
	}
	if (w->pid == 0) {
		char num[16];
		int fd = sks[1];

		close(sks[0]);
		if (fixed_fd && fd != 3) {
			if (dup2(fd, 3) < 0)
				_exit(120);
			close(fd);
			fd = 3;
		}
		snprintf(num, sizeof(num), "%d", fd);
		execl(criu, criu, "swrk", num, (char *)NULL);
		_exit(121);
	}
	close(sks[1]);
	w->sk = sks[0];
	return 0;
}

/* Close our end and return the worker's exit status (-1: killed or stuck). */
static int finish(struct worker *w)
{
	int status, i;

	if (w->sk >= 0)
		close(w->sk);
	w->sk = -1;
	for (i = 0; i < 1000; i++) {
		pid_t p = waitpid(w->pid, &status, WNOHANG);

		if (p == w->pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(10000);
	}
	kill(w->pid, SIGKILL);
	waitpid(w->pid, &status, 0);
	fprintf(stderr, "worker %d did not exit\n", w->pid);
	return -1;
}

/* Wait until the worker exits on its own (without our EOF). */
static int wait_exit(struct worker *w)
{
	struct pollfd p = { .fd = w->sk, .events = POLLIN };
	char c;

	/* It ends by closing its end: we see EOF. */
	if (poll(&p, 1, 10000) != 1 || recv(w->sk, &c, 1, MSG_DONTWAIT) != 0)
		return -2;
	return finish(w);
}

static int send_raw(struct worker *w, const void *buf, size_t len)
{
	return send(w->sk, buf, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

static int send_req(struct worker *w, const CriuReq *req)
{
	size_t len = criu_req__get_packed_size(req);
	uint8_t *buf = malloc(len);
	int ret;

	criu_req__pack(req, buf);
	ret = send_raw(w, buf, len);
	free(buf);
	return ret;
}

static CriuResp *recv_resp(struct worker *w)
{
	static uint8_t buf[65536];
	struct pollfd p = { .fd = w->sk, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, 30000) != 1) {
		fprintf(stderr, "no response within 30s\n");
		return NULL;
	}
	n = recv(w->sk, buf, sizeof(buf), 0);
	if (n <= 0) {
		fprintf(stderr, "no response: %s\n", n ? strerror(errno) : "EOF");
		return NULL;
	}
	/* go-criu reads into 8 KiB: responses must fit. */
	CHECK(n < 8192, "response of %zd bytes", n);
	return criu_resp__unpack(NULL, n, buf);
}

static CriuResp *call(struct worker *w, const CriuReq *req)
{
	if (send_req(w, req)) {
		perror("send");
		return NULL;
	}
	return recv_resp(w);
}

static CriuResp *call_type(struct worker *w, CriuReqType type, int keep_open)
{
	CriuReq req = CRIU_REQ__INIT;

	req.type = type;
	if (keep_open) {
		req.has_keep_open = true;
		req.keep_open = true;
	}
	return call(w, &req);
}

static void check_version(const CriuResp *r)
{
	CHECK(r->type == CRIU_REQ_TYPE__VERSION && r->success, "VERSION answered");
	CHECK(r->version != NULL, "version present");
	if (!r->version)
		return;
	CHECK(r->version->major_number == CRIU_VERSION_MAJOR, "major %d", r->version->major_number);
	CHECK(r->version->minor_number == CRIU_VERSION_MINOR, "minor %d", r->version->minor_number);
	CHECK(r->version->has_sublevel && r->version->sublevel == CRIU_VERSION_SUBLEVEL,
	      "sublevel");
	/* A gitid would make go-criu and runc add one to the minor number. */
	CHECK(r->version->gitid == NULL, "no gitid");
}

/* One request without keep_open: answered, then the worker ends with 0. */
static void test_version(void)
{
	CriuReq req = CRIU_REQ__INIT;
	CriuOpts opts = CRIU_OPTS__INIT;
	struct worker w;
	CriuResp *r;

	if (start(&w, 1))
		return;
	/* VERSION ignores options, even bad ones, as CRIU does. */
	opts.log_file = "not/allowed.log";
	req.type = CRIU_REQ_TYPE__VERSION;
	req.opts = &opts;
	r = call(&w, &req);
	CHECK(r != NULL, "VERSION: a response");
	if (r) {
		check_version(r);
		criu_resp__free_unpacked(r, NULL);
	}
	CHECK(wait_exit(&w) == 0, "worker exits 0 after a request without keep_open");
}

static void test_check(void)
{
	struct worker w;
	CriuResp *r;

	if (start(&w, 1))
		return;
	r = call_type(&w, CRIU_REQ_TYPE__CHECK, 0);
	CHECK(r && r->type == CRIU_REQ_TYPE__CHECK, "CHECK answered");
	CHECK(r && r->success, "CHECK succeeds on this host: %s",
	      r && r->cr_errmsg ? r->cr_errmsg : "");
	if (r)
		criu_resp__free_unpacked(r, NULL);
	CHECK(finish(&w) == 0, "worker exit status 0");
}

static CriuResp *features(struct worker *w, int mem, int lazy, int pidfd, int keep_open)
{
	CriuReq req = CRIU_REQ__INIT;
	CriuFeatures f = CRIU_FEATURES__INIT;

	req.type = CRIU_REQ_TYPE__FEATURE_CHECK;
	req.features = &f;
	f.has_mem_track = mem;
	f.mem_track = mem;
	f.has_lazy_pages = lazy;
	f.lazy_pages = lazy;
	f.has_pidfd_store = pidfd;
	f.pidfd_store = pidfd;
	req.has_keep_open = req.keep_open = keep_open;
	return call(w, &req);
}

/*
 * FEATURE_CHECK, then several requests on one worker with keep_open, then
 * EOF from us: exit 0.
 */
static void test_features_keep_open(void)
{
	bool lazy, pidfd;
	struct worker w;
	CriuResp *r;

	if (kerndat_init()) {
		CHECK(0, "kerndat_init");
		return;
	}
	lazy = kdat.has_uffd &&
	       (kdat.uffd_features & UFFD_NONCOOP_FEATURES) == UFFD_NONCOOP_FEATURES;
	pidfd = kdat.has_pidfd_open && kdat.has_pidfd_getfd;

	if (start(&w, 0))
		return;
	r = features(&w, 1, 1, 1, 1);
	CHECK(r && r->type == CRIU_REQ_TYPE__FEATURE_CHECK && r->success, "FEATURE_CHECK");
	CHECK(r && r->features, "features answered");
	if (r && r->features) {
		CriuFeatures *f = r->features;

		/* This kernel has no soft-dirty: the uffd-wp tracker must answer. */
		CHECK(f->has_mem_track && f->mem_track, "mem_track true");
		CHECK(f->has_lazy_pages && f->lazy_pages == lazy, "lazy_pages %d, kerndat says %d",
		      f->lazy_pages, lazy);
		CHECK(f->has_pidfd_store && f->pidfd_store == pidfd, "pidfd_store %d, want %d",
		      f->pidfd_store, pidfd);
	}
	if (r)
		criu_resp__free_unpacked(r, NULL);

	/* What was not asked is answered false, as CRIU does. */
	r = features(&w, 1, 0, 0, 1);
	CHECK(r && r->success && r->features, "second FEATURE_CHECK on the same worker");
	if (r && r->features)
		CHECK(r->features->mem_track && r->features->has_lazy_pages &&
			      !r->features->lazy_pages && !r->features->pidfd_store,
		      "only mem_track asked");
	if (r)
		criu_resp__free_unpacked(r, NULL);

	r = call_type(&w, CRIU_REQ_TYPE__VERSION, 1);
	CHECK(r != NULL, "VERSION after FEATURE_CHECK");
	if (r) {
		check_version(r);
		criu_resp__free_unpacked(r, NULL);
	}
	CHECK(finish(&w) == 0, "EOF after keep_open requests: exit 0");
}

/*
 * The engine commands not landed yet.  REPLACE these checks by real ones
 * as dump, restore, pre-dump, page-server, cpuinfo and wait-pid land.
 */
static void test_not_implemented(void)
{
	static const struct {
		CriuReqType type;
		const char *msg;
	} cmds[] = {
		{ CRIU_REQ_TYPE__PRE_DUMP, "pre-dump is not implemented in this build yet" },
		{ CRIU_REQ_TYPE__PAGE_SERVER, "page-server is not implemented in this build yet" },
		{ CRIU_REQ_TYPE__CPUINFO_DUMP, "cpuinfo dump is not implemented" },
		{ CRIU_REQ_TYPE__CPUINFO_CHECK, "cpuinfo check is not implemented" },
		{ CRIU_REQ_TYPE__WAIT_PID, "wait-pid is not implemented" },
		{ CRIU_REQ_TYPE__PAGE_SERVER_CHLD, "page-server is not implemented" },
		{ CRIU_REQ_TYPE__SINGLE_PRE_DUMP, "pre-dump is not implemented" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		CriuReq req = CRIU_REQ__INIT;
		CriuOpts opts = CRIU_OPTS__INIT;
		struct worker w;
		CriuResp *r;
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);

		if (start(&w, 1))
			return;
		req.type = cmds[i].type;
		req.opts = &opts;
		opts.images_dir_fd = dfd;
		opts.has_pid = true;
		opts.pid = getpid();
		r = call(&w, &req);
		CHECK(r && r->type == cmds[i].type, "type %d: answered with its type",
		      cmds[i].type);
		CHECK(r && !r->success, "type %d: fails", cmds[i].type);
		CHECK(r && r->cr_errmsg && strstr(r->cr_errmsg, cmds[i].msg),
		      "type %d: errmsg `%s'", cmds[i].type,
		      r && r->cr_errmsg ? r->cr_errmsg : "(none)");
		CHECK(r && r->has_cr_errno && r->cr_errno == ENOSYS, "type %d: cr_errno ENOSYS",
		      cmds[i].type);
		if (r)
			criu_resp__free_unpacked(r, NULL);
		CHECK(wait_exit(&w) == 1, "type %d: a failed request ends the worker, exit 1",
		      cmds[i].type);
		close(dfd);
	}
}

/* Something that is not a criu_req: an EMPTY error answer, and the worker ends (CRIU). */
static void test_garbage(void)
{
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 'j', 'u', 'n', 'k' };
	struct worker w;
	CriuResp *r;

	if (start(&w, 1))
		return;
	send_raw(&w, junk, sizeof(junk));
	r = recv_resp(&w);
	CHECK(r && r->type == CRIU_REQ_TYPE__EMPTY && !r->success, "garbage: EMPTY, failure");
	CHECK(r && r->cr_errmsg && strstr(r->cr_errmsg, "not a criu_req"), "garbage: errmsg `%s'",
	      r && r->cr_errmsg ? r->cr_errmsg : "(none)");
	CHECK(r && r->has_cr_errno && r->cr_errno == EBADMSG, "garbage: EBADMSG");
	if (r)
		criu_resp__free_unpacked(r, NULL);
	CHECK(wait_exit(&w) == 1, "garbage ends the worker with 1");

	/* A request without its required type field is garbage too. */
	if (start(&w, 0))
		return;
	send_raw(&w, (const uint8_t[]){ 0x20, 0x01 }, 2); /* keep_open = true only */
	r = recv_resp(&w);
	CHECK(r && r->type == CRIU_REQ_TYPE__EMPTY && !r->success, "typeless request refused");
	if (r)
		criu_resp__free_unpacked(r, NULL);
	CHECK(wait_exit(&w) == 1, "typeless request ends the worker with 1");
}

static void expect_refusal(CriuReqType type, int keep_open, CriuReqType rtype, const char *msg)
{
	struct worker w;
	CriuResp *r;

	if (start(&w, 1))
		return;
	r = call_type(&w, type, keep_open);
	CHECK(r && r->type == rtype && !r->success, "type %d keep_open %d: refused as %d", type,
	      keep_open, rtype);
	CHECK(r && r->cr_errmsg && strstr(r->cr_errmsg, msg), "type %d: errmsg `%s' lacks `%s'",
	      type, r && r->cr_errmsg ? r->cr_errmsg : "(none)", msg);
	if (r)
		criu_resp__free_unpacked(r, NULL);
	CHECK(wait_exit(&w) == 1, "type %d: exit 1", type);
}

static void test_refusals(void)
{
	/* Not requests: EMPTY, NOTIFY out of turn, unknown numbers. */
	expect_refusal(CRIU_REQ_TYPE__EMPTY, 0, CRIU_REQ_TYPE__EMPTY, "Invalid RPC request type 0");
	expect_refusal(CRIU_REQ_TYPE__NOTIFY, 0, CRIU_REQ_TYPE__EMPTY,
		       "Invalid RPC request type 6");
	expect_refusal(77, 0, CRIU_REQ_TYPE__EMPTY, "Invalid RPC request type 77");
	/* keep_open only where nothing is left behind. */
	expect_refusal(CRIU_REQ_TYPE__CHECK, 1, CRIU_REQ_TYPE__CHECK,
		       "keep_open is not supported for check");
	expect_refusal(CRIU_REQ_TYPE__DUMP, 1, CRIU_REQ_TYPE__DUMP,
		       "keep_open is not supported for dump");
}

/* EOF before any request: nothing to do, exit 0. */
static void test_eof(void)
{
	struct worker w;

	if (start(&w, 0))
		return;
	CHECK(finish(&w) == 0, "EOF at once: exit 0");
}

static int file_has(const char *path, const char *s)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, s) != NULL;
}

/*
 * Options reach the worker: images_dir_fd through /proc/CLIENT/fd, the log
 * file in it, the config file overriding the request; bad options refused.
 */
static void test_options(void)
{
	CriuReq req = CRIU_REQ__INIT;
	CriuOpts opts = CRIU_OPTS__INIT;
	char path[256], cfg[256];
	struct worker w;
	CriuResp *r;
	FILE *f;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);

	req.type = CRIU_REQ_TYPE__CHECK;
	req.opts = &opts;
	opts.images_dir_fd = dfd;
	opts.log_file = "check.log";
	opts.has_log_level = true;
	opts.log_level = 4;
	if (start(&w, 1))
		return;
	r = call(&w, &req);
	CHECK(r && r->success, "CHECK with options");
	if (r)
		criu_resp__free_unpacked(r, NULL);
	CHECK(finish(&w) == 0, "exit 0");
	snprintf(path, sizeof(path), "%s/check.log", dir);
	CHECK(file_has(path, "RPC: check request"), "log file written in the images dir");
	unlink(path);

	/* config_file wins over log_file */
	snprintf(cfg, sizeof(cfg), "%s/rpc.conf", dir);
	f = fopen(cfg, "w");
	fprintf(f, "log-file cfg.log\n");
	fclose(f);
	opts.config_file = cfg;
	if (start(&w, 1))
		return;
	r = call(&w, &req);
	CHECK(r && r->success, "CHECK with a config file");
	if (r)
		criu_resp__free_unpacked(r, NULL);
	CHECK(finish(&w) == 0, "exit 0");
	snprintf(path, sizeof(path), "%s/cfg.log", dir);
	CHECK(file_has(path, "RPC: check request"), "log file named by the config file");
	unlink(path);
	unlink(cfg);

	/* A bad option: EBADRQC, as CRIU answers. */
	opts.config_file = NULL;
	opts.log_file = "../escape.log";
	if (start(&w, 1))
		return;
	r = call(&w, &req);
	CHECK(r && r->type == CRIU_REQ_TYPE__CHECK && !r->success, "bad log_file refused");
	CHECK(r && r->has_cr_errno && r->cr_errno == EBADRQC, "EBADRQC");
	CHECK(r && r->cr_errmsg && strstr(r->cr_errmsg, "no '/' allowed"), "errmsg `%s'",
	      r && r->cr_errmsg ? r->cr_errmsg : "(none)");
	if (r)
		criu_resp__free_unpacked(r, NULL);
	CHECK(wait_exit(&w) == 1, "exit 1");

	/* DUMP without any images directory */
	close(dfd);
	req.type = CRIU_REQ_TYPE__FEATURE_CHECK;
	opts.log_file = NULL;
	opts.images_dir_fd = -1;
	opts.images_dir = "/nonexistent/images";
	if (start(&w, 1))
		return;
	r = call(&w, &req);
	CHECK(r && !r->success && r->cr_errmsg && strstr(r->cr_errmsg, "/nonexistent/images"),
	      "missing images dir named: `%s'", r && r->cr_errmsg ? r->cr_errmsg : "(none)");
	if (r)
		criu_resp__free_unpacked(r, NULL);
	CHECK(wait_exit(&w) == 1, "exit 1");
}

/* A child that counts into a file, in its own session, stdio on /dev/null. */
static pid_t start_counter(const char *path)
{
	unsigned long n = 0;
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	setsid();
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close_range(3, ~0U, 0);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	for (;;) {
		n++;
		if (pwrite(fd, &n, sizeof(n), 0) != sizeof(n))
			_exit(1);
		usleep(1000);
	}
}

static unsigned long read_counter(const char *path)
{
	unsigned long n = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		if (pread(fd, &n, sizeof(n), 0) != sizeof(n))
			n = 0;
		close(fd);
	}
	return n;
}

/* DUMP then RESTORE over RPC, as runc drives them: the task comes back. */
static void test_dump_restore(void)
{
	char path[256];
	CriuReq req = CRIU_REQ__INIT;
	CriuOpts opts = CRIU_OPTS__INIT;
	unsigned long before;
	struct worker w;
	CriuResp *r;
	pid_t pid;
	int dfd;

	snprintf(path, sizeof(path), "%s/counter", dir);
	pid = start_counter(path);
	while (read_counter(path) < 10)
		usleep(1000);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (start(&w, 1))
		return;
	req.type = CRIU_REQ_TYPE__DUMP;
	req.opts = &opts;
	opts.images_dir_fd = dfd;
	opts.has_pid = true;
	opts.pid = pid;
	opts.has_log_level = true;
	opts.log_level = 4;
	opts.log_file = "dump.log";
	r = call(&w, &req);
	CHECK(r && r->type == CRIU_REQ_TYPE__DUMP && r->success, "DUMP over RPC succeeds: %s",
	      r && r->cr_errmsg ? r->cr_errmsg : "");
	if (r)
		criu_resp__free_unpacked(r, NULL);
	wait_exit(&w);
	/* The dumped task was killed; reap it so its pid is free again. */
	CHECK(waitpid(pid, NULL, 0) == pid, "dumped child reaped");
	before = read_counter(path);

	if (start(&w, 1))
		return;
	req.type = CRIU_REQ_TYPE__RESTORE;
	opts.has_pid = false;
	opts.log_file = "restore.log";
	r = call(&w, &req);
	CHECK(r && r->type == CRIU_REQ_TYPE__RESTORE && r->success,
	      "RESTORE over RPC succeeds: %s", r && r->cr_errmsg ? r->cr_errmsg : "");
	CHECK(r && r->restore && r->restore->pid == pid, "restore answers pid %d (want %d)",
	      r && r->restore ? r->restore->pid : -1, pid);
	if (r)
		criu_resp__free_unpacked(r, NULL);
	wait_exit(&w);
	usleep(200000);
	CHECK(read_counter(path) > before, "restored task counts on (%lu > %lu)", read_counter(path),
	      before);
	kill(pid, SIGKILL);
	close(dfd);
}

int main(void)
{
	char cache[128];

	criu = getenv("CRIU");
	if (!criu)
		criu = "criu/criu";
	if (access(criu, X_OK)) {
		printf("SKIP: no criu binary at %s (build it first)\n", criu);
		return 77;
	}
	log_set_loglevel(LOG_MSG);
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	/* The worker and we share a private kerndat cache. */
	snprintf(cache, sizeof(cache), "%s/criu.kdat", dir);
	setenv("CRIU_KDAT_CACHE", cache, 1);

	test_version();
	test_check();
	test_features_keep_open();
	test_not_implemented();
	test_dump_restore();
	test_garbage();
	test_refusals();
	test_eof();
	test_options();

	unlink(cache);
	rmdir(dir);
	return unit_done();
}
