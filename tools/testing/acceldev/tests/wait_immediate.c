// SPDX-License-Identifier: GPL-2.0
/*
 * WAIT returns at once when it can:
 *  - WAIT(0) on a fresh context and on a busy one returns 0;
 *  - WAIT for a fence already reached returns 0 (also an old one);
 *  - WAIT for more than the number of user commands ever submitted
 *    fails with EINVAL, at once when nothing is in flight (a watchdog
 *    turns a hang into a failure), before and after some runs; while
 *    runs are pending on a slow device it first waits for them
 *    (wait_unreachable_waits_for_runs.c). That includes the numbers just
 *    "below" 0 modulo 2^32 (0xffffffff, 0xfffffff0, 0x80000000): on a
 *    young context they name fences far in the future, never submitted;
 *    a plain signed 32-bit compare would wrongly call them reached.
 *    (The wrap itself: fence_counter_wrap.c.)
 */
// vmtest: tiers=debian,debug
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=50000")

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	size_t w = 0;

	acc_watchdog(30, "a WAIT that should return at once");
	acc_wait(ctx, 0);
	EXPECT_ERRNO(acc_try_wait(ctx, 1), EINVAL);
	EXPECT_ERRNO(acc_try_wait(ctx, 1000), EINVAL);

	/* Three commands per run: NOP, FENCE, FENCE. */
	w = acc_put_nop(cmds, w);
	w = acc_put_fence(cmds, w);
	w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 2);
	acc_wait(ctx, 2);	/* already reached */
	acc_wait(ctx, 1);	/* reached long ago */
	acc_wait(ctx, 0);
	EXPECT_ERRNO(acc_try_wait(ctx, 4), EINVAL);	/* 3 submitted */
	EXPECT_ERRNO(acc_try_wait(ctx, 0x7fffffff), EINVAL);
	EXPECT_ERRNO(acc_try_wait(ctx, 0x80000000), EINVAL);
	EXPECT_ERRNO(acc_try_wait(ctx, 0xfffffff0), EINVAL);
	EXPECT_ERRNO(acc_try_wait(ctx, 0xffffffff), EINVAL);

	/* 40 more runs on the slow device: 120 commands submitted. */
	for (int i = 0; i < 40; i++)
		acc_run(ctx, code, 0, w * 4);
	double t0 = acc_now();

	acc_wait(ctx, 0);
	acc_wait(ctx, 2);
	CHECK_MSG(acc_now() - t0 < 1.5,
		  "immediate WAITs took %.2f s while runs were pending",
		  acc_now() - t0);

	/* After the 40 runs: 82 reached, 124 never. */
	EXPECT_ERRNO(acc_try_wait(ctx, 124), EINVAL);
	acc_wait(ctx, 82);
	acc_wait(ctx, 42);
	t0 = acc_now();
	EXPECT_ERRNO(acc_try_wait(ctx, 1000000), EINVAL);
	EXPECT_ERRNO(acc_try_wait(ctx, 125), EINVAL);
	CHECK_MSG(acc_now() - t0 < 1.5,
		  "WAITs with nothing in flight took %.2f s", acc_now() - t0);
	return 0;
}
