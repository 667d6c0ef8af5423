// SPDX-License-Identifier: GPL-2.0
/*
 * acceldev-info shows the driver's sysfs counters moving: 3 contexts
 * opened on acceldev1 raise "contexts" by 3; 10 RUNs raise
 * runs_submitted by 10; 5 FENCEs seen completed raise fences_signalled
 * by 5; a context broken by a garbage command raises context_errors by
 * 1; closing the contexts (and their buffer) brings "contexts" back;
 * runs_backlogged and queue_depth are numbers; no restart happened.
 * Skipped (77) when the driver has no counters.
 */
#include "tool_test.h"

static char out[TOOL_OUT_MAX];

static long long counter(const char *key)
{
	char *argv[] = { "acceldev-info", "--json", NULL };
	long long v;

	CHECK(tool_run(argv, out, sizeof(out)) == 0);
	v = tool_json_counter(out, "acceldev1", key);
	CHECK_MSG(v != -2, "no %s for acceldev1", key);
	if (v == -1)
		SKIP("the driver has no sysfs counter %s", key);
	return v;
}

int main(void)
{
	long long ctx0, runs0, fences0, errors0;
	int c[3], code;
	uint32_t *cmds;
	size_t w = 0;

	acc_require_devices(2);
	ctx0 = counter("contexts");
	runs0 = counter("runs_submitted");
	fences0 = counter("fences_signalled");
	errors0 = counter("context_errors");

	for (int i = 0; i < 3; i++)
		c[i] = acc_open(1);
	CHECK_MSG(counter("contexts") == ctx0 + 3, "contexts %lld, was %lld",
		  counter("contexts"), ctx0);

	code = acc_create_buffer(c[0], 4096, BUFFER_TYPE_CODE, NULL);
	cmds = acc_map(code, 4096);
	w = acc_put_fence(cmds, acc_put_nop(cmds, w));
	for (int i = 0; i < 5; i++)
		acc_run(c[0], code, 0, 2 * ACC_CMD_BYTES);	/* NOP, FENCE */
	for (int i = 0; i < 5; i++)
		acc_run(c[0], code, 0, ACC_CMD_BYTES);		/* NOP */
	acc_wait(c[0], 5);
	CHECK_MSG(counter("runs_submitted") == runs0 + 10, "runs %lld, was %lld",
		  counter("runs_submitted"), runs0);
	CHECK_MSG(counter("fences_signalled") == fences0 + 5,
		  "fences %lld, was %lld", counter("fences_signalled"), fences0);

	/* garbage, then a FENCE the context never reaches */
	acc_put_fence(cmds, acc_put_cmd(cmds, w, 0xf, 0, 0, 0, 0));
	acc_run(c[0], code, (uint32_t)w * 4, 2 * ACC_CMD_BYTES);
	EXPECT_ERRNO(acc_try_wait(c[0], 6), EIO);
	CHECK_MSG(counter("context_errors") == errors0 + 1,
		  "context_errors %lld, was %lld", counter("context_errors"),
		  errors0);

	munmap(cmds, 4096);
	close(code);	/* a buffer keeps its context */
	for (int i = 0; i < 3; i++)
		close(c[i]);
	CHECK(counter("runs_backlogged") >= 0);
	CHECK(counter("queue_depth") >= 0);
	CHECK(counter("device_restarts") == 0);
	CHECK_MSG(counter("contexts") == ctx0, "contexts %lld after close",
		  counter("contexts"));
	return 0;
}
