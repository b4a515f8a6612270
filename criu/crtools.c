// SPDX-License-Identifier: GPL-2.0
/* criu: entry point; picks the command and sets up directories and logging. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/compiler.h"
#include "cr_options.h"
#include "cr-check.h"
#include "cr-dump.h"
#include "cr-restore.h"
#include "cr-service.h"
#include "crtools.h"
#include "log.h"
#include "version.h"

static int cmd_not_landed(const struct cr_options *o)
{
	pr_err("`%s' is not implemented in this build yet\n", o->command);
	return 1;
}

/*
 * Commands and what they need.  A command whose implementation has not
 * landed says so and exits 1 rather than pretending.
 */
static const struct cr_command commands[] = {
	{ "dump", cr_dump, CMD_IMAGES },
	{ "pre-dump", cmd_not_landed, CMD_IMAGES },
	{ "restore", cr_restore, CMD_IMAGES },
	{ "page-server", cmd_not_landed, CMD_IMAGES },
	{ "lazy-pages", cmd_not_landed, CMD_IMAGES },
	{ "check", cr_check, 0 },
	{ "swrk", cr_swrk, 0 },
	{ "cpuinfo", cmd_not_landed, CMD_IMAGES },
	{ "dedup", cmd_not_landed, CMD_IMAGES },
};

static const struct cr_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/*
 * -D must exist for commands that use images; the work dir (-W, default the
 * images dir) becomes the cwd so that a relative -o lands in it.
 */
static int setup_dirs(struct cr_options *o, const struct cr_command *cmd, char *abs_imgs)
{
	const char *work;

	if (!o->imgs_dir)
		o->imgs_dir = ".";
	if (cmd->flags & CMD_IMAGES) {
		int fd = open(o->imgs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0) {
			pr_perror("Can't open images directory %s", o->imgs_dir);
			return -1;
		}
		close(fd);
		/* The command opens it again after the chdir to the work dir. */
		if (!realpath(o->imgs_dir, abs_imgs)) {
			pr_perror("Can't resolve images directory %s", o->imgs_dir);
			return -1;
		}
		o->imgs_dir = abs_imgs;
	}

	work = o->work_dir ? o->work_dir : o->imgs_dir;
	if (chdir(work)) {
		pr_perror("Can't change directory to work dir %s", work);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char abs_imgs[PATH_MAX];
	struct cr_options opts;
	const struct cr_command *cmd;
	int ret = 1;

	init_opts(&opts);
	log_init(NULL);

	switch (parse_options(&opts, argc, argv)) {
	case PARSE_OK:
		break;
	case PARSE_HELP:
		usage(argv[0], 0);
		ret = 0;
		goto out;
	case PARSE_EXIT:
		ret = 0;
		goto out;
	default:
		goto out;
	}
	log_set_loglevel(opts.loglevel);

	if (!opts.command) {
		pr_err("no command given\n");
		usage(argv[0], 1);
		goto out;
	}
	cmd = find_command(opts.command);
	if (!cmd) {
		pr_err("unknown command `%s'\n", opts.command);
		pr_msg("Try `criu --help' for more information.\n");
		goto out;
	}
	if (check_options(&opts))
		goto out;
	if (setup_dirs(&opts, cmd, abs_imgs))
		goto out;
	if (opts.log_file && log_init(opts.log_file))
		goto out;

	pr_info("criu %s, command %s\n", CRIU_VERSION, opts.command);
	ret = cmd->fn(&opts);
	log_fini();
out:
	free_opts(&opts);
	return ret ? 1 : 0;
}
