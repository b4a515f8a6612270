// SPDX-License-Identifier: GPL-2.0
/*
 * User and group ids (run as root, then dropped): distinct real, effective,
 * saved and filesystem uids and gids, and a list of supplementary groups.
 * After restore getresuid/getresgid, the fs ids (setfsuid(-1) reports them),
 * the groups and the ids in /proc/self/status must be what they were.
 */
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>

#include "zdtmtst.h"

#define RUID 2001
#define EUID 2002
#define SUID 2003
#define RGID 1001
#define EGID 1002
#define SGID 1003

/* sorted, as the kernel keeps them */
static const gid_t groups[] = { 11, 22, 33, 44, 1001 };

static int status_ids(char *out, size_t size)
{
	char buf[4096], *uid, *gid, *grp;

	if (read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return -1;
	uid = strstr(buf, "\nUid:");
	gid = strstr(buf, "\nGid:");
	grp = strstr(buf, "\nGroups:");
	if (!uid || !gid || !grp)
		return -1;
	*strchrnul(uid + 1, '\n') = 0;
	*strchrnul(gid + 1, '\n') = 0;
	*strchrnul(grp + 1, '\n') = 0;
	snprintf(out, size, "%s|%s|%s", uid + 1, gid + 1, grp + 1);
	return 0;
}

int main(int argc, char **argv)
{
	char before[512], after[512];
	uid_t r, e, s;
	gid_t rg, eg, sg, now_groups[32];
	int n, i, ret = 0;

	test_init(argc, argv);
	if (getuid() != 0)
		test_skip("needs root (flags suid)");
	if (setgroups(ARRAY_SIZE(groups), groups) || setresgid(RGID, EGID, SGID) ||
	    setresuid(RUID, EUID, SUID)) {
		pr_perror("can't set the ids");
		return 1;
	}
	/* fsuid/fsgid follow the effective ids: move them to the saved ones */
	setfsuid(SUID);
	setfsgid(SGID);
	/* changing ids made us undumpable: criu must be able to seize us */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
		pr_perror("PR_SET_DUMPABLE");
		return 1;
	}
	if (setfsuid(-1) != SUID || setfsgid(-1) != SGID || status_ids(before, sizeof(before))) {
		pr_err("fs ids are not set");
		return 1;
	}

	test_daemon();
	test_waitsig();

	if (getresuid(&r, &e, &s) || r != RUID || e != EUID || s != SUID) {
		fail("uids %d/%d/%d, expected %d/%d/%d", r, e, s, RUID, EUID, SUID);
		ret = 1;
	}
	if (getresgid(&rg, &eg, &sg) || rg != RGID || eg != EGID || sg != SGID) {
		fail("gids %d/%d/%d, expected %d/%d/%d", rg, eg, sg, RGID, EGID, SGID);
		ret = 1;
	}
	if (setfsuid(-1) != SUID || setfsgid(-1) != SGID) {
		fail("fsuid %d fsgid %d, expected %d %d", setfsuid(-1), setfsgid(-1), SUID, SGID);
		ret = 1;
	}
	n = getgroups(ARRAY_SIZE(now_groups), now_groups);
	if (n != (int)ARRAY_SIZE(groups)) {
		fail("%d groups, expected %zu", n, ARRAY_SIZE(groups));
		ret = 1;
	} else {
		for (i = 0; i < n; i++) {
			if (now_groups[i] != groups[i]) {
				fail("group %d is %d, expected %d", i, now_groups[i], groups[i]);
				ret = 1;
			}
		}
	}
	if (status_ids(after, sizeof(after)) || strcmp(before, after)) {
		fail("status: %s, expected %s", after, before);
		ret = 1;
	}
	if (!ret)
		pass();
	return 0;
}
