// SPDX-License-Identifier: GPL-2.0
/*
 * Capabilities (run as root): some capabilities dropped from the bounding
 * set, distinct effective, permitted and inheritable sets, an ambient
 * capability, securebits (NOROOT locked, NO_SETUID_FIXUP, KEEP_CAPS), and
 * then a switch to a non-zero uid that keeps the capabilities.  After
 * restore capget, the bounding and ambient sets, the securebits and the
 * Cap* lines of /proc/self/status must be what they were.
 */
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "zdtmtst.h"

#define TEST_UID 3001

struct caps {
	struct __user_cap_data_struct d[2];
};

static int cap_get(struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return syscall(SYS_capget, &h, c->d);
}

static int cap_set(struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return syscall(SYS_capset, &h, c->d);
}

static void cap_clear(struct caps *c, int cap, int eff, int prm, int inh)
{
	uint32_t bit = 1U << (cap % 32);
	int w = cap / 32;

	if (eff)
		c->d[w].effective &= ~bit;
	if (prm)
		c->d[w].permitted &= ~bit;
	if (inh)
		c->d[w].inheritable &= ~bit;
}

static void cap_add_inh(struct caps *c, int cap)
{
	c->d[cap / 32].inheritable |= 1U << (cap % 32);
}

static int last_cap(void)
{
	char buf[32];

	if (read_file("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) < 0)
		return CAP_LAST_CAP;
	return atoi(buf);
}

static int status_caps(char *out, size_t size)
{
	char buf[4096], *p, *q;
	size_t n = 0;

	if (read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return -1;
	for (p = strstr(buf, "\nCap"); p; p = strstr(q, "\nCap")) {
		q = strchrnul(p + 1, '\n');
		n += snprintf(out + n, size - n, "%.*s;", (int)(q - p - 1), p + 1);
		if (n >= size)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char st_before[1024], st_after[1024];
	struct caps before, now;
	unsigned long bset_before[2] = {}, amb_before[2] = {}, v;
	int sec_before, cap, lastcap, ret = 0;

	test_init(argc, argv);
	if (getuid() != 0)
		test_skip("needs root (flags suid)");
	lastcap = last_cap();

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT, 0, 0, 0) ||
	    prctl(PR_CAPBSET_DROP, CAP_MKNOD, 0, 0, 0) ||
	    prctl(PR_CAPBSET_DROP, CAP_SYS_TIME, 0, 0, 0)) {
		pr_perror("PR_CAPBSET_DROP");
		return 1;
	}
	if (cap_get(&now)) {
		pr_perror("capget");
		return 1;
	}
	/* dropped everywhere / kept permitted but not effective / inheritable */
	cap_clear(&now, CAP_SYS_MODULE, 1, 1, 1);
	cap_clear(&now, CAP_SYS_BOOT, 1, 1, 1);
	cap_clear(&now, CAP_NET_ADMIN, 1, 0, 0);
	cap_clear(&now, CAP_SYS_NICE, 1, 0, 0);
	cap_add_inh(&now, CAP_NET_RAW);
	cap_add_inh(&now, CAP_KILL);
	cap_add_inh(&now, CAP_SYS_NICE);
	if (cap_set(&now)) {
		pr_perror("capset");
		return 1;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_NICE, 0, 0)) {
		pr_perror("PR_CAP_AMBIENT_RAISE");
		return 1;
	}
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | SECBIT_KEEP_CAPS,
		  0, 0, 0)) {
		pr_perror("PR_SET_SECUREBITS");
		return 1;
	}
	/* a non-root uid that keeps its capabilities (NO_SETUID_FIXUP) */
	if (setresuid(TEST_UID, TEST_UID, TEST_UID)) {
		pr_perror("setresuid");
		return 1;
	}
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
		pr_perror("PR_SET_DUMPABLE");
		return 1;
	}

	if (cap_get(&before) || status_caps(st_before, sizeof(st_before))) {
		pr_perror("capget");
		return 1;
	}
	if (!(before.d[0].permitted & (1U << CAP_SETUID))) {
		pr_err("the capabilities were lost with the uid");
		return 1;
	}
	for (cap = 0; cap <= lastcap; cap++) {
		v = prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1;
		bset_before[cap / 64] |= v << (cap % 64);
		v = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1;
		amb_before[cap / 64] |= v << (cap % 64);
	}
	sec_before = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

	test_daemon();
	test_waitsig();

	if (cap_get(&now) || memcmp(&now, &before, sizeof(now))) {
		fail("capabilities: eff %08x%08x prm %08x%08x inh %08x%08x, expected "
		     "%08x%08x %08x%08x %08x%08x",
		     now.d[1].effective, now.d[0].effective, now.d[1].permitted, now.d[0].permitted,
		     now.d[1].inheritable, now.d[0].inheritable, before.d[1].effective,
		     before.d[0].effective, before.d[1].permitted, before.d[0].permitted,
		     before.d[1].inheritable, before.d[0].inheritable);
		ret = 1;
	}
	for (cap = 0; cap <= lastcap; cap++) {
		v = prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1;
		if (v != ((bset_before[cap / 64] >> (cap % 64)) & 1)) {
			fail("bounding set: capability %d is %s", cap, v ? "in" : "out");
			ret = 1;
		}
		v = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1;
		if (v != ((amb_before[cap / 64] >> (cap % 64)) & 1)) {
			fail("ambient set: capability %d is %s", cap, v ? "in" : "out");
			ret = 1;
		}
	}
	if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != sec_before) {
		fail("securebits %#x, expected %#x", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0),
		     sec_before);
		ret = 1;
	}
	if (getuid() != TEST_UID || geteuid() != TEST_UID) {
		fail("uid %d euid %d, expected %d", getuid(), geteuid(), TEST_UID);
		ret = 1;
	}
	if (status_caps(st_after, sizeof(st_after)) || strcmp(st_before, st_after)) {
		fail("status: %s, expected %s", st_after, st_before);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
