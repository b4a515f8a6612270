/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_CR_CHECK_H
#define CRIU_CR_CHECK_H

struct cr_options;

/*
 * `criu check`: the basic checks, plus the extra ones with --extra, plus
 * every named feature with --all; or only the features named by --feature
 * ("list" prints the names).  Returns the exit status, 0 or 1 as CRIU's:
 * 1 also for "Looks good but some kernel features are missing".
 */
int cr_check(const struct cr_options *o);

/*
 * One feature by its `criu check --feature` name, quietly, for callers such
 * as the RPC feature check: 1 present, 0 missing, -1 unknown name or no
 * kerndat.
 */
int cr_check_feature(const char *name);

#endif
