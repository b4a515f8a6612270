// SPDX-License-Identifier: GPL-2.0
/* The kerndat cache file: round trip, invalidation, rejection of foreign files. */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kerndat.h"
#include "log.h"
#include "unit.h"

static char dir[] = "/tmp/kerndat-unit.XXXXXX";
static char path[4096];

static const struct kerndat_id id_a = { "1111-aaaa", "6.18.0-test", "#1 SMP PREEMPT_DYNAMIC" };

static void sample(struct kerndat *kd)
{
	memset(kd, 0, sizeof(*kd));
	kd->has_ptrace_seize = true;
	kd->has_uffd = true;
	kd->uffd_features = 0x1ffffULL;
	kd->has_pagemap_scan = true;
	kd->has_uffd_wp_tracker = true;
	kd->dirty_track = DIRTY_TRACK_UFFD_WP;
	kd->cap_last_cap = 40;
	kd->glibc_rseq_size = 32;
	kd->vdso.present = true;
	kd->vdso.vdso_size = 0x2000;
	kd->vdso.vvar_size = 0x6000;
	kd->vdso.vvar_off = -0x6000;
	kd->vdso.sym_off[VDSO_SYM_CLOCK_GETTIME] = 0xaf0;
}

static char *slurp(const char *p)
{
	static char buf[2][16384];
	static int which;
	char *b = buf[which ^= 1];
	size_t n = 0;
	FILE *f = fopen(p, "r");

	if (!f)
		return NULL;
	n = fread(b, 1, sizeof(buf[0]) - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

static void spit(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	fputs(text, f);
	fclose(f);
}

/* Replace the first line starting with key by `key value`. */
static void edit(const char *key, const char *value)
{
	char *in = strdup(slurp(path)), *line, *save = NULL;
	char out[16384] = "";

	for (line = strtok_r(in, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ' ') {
			if (value) {
				strcat(out, key);
				strcat(out, " ");
				strcat(out, value);
				strcat(out, "\n");
			}
			continue;
		}
		strcat(out, line);
		strcat(out, "\n");
	}
	spit(path, out);
	free(in);
}

static int count_dir_entries(void)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_round_trip(void)
{
	struct kerndat kd, back;
	char saved[16384];

	sample(&kd);
	CHECK(kerndat_save(path, &id_a, &kd) == 0, "save");
	CHECK(count_dir_entries() == 1, "temp file left behind");
	snprintf(saved, sizeof(saved), "%s", slurp(path));

	memset(&back, 0xff, sizeof(back));
	CHECK(kerndat_load(path, &id_a, &back) == 0, "load");
	CHECK(back.has_ptrace_seize && back.has_uffd && !back.has_soft_dirty, "bools");
	CHECK(back.uffd_features == 0x1ffffULL, "u64 %#llx",
	      (unsigned long long)back.uffd_features);
	CHECK(back.dirty_track == DIRTY_TRACK_UFFD_WP, "dirty_track %d", back.dirty_track);
	CHECK(back.cap_last_cap == 40 && back.glibc_rseq_size == 32, "u32");
	CHECK(back.vdso.vvar_off == -0x6000, "s64 %lld", (long long)back.vdso.vvar_off);
	CHECK(back.vdso.sym_off[VDSO_SYM_CLOCK_GETTIME] == 0xaf0, "vdso sym");
	CHECK(back.vdso.sym_off[VDSO_SYM_GETCPU] == 0, "absent vdso sym");

	/* Saving what was loaded gives the same file: nothing lost on the way. */
	CHECK(kerndat_save(path, &id_a, &back) == 0, "save again");
	CHECK(!strcmp(saved, slurp(path)), "round trip changed the file");
}

static void expect_stale(const char *what)
{
	struct kerndat kd;

	CHECK(kerndat_load(path, &id_a, &kd) == 1, "%s: cache still trusted", what);
}

static void test_invalidation(void)
{
	static char text[20000];
	struct kerndat kd;
	struct kerndat_id other;

	sample(&kd);

	other = id_a;
	snprintf(other.boot_id, sizeof(other.boot_id), "2222-bbbb");
	kerndat_save(path, &other, &kd);
	expect_stale("other boot");

	other = id_a;
	snprintf(other.release, sizeof(other.release), "6.19.0");
	kerndat_save(path, &other, &kd);
	expect_stale("other release");

	other = id_a;
	snprintf(other.version, sizeof(other.version), "#2 SMP");
	kerndat_save(path, &other, &kd);
	expect_stale("other version");

	kerndat_save(path, &id_a, &kd);
	edit("has_uffd", NULL);
	expect_stale("missing key");

	kerndat_save(path, &id_a, &kd);
	edit("has_uffd", "yes");
	expect_stale("bad bool");

	kerndat_save(path, &id_a, &kd);
	edit("dirty_track", "magic");
	expect_stale("bad tracker");

	kerndat_save(path, &id_a, &kd);
	edit("criu-kdat", "999");
	expect_stale("other format");

	kerndat_save(path, &id_a, &kd);
	snprintf(text, sizeof(text), "%shas_warp_drive 1\n", slurp(path));
	spit(path, text);
	expect_stale("unknown key");

	spit(path, "");
	expect_stale("empty file");

	unlink(path);
	CHECK(kerndat_load(path, &id_a, &kd) == 1, "missing file");
}

static void test_cache_path(void)
{
	unsetenv("CRIU_KDAT_CACHE");
	CHECK(!strcmp(kerndat_cache_path(), KDAT_CACHE_DEFAULT), "default path");
	setenv("CRIU_KDAT_CACHE", path, 1);
	CHECK(!strcmp(kerndat_cache_path(), path), "env path");
}

/* kerndat_init() runs once per process: each round is a fresh child. */
static int init_in_child(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (kerndat_init())
			_exit(2);
		_exit(kerndat_from_cache() ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_init(void)
{
	struct kerndat_id now;
	struct stat st1, st2;

	unlink(path);
	setenv("CRIU_KDAT_CACHE", path, 1);
	CHECK(init_in_child() == 0, "first run must probe");
	CHECK(stat(path, &st1) == 0, "cache not created");
	CHECK(init_in_child() == 1, "second run must use the cache");
	CHECK(stat(path, &st2) == 0 && st1.st_ino == st2.st_ino, "cache rewritten on reuse");

	edit("boot_id", "00000000-0000-0000-0000-000000000000");
	CHECK(init_in_child() == 0, "stale boot_id must re-probe");
	kerndat_get_id(&now);
	CHECK(strstr(slurp(path), now.boot_id) != NULL, "cache not refreshed");
	CHECK(init_in_child() == 1, "refreshed cache must be used");

	edit("release", "1.0.0");
	CHECK(init_in_child() == 0, "stale release must re-probe");
	CHECK(count_dir_entries() == 1, "temp file left behind");
}

int main(void)
{
	log_set_loglevel(LOG_ERROR);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/criu.kdat", dir);

	test_round_trip();
	test_invalidation();
	test_cache_path();
	test_init();

	unlink(path);
	rmdir(dir);
	return unit_done();
}
