// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-features cache: probe once per boot, keep the answers in a file
 * next to other per-boot state, trust the file only on the boot and kernel
 * that wrote it.
 *
 * The file is text, one "key value" per line, so it can be read (and edited
 * in tests) by hand.  Its first lines name the boot and kernel; a file with
 * an unknown or a missing key came from another criu and is re-probed.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/compiler.h"
#include "kerndat-probe.h"
#include "kerndat.h"
#include "log.h"

#undef LOG_PREFIX
#define LOG_PREFIX "kerndat: "

/* Bump when a probe changes meaning, so older caches are not trusted. */
#define KDAT_MAGIC "criu-kdat"
#define KDAT_FORMAT 1

struct kerndat kdat;

static bool kdat_ready;
static bool kdat_cached;

enum kd_type { KD_BOOL, KD_U32, KD_U64, KD_S64, KD_DIRTY };

struct kd_field {
	const char *key;
	enum kd_type type;
	size_t off;
};

#define F(type, member)                                         \
	{                                                       \
#member, type, offsetof(struct kerndat, member) \
	}
#define FB(member) F(KD_BOOL, member)
#define FSYM(idx, name)                                                               \
	{                                                                             \
		"vdso.sym." name, KD_U64, offsetof(struct kerndat, vdso.sym_off[idx]) \
	}

static const struct kd_field kd_fields[] = {
	FB(has_ptrace_seize),
	FB(has_peeksiginfo),
	FB(has_suspend_seccomp),
	FB(has_seccomp_filters),
	FB(has_get_rseq_conf),
	FB(has_clone3),
	FB(has_clone3_set_tid),
	FB(has_ns_last_pid),
	FB(has_nspid),
	FB(has_pidfd_open),
	FB(has_pidfd_getfd),
	FB(has_timens),
	FB(has_cgroupns),
	FB(has_userns),
	FB(has_map_files),
	FB(has_soft_dirty),
	FB(has_uffd),
	F(KD_U64, uffd_features),
	FB(has_pagemap_scan),
	FB(has_uffd_wp_tracker),
	F(KD_DIRTY, dirty_track),
	FB(has_memfd),
	FB(has_memfd_hugetlb),
	FB(has_kcmp),
	FB(has_kcmp_epoll_tfd),
	F(KD_U32, cap_last_cap),
	FB(has_rseq),
	F(KD_U32, glibc_rseq_size),
	FB(has_tcp_repair),
	FB(has_tcp_repair_window),
	FB(has_tcp_half_closed),
	FB(sk_diag_unix),
	FB(sk_diag_tcp),
	FB(sk_diag_udp),
	FB(sk_diag_tcp6),
	FB(sk_diag_udp6),
	FB(sk_diag_netlink),
	FB(sk_diag_packet),
	FB(has_cgroup2),
	FB(cgroup2_mounted),
	FB(vdso.present),
	F(KD_U64, vdso.vdso_size),
	F(KD_U64, vdso.vvar_size),
	F(KD_S64, vdso.vvar_off),
	FSYM(VDSO_SYM_CLOCK_GETTIME, "clock_gettime"),
	FSYM(VDSO_SYM_GETTIMEOFDAY, "gettimeofday"),
	FSYM(VDSO_SYM_TIME, "time"),
	FSYM(VDSO_SYM_GETCPU, "getcpu"),
	FSYM(VDSO_SYM_CLOCK_GETRES, "clock_getres"),
	FB(vdso.can_map_vdso),
};

#undef F
#undef FB
#undef FSYM

static const char *const dirty_track_names[] = {
	[DIRTY_TRACK_NONE] = "none",
	[DIRTY_TRACK_SOFT_DIRTY] = "soft-dirty",
	[DIRTY_TRACK_UFFD_WP] = "uffd-wp",
};

const char *dirty_track_name(enum dirty_track_kind kind)
{
	if ((unsigned int)kind >= ARRAY_SIZE(dirty_track_names))
		return "unknown";
	return dirty_track_names[kind];
}

const char *kerndat_cache_path(void)
{
	const char *env = getenv("CRIU_KDAT_CACHE");

	return env && *env ? env : KDAT_CACHE_DEFAULT;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
	/* Newlines would break the line-based file. */
	dst[strcspn(dst, "\n")] = '\0';
}

int kerndat_get_id(struct kerndat_id *id)
{
	struct utsname u;
	char buf[64] = "";
	FILE *f;

	memset(id, 0, sizeof(*id));
	if (uname(&u)) {
		pr_perror("uname failed");
		return -1;
	}
	copy_str(id->release, sizeof(id->release), u.release);
	copy_str(id->version, sizeof(id->version), u.version);

	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f) {
		pr_perror("Can't open boot_id");
		return -1;
	}
	if (!fgets(buf, sizeof(buf), f)) {
		pr_err("Can't read boot_id\n");
		fclose(f);
		return -1;
	}
	fclose(f);
	copy_str(id->boot_id, sizeof(id->boot_id), buf);
	return 0;
}

/* ---------------------------------------------------------------- save */

static void write_field(FILE *f, const struct kd_field *fl, const struct kerndat *kd)
{
	const char *p = (const char *)kd + fl->off;

	switch (fl->type) {
	case KD_BOOL:
		fprintf(f, "%s %d\n", fl->key, *(const bool *)p ? 1 : 0);
		break;
	case KD_U32:
		fprintf(f, "%s %" PRIu32 "\n", fl->key, *(const uint32_t *)p);
		break;
	case KD_U64:
		fprintf(f, "%s %#" PRIx64 "\n", fl->key, *(const uint64_t *)p);
		break;
	case KD_S64:
		fprintf(f, "%s %" PRId64 "\n", fl->key, *(const int64_t *)p);
		break;
	case KD_DIRTY:
		fprintf(f, "%s %s\n", fl->key, dirty_track_name(*(const enum dirty_track_kind *)p));
		break;
	}
}

int kerndat_save(const char *path, const struct kerndat_id *id, const struct kerndat *kd)
{
	char tmp[4096];
	unsigned int i;
	FILE *f;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		pr_err("Cache path %s is too long\n", path);
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		pr_pwarn("Can't create %s", tmp);
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		pr_pwarn("Can't fdopen %s", tmp);
		close(fd);
		goto err;
	}

	fprintf(f, "%s %d\n", KDAT_MAGIC, KDAT_FORMAT);
	fprintf(f, "boot_id %s\n", id->boot_id);
	fprintf(f, "release %s\n", id->release);
	fprintf(f, "version %s\n", id->version);
	for (i = 0; i < ARRAY_SIZE(kd_fields); i++)
		write_field(f, &kd_fields[i], kd);

	/* Readers see either the old file or the whole new one. */
	if (fflush(f) || fsync(fileno(f))) {
		pr_pwarn("Can't write %s", tmp);
		fclose(f);
		goto err;
	}
	if (fclose(f)) {
		pr_pwarn("Can't close %s", tmp);
		goto err;
	}
	if (rename(tmp, path)) {
		pr_pwarn("Can't rename %s to %s", tmp, path);
		goto err;
	}
	return 0;
err:
	unlink(tmp);
	return -1;
}

/* ---------------------------------------------------------------- load */

static int parse_value(const struct kd_field *fl, const char *val, struct kerndat *kd)
{
	char *p = (char *)kd + fl->off, *end;
	unsigned long long u;
	long long s;
	unsigned int i;

	errno = 0;
	switch (fl->type) {
	case KD_BOOL:
		if (strcmp(val, "0") && strcmp(val, "1"))
			return -1;
		*(bool *)p = val[0] == '1';
		return 0;
	case KD_U32:
	case KD_U64:
		u = strtoull(val, &end, 0);
		if (errno || *end || end == val || (fl->type == KD_U32 && u > UINT32_MAX))
			return -1;
		if (fl->type == KD_U32)
			*(uint32_t *)p = u;
		else
			*(uint64_t *)p = u;
		return 0;
	case KD_S64:
		s = strtoll(val, &end, 0);
		if (errno || *end || end == val)
			return -1;
		*(int64_t *)p = s;
		return 0;
	case KD_DIRTY:
		for (i = 0; i < ARRAY_SIZE(dirty_track_names); i++) {
			if (!strcmp(val, dirty_track_names[i])) {
				*(enum dirty_track_kind *)p = i;
				return 0;
			}
		}
		return -1;
	}
	return -1;
}

static const struct kd_field *find_field(const char *key)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kd_fields); i++)
		if (!strcmp(kd_fields[i].key, key))
			return &kd_fields[i];
	return NULL;
}

/* Split "key value" in place; the value runs to the end of the line. */
static char *split_line(char *line)
{
	char *sp;

	line[strcspn(line, "\n")] = '\0';
	sp = strchr(line, ' ');
	if (!sp)
		return NULL;
	*sp = '\0';
	return sp + 1;
}

static int check_header(FILE *f, const char *path, const struct kerndat_id *id)
{
	static const char *const keys[] = { "boot_id", "release", "version" };
	const char *want[] = { id->boot_id, id->release, id->version };
	char line[512];
	unsigned int i;
	char *val;

	if (!fgets(line, sizeof(line), f) || !(val = split_line(line)) ||
	    strcmp(line, KDAT_MAGIC) || atoi(val) != KDAT_FORMAT) {
		pr_info("%s is not a format %d cache\n", path, KDAT_FORMAT);
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!fgets(line, sizeof(line), f) || !(val = split_line(line)) ||
		    strcmp(line, keys[i])) {
			pr_info("%s: no %s line\n", path, keys[i]);
			return 1;
		}
		if (strcmp(val, want[i])) {
			pr_info("%s is stale: %s %s, running %s\n", path, keys[i], val, want[i]);
			return 1;
		}
	}
	return 0;
}

int kerndat_load(const char *path, const struct kerndat_id *id, struct kerndat *kd)
{
	bool seen[ARRAY_SIZE(kd_fields)] = {};
	struct kerndat tmp = {};
	char line[512];
	unsigned int i;
	int ret;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT) {
			pr_info("No cache at %s\n", path);
			return 1;
		}
		pr_pwarn("Can't open %s", path);
		return -1;
	}

	ret = check_header(f, path, id);
	if (ret)
		goto out;

	ret = 1;
	while (fgets(line, sizeof(line), f)) {
		const struct kd_field *fl;
		char *val = split_line(line);

		fl = val ? find_field(line) : NULL;
		if (!fl || parse_value(fl, val, &tmp)) {
			pr_info("%s: bad line '%s'\n", path, line);
			goto out;
		}
		seen[fl - kd_fields] = true;
	}
	if (ferror(f)) {
		pr_pwarn("Can't read %s", path);
		ret = -1;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(kd_fields); i++) {
		if (!seen[i]) {
			pr_info("%s lacks %s\n", path, kd_fields[i].key);
			goto out;
		}
	}
	*kd = tmp;
	ret = 0;
out:
	fclose(f);
	return ret;
}

/* ---------------------------------------------------------------- probe */

int kerndat_probe(struct kerndat *kd)
{
	memset(kd, 0, sizeof(*kd));
	if (kerndat_probe_mem(kd) || kerndat_probe_task(kd) || kerndat_probe_net(kd) ||
	    kerndat_probe_misc(kd) || kerndat_probe_vdso(kd)) {
		pr_err("Probing kernel features failed\n");
		return -1;
	}
	pr_info("Probed kernel features; dirty tracker: %s\n", dirty_track_name(kd->dirty_track));
	return 0;
}

bool kerndat_from_cache(void)
{
	return kdat_cached;
}

int kerndat_init(void)
{
	const char *path = kerndat_cache_path();
	struct kerndat_id id;
	int ret;

	if (kdat_ready)
		return 0;
	if (kerndat_get_id(&id))
		return -1;

	ret = kerndat_load(path, &id, &kdat);
	if (ret == 0) {
		pr_info("Loaded kernel features from %s\n", path);
		kdat_cached = true;
		kdat_ready = true;
		return 0;
	}

	if (kerndat_probe(&kdat))
		return -1;
	kdat_ready = true;
	/* A cache we can't write (read-only /run, no privileges) costs only time. */
	if (kerndat_save(path, &id, &kdat))
		pr_warn("Can't save kernel features to %s; they will be probed again\n", path);
	else
		pr_info("Saved kernel features to %s\n", path);
	return 0;
}
