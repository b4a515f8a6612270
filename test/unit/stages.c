// SPDX-License-Identifier: GPL-2.0
/* The stage driver: order, unwinding on failure, injected faults. */

#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"
#include "stages.h"
#include "unit.h"

struct trace {
	char log[128];
	int fail_at; /* stage index whose run fails, -1 for none */
};

#define STAGE(n)                                                            \
	static int run_##n(void *p)                                         \
	{                                                                   \
		struct trace *t = p;                                        \
		strcat(t->log, "+" #n);                                     \
		return t->fail_at == n ? -1 : 0;                             \
	}                                                                   \
	static __maybe_unused void undo_##n(void *p)                                     \
	{                                                                   \
		strcat(((struct trace *)p)->log, "-" #n);                   \
	}
STAGE(0)
STAGE(1)
STAGE(2)

static const struct stage stages[] = {
	{ "zero", run_0, undo_0 },
	{ "one", run_1, NULL },
	{ "two", run_2, undo_2 },
};

static const char *run(int fail_at, const char *env, int *ret)
{
	static struct trace t;

	memset(&t, 0, sizeof(t));
	t.fail_at = fail_at;
	if (env)
		setenv(FAIL_STAGE_ENV, env, 1);
	else
		unsetenv(FAIL_STAGE_ENV);
	*ret = run_stages(stages, 3, &t);
	return t.log;
}

int main(void)
{
	const char *log;
	int ret;

	log = run(-1, NULL, &ret);
	CHECK(ret == 0 && !strcmp(log, "+0+1+2"), "all ran: %s", log);

	log = run(2, NULL, &ret);
	CHECK(ret == -1 && !strcmp(log, "+0+1+2-0"), "failing stage not undone: %s", log);

	log = run(-1, "one", &ret);
	CHECK(ret == -1 && !strcmp(log, "+0-0"), "injected before: %s", log);

	log = run(-1, "two:after", &ret);
	CHECK(ret == -1 && !strcmp(log, "+0+1+2-2-0"), "injected after: %s", log);

	log = run(-1, "tw", &ret);
	CHECK(ret == 0 && !strcmp(log, "+0+1+2"), "prefix does not match: %s", log);

	log = run(-1, "zero:bogus", &ret);
	CHECK(ret == 0, "unknown suffix ignored: %s", log);
	return unit_done();
}
