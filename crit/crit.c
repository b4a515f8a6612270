// SPDX-License-Identifier: GPL-2.0
/*
 * crit: look inside image files.
 *
 *   crit decode -i FILE [-o OUT] [--pretty]   the image as JSON
 *   crit show FILE                            decode --pretty
 *   crit info FILE                            kind, message count, sizes
 *
 * The kind comes from the file's magic (pages-*.img, which has none, from
 * its name).  Any damage is an error naming the file and the offset, exit 1.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crit.h"
#include "image.h"
#include "log.h"
#include "magic.h"

struct crit_out {
	FILE *f;
	bool pretty;
	bool info;
	unsigned long nr_msgs;
	uint64_t payload_bytes;
	bool first;
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: crit decode -i FILE [-o OUT] [--pretty]\n"
		   "       crit show FILE\n"
		   "       crit info FILE\n");
}

/* Upper-case kind name as CRIU's crit prints it: "pipes-data" -> "PIPES_DATA". */
static void print_kind(FILE *f, int kind)
{
	const char *p;

	fputc('"', f);
	for (p = cr_fd_desc[kind].name; *p; p++)
		fputc(*p == '-' ? '_' : toupper((unsigned char)*p), f);
	fputc('"', f);
}

static void entry_sep(struct crit_out *o)
{
	if (!o->first)
		fputc(',', o->f);
	o->first = false;
	fputs(o->pretty ? "\n        " : " ", o->f);
}

static int on_msg(void *arg, const ProtobufCMessage *m, off_t off, int64_t payload)
{
	struct crit_out *o = arg;

	o->nr_msgs++;
	if (payload > 0)
		o->payload_bytes += payload;
	if (o->info)
		return 0;
	entry_sep(o);
	json_print_msg_extra(o->f, m, o->pretty ? 2 : -1, payload >= 0 ? "extra_bytes" : NULL,
			     payload);
	return 0;
}

static int on_raw(void *arg, off_t off, uint64_t len)
{
	struct crit_out *o = arg;

	o->payload_bytes += len;
	if (o->info)
		return 0;
	entry_sep(o);
	fprintf(o->f, "{\"raw_offset\": %lld, \"raw_bytes\": %llu}", (long long)off,
		(unsigned long long)len);
	return 0;
}

/* The kind of @path from its head; -1 (error logged) when it is no image. */
static int detect_kind(int fd, const char *path)
{
	uint32_t m[2];
	ssize_t n;
	char *tmp, *base;
	bool pages;
	int kind;

	n = pread(fd, m, sizeof(m), 0);
	if (n < 0) {
		pr_perror("%s: can't read at offset 0", path);
		return -1;
	}
	kind = img_identify(m, n);
	if (kind >= 0)
		return kind;

	tmp = strdup(path);
	base = tmp ? basename(tmp) : NULL;
	pages = base && !strncmp(base, "pages-", 6);
	free(tmp);
	if (pages)
		return CR_FD_PAGES;

	if (n == 0) {
		pr_err("%s: empty file at offset 0, not an image\n", path);
	} else if (n < 4) {
		pr_err("%s: truncated magic at offset 0 (wanted 4 bytes, got %zd)\n", path, n);
	} else if ((m[0] == IMG_COMMON_MAGIC || m[0] == IMG_SERVICE_MAGIC) && n < 8) {
		pr_err("%s: truncated magic at offset 4 (wanted 4 bytes, got %zd)\n", path, n - 4);
	} else if (m[0] == IMG_COMMON_MAGIC || m[0] == IMG_SERVICE_MAGIC) {
		pr_err("%s: unknown image magic 0x%08x at offset 4\n", path, m[1]);
	} else {
		pr_err("%s: unknown magic 0x%08x at offset 0 (not a CRIU image)\n", path, m[0]);
	}
	return -1;
}

static int crit_run(const char *in, const char *out, bool pretty, bool info)
{
	static const struct img_walk_ops ops = { .msg = on_msg, .raw = on_raw };
	struct crit_out o = { .pretty = pretty, .info = info, .first = true };
	struct cr_img *img;
	int fd, kind, ret;

	fd = open(in, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_perror("%s: can't open", in);
		return -1;
	}
	kind = detect_kind(fd, in);
	if (kind < 0) {
		close(fd);
		return -1;
	}
	img = img_from_fd(fd, kind, O_RSTR, in);
	if (!img)
		return -1;

	o.f = stdout;
	if (out && strcmp(out, "-")) {
		o.f = fopen(out, "w");
		if (!o.f) {
			pr_perror("%s: can't create", out);
			close_image(img);
			return -1;
		}
	}

	if (!info) {
		fputs("{", o.f);
		fputs(pretty ? "\n    " : "", o.f);
		fputs("\"magic\": ", o.f);
		print_kind(o.f, kind);
		fputs(pretty ? ",\n    \"entries\": [" : ", \"entries\": [", o.f);
	}
	ret = img_walk(img, &ops, &o);
	if (info) {
		fprintf(o.f,
			"file: %s\nkind: %s\nmagic: 0x%08x\nmessages: %lu\n"
			"payload_bytes: %llu\nsize: %lld\n",
			in, cr_fd_desc[kind].name, cr_fd_desc[kind].magic, o.nr_msgs,
			(unsigned long long)o.payload_bytes, (long long)img_offset(img));
	} else {
		fputs(pretty ? (o.first ? "]\n}\n" : "\n    ]\n}\n") : " ]}\n", o.f);
	}
	close_image(img);
	if (o.f != stdout && fclose(o.f)) {
		pr_perror("%s: can't write", out);
		ret = -1;
	}
	fflush(stdout);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *cmd, *in = NULL, *out = NULL;
	bool pretty = false;
	int c;

	log_init(NULL);
	log_set_loglevel(LOG_ERROR);

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return 0;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "i:o:ph", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			in = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'p':
			pretty = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!in && optind < argc)
		in = argv[optind++];
	if (!in || optind < argc) {
		usage(stderr);
		return 1;
	}

	if (!strcmp(cmd, "decode"))
		return crit_run(in, out, pretty, false) ? 1 : 0;
	if (!strcmp(cmd, "show"))
		return crit_run(in, out, true, false) ? 1 : 0;
	if (!strcmp(cmd, "info"))
		return crit_run(in, out, false, true) ? 1 : 0;

	fprintf(stderr, "crit: unknown command '%s'\n", cmd);
	usage(stderr);
	return 1;
}
