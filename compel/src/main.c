// SPDX-License-Identifier: GPL-2.0
/*
 * compel-host: turn a linked parasite (an ELF64 PIE object linked at 0) into
 * a C header that compel_infect() can load.
 *
 *   compel-host hgen -i parasite.blob.so -o parasite-blob.h -p parasite_blob
 *                    [-e parasite_entry]
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/hgen.h"

static int usage(void)
{
	fprintf(stderr, "usage: compel-host hgen -i BLOB.so -o HEADER.h -p NAME [-e ENTRY]\n");
	return 2;
}

static int hgen(const char *in, const char *out_path, const char *prefix, const char *entry)
{
	struct hgen_blob blob;
	FILE *out;
	int ret;

	if (hgen_read_elf(in, &blob))
		return 1;
	out = fopen(out_path, "w");
	if (!out) {
		perror(out_path);
		return 1;
	}
	ret = hgen_emit(out, &blob, prefix, in, entry);
	if (fclose(out) || ret) {
		unlink(out_path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *prefix = NULL, *entry = "parasite_entry";
	int opt;

	if (argc < 2 || strcmp(argv[1], "hgen"))
		return usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "i:o:p:e:")) != -1) {
		switch (opt) {
		case 'i':
			in = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'p':
			prefix = optarg;
			break;
		case 'e':
			entry = optarg;
			break;
		default:
			return usage();
		}
	}
	if (!in || !out || !prefix)
		return usage();
	return hgen(in, out, prefix, entry);
}
