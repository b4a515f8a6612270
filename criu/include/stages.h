/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_STAGES_H
#define CRIU_STAGES_H

#include <stdbool.h>

/*
 * Dump and restore are ordered lists of stages.  Each stage has a do and an
 * optional undo; run_stages() runs them in order and, when one fails, runs
 * the undos of the stages already done in reverse order, so that a failed
 * dump leaves the tree as it was and a failed restore leaves nothing behind.
 *
 * Fault injection: CRIU_FAIL_STAGE=NAME makes stage NAME fail before its do
 * runs; CRIU_FAIL_STAGE=NAME:after makes it fail after its do succeeded (so
 * its own undo runs too).  Tests use it to prove every unwinding path.
 */
struct stage {
	const char *name;
	int (*run)(void *ctx);
	void (*undo)(void *ctx);
};

#define FAIL_STAGE_ENV "CRIU_FAIL_STAGE"

/*
 * Points inside a stage that tests make fail with CRIU_FAIL_STAGE=POINT too
 * (pages-copy: the dump parasite's copy of a task's pages).
 */
bool fault_injected(const char *point);

/*
 * SIGINT, SIGTERM and SIGHUP (a runtime giving up on criu) no longer kill
 * criu at once: the running stage fails at its next check of
 * stages_interrupted() and everything done so far is undone.
 */
void stages_catch_signals(void);
/* Puts the old actions back and, if one of the signals came, raises it again. */
void stages_release_signals(void);
/* True once one of those signals came (logged the first time). */
bool stages_interrupted(void);

/* Returns 0 if every stage ran, -1 after unwinding. */
int run_stages(const struct stage *stages, int nr, void *ctx);

/* Undo every stage of the list in reverse (used after a later failure). */
void undo_stages(const struct stage *stages, int nr, void *ctx);

#endif
