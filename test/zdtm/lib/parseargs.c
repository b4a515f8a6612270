// SPDX-License-Identifier: GPL-2.0
/* Command line of a test: --name=value or --name value, declared with TEST_OPTION(). */
#include <limits.h>

#include "zdtmtst.h"

static struct long_opt *opts;

void __push_opt(struct long_opt *opt)
{
	opt->next = opts;
	opts = opt;
}

static int parse_signed(const char *arg, long long min, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(arg, &end, 0);
	if (errno || end == arg || *end || *out < min || *out > max)
		return -1;
	return 0;
}

static int parse_unsigned(const char *arg, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (*arg == '-')
		return -1;
	errno = 0;
	*out = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || *out > max)
		return -1;
	return 0;
}

int parse_opt_bool(const char *arg, void *value)
{
	int *v = value;

	if (!arg || !strcmp(arg, "1") || !strcmp(arg, "yes") || !strcmp(arg, "true") ||
	    !strcmp(arg, "on"))
		*v = 1;
	else if (!strcmp(arg, "0") || !strcmp(arg, "no") || !strcmp(arg, "false") ||
		 !strcmp(arg, "off"))
		*v = 0;
	else
		return -1;
	return 0;
}

int parse_opt_int(const char *arg, void *value)
{
	long long v;

	if (parse_signed(arg, INT_MIN, INT_MAX, &v))
		return -1;
	*(int *)value = v;
	return 0;
}

int parse_opt_uint(const char *arg, void *value)
{
	unsigned long long v;

	if (parse_unsigned(arg, UINT_MAX, &v))
		return -1;
	*(unsigned int *)value = v;
	return 0;
}

int parse_opt_long(const char *arg, void *value)
{
	long long v;

	if (parse_signed(arg, LONG_MIN, LONG_MAX, &v))
		return -1;
	*(long *)value = v;
	return 0;
}

int parse_opt_ulong(const char *arg, void *value)
{
	unsigned long long v;

	if (parse_unsigned(arg, ULONG_MAX, &v))
		return -1;
	*(unsigned long *)value = v;
	return 0;
}

int parse_opt_string(const char *arg, void *value)
{
	*(const char **)value = arg;
	return 0;
}

static void usage(const char *prog, FILE *f)
{
	struct long_opt *o;

	fprintf(f, "Usage: %s [--OPTION=VALUE ...]\n", prog);
	for (o = opts; o; o = o->next)
		fprintf(f, "  --%s=%s%s\t%s\n", o->name, o->type,
			o->is_required ? " (required)" : "", o->doc);
}

static struct long_opt *find_opt(const char *name, size_t len)
{
	struct long_opt *o;

	for (o = opts; o; o = o->next)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

void parseargs(int argc, char **argv)
{
	struct long_opt *o;
	int i, bad = 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *name, *val;
		size_t len;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			usage(argv[0], stdout);
			exit(0);
		}
		if (strncmp(arg, "--", 2)) {
			fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], arg);
			bad = 1;
			continue;
		}
		name = arg + 2;
		val = strchr(name, '=');
		len = val ? (size_t)(val - name) : strlen(name);
		if (val)
			val++;
		o = find_opt(name, len);
		if (!o) {
			fprintf(stderr, "%s: unknown option '%s'\n", argv[0], arg);
			bad = 1;
			continue;
		}
		/* a bool needs no value; the others take the next argument */
		if (!val && strcmp(o->type, "bool")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: option --%s needs a value\n", argv[0],
					o->name);
				bad = 1;
				continue;
			}
			val = argv[++i];
		}
		if (o->parse_opt(val, o->value)) {
			fprintf(stderr, "%s: bad value '%s' for --%s (%s)\n", argv[0],
				val ? val : "", o->name, o->type);
			bad = 1;
			continue;
		}
		o->seen = 1;
	}

	for (o = opts; o; o = o->next) {
		if (o->is_required && !o->seen) {
			fprintf(stderr, "%s: option --%s is required\n", argv[0], o->name);
			bad = 1;
		}
	}

	if (bad) {
		usage(argv[0], stderr);
		exit(1);
	}
}
