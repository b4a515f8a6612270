// SPDX-License-Identifier: GPL-2.0
/* The driver of dump and restore stages, with unwinding and fault injection. */

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"
#include "log.h"
#include "stages.h"

enum fault_point { FAULT_NONE, FAULT_BEFORE, FAULT_AFTER };

static enum fault_point injected_fault(const char *name)
{
	const char *env = getenv(FAIL_STAGE_ENV);
	size_t len = strlen(name);

	if (!env || strncmp(env, name, len))
		return FAULT_NONE;
	if (env[len] == '\0')
		return FAULT_BEFORE;
	if (!strcmp(env + len, ":after"))
		return FAULT_AFTER;
	return FAULT_NONE;
}

static void unwind(const struct stage *stages, int done, void *ctx)
{
	while (done-- > 0) {
		if (!stages[done].undo)
			continue;
		pr_info("Undoing stage %s\n", stages[done].name);
		stages[done].undo(ctx);
	}
}

int run_stages(const struct stage *stages, int nr, void *ctx)
{
	int i;

	for (i = 0; i < nr; i++) {
		enum fault_point fault = injected_fault(stages[i].name);

		pr_info("Stage %s\n", stages[i].name);
		if (stages_interrupted())
			goto fail;
		if (fault == FAULT_BEFORE) {
			pr_err("Stage %s failed: injected by %s\n", stages[i].name,
			       FAIL_STAGE_ENV);
			goto fail;
		}
		if (stages[i].run(ctx)) {
			pr_err("Stage %s failed\n", stages[i].name);
			goto fail;
		}
		if (stages_interrupted()) {
			i++; /* it ran: its own undo runs too */
			goto fail;
		}
		if (fault == FAULT_AFTER) {
			pr_err("Stage %s failed after it ran: injected by %s\n", stages[i].name,
			       FAIL_STAGE_ENV);
			i++; /* its own undo runs too */
			goto fail;
		}
	}
	return 0;
fail:
	unwind(stages, i, ctx);
	return -1;
}

void undo_stages(const struct stage *stages, int nr, void *ctx)
{
	unwind(stages, nr, ctx);
}

bool fault_injected(const char *point)
{
	const char *env = getenv(FAIL_STAGE_ENV);

	if (!env || strcmp(env, point))
		return false;
	pr_err("Failing at %s: injected by %s\n", point, FAIL_STAGE_ENV);
	return true;
}

static volatile sig_atomic_t caught_signal;
static const int caught_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved_actions[ARRAY_SIZE(caught_sigs)];

static void catch_signal(int sig)
{
	if (!caught_signal)
		caught_signal = sig;
}

void stages_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = catch_signal, .sa_flags = SA_RESTART };
	unsigned int i;

	/*
	 * SA_RESTART: compel's waits for ptrace stops must not fail half-way
	 * through a cure; the checks between steps see the signal.
	 */
	sigemptyset(&sa.sa_mask);
	caught_signal = 0;
	for (i = 0; i < ARRAY_SIZE(caught_sigs); i++)
		sigaction(caught_sigs[i], &sa, &saved_actions[i]);
}

void stages_release_signals(void)
{
	int sig = caught_signal;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(caught_sigs); i++)
		sigaction(caught_sigs[i], &saved_actions[i], NULL);
	/* Everything is undone: now the signal may do what it was sent for. */
	if (sig)
		raise(sig);
}

bool stages_interrupted(void)
{
	static bool logged;

	if (!caught_signal)
		return false;
	if (!logged) {
		pr_err("Interrupted by signal %d (%s): undoing\n", (int)caught_signal,
		       strsignal(caught_signal));
		logged = true;
	}
	return true;
}
