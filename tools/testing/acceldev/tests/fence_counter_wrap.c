// SPDX-License-Identifier: GPL-2.0
/*
 * Fence numbers across the 2^32 wrap, for real. The device counts user
 * FENCEs in a 32-bit counter, and there is no other way to advance it
 * than to execute that many FENCEs, so this test does: a 4 MiB code
 * buffer holds 209715 FENCE commands, and 20479 RUNs of it take the
 * counter to 2^32 - 213811. A shorter RUN takes it to 2^32 - 100000, and
 * one more full RUN crosses the wrap, ending at 109715. A WAIT(109715)
 * issued while that run is executing sleeps across the wrap and must
 * return 0; then fences just below and just above 0 (0xfffe7960,
 * 0xffffffff, 0, 5, 109715) are all reached, and WAIT(109716) is more
 * than was ever submitted (modulo 2^32): EINVAL.
 * While driving the counter up, the test WAITs every 512 runs (fence
 * numbers pass 2^31 on the way, where a signed compare must still work)
 * and prints its progress and the rate.
 *
 * About 3 minutes under TCG: the QEMU model counts consecutive FENCEs of
 * a RUN on chip (about 25 million a second measured); before that change
 * it did about 0.7 million a second and this test needed 100 minutes.
 */
// vmtest: timeout=1200 tiers=debian
#include "acceldev_test.h"

#define SIZE ACCELDEV_BUFFER_MAX_SIZE
#define PER_RUN (SIZE / ACC_CMD_BYTES)		/* 209715 */
#define FULL_RUNS 20479u
#define SHORT_RUN 113811u
#define NEAR_WRAP (0u - 100000u)		/* 0xfffe7960 */

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, SIZE);
	uint32_t fence = 0;
	double t0 = acc_now();

	for (size_t w = 0; w + ACCELDEV_USER_CMD_WORDS <= SIZE / 4;)
		w = acc_put_fence(cmds, w);

	for (uint32_t i = 1; i <= FULL_RUNS; i++) {
		acc_run(ctx, code, 0, PER_RUN * ACC_CMD_BYTES);
		fence += PER_RUN;
		if (i % 512 == 0 || i == FULL_RUNS) {
			acc_wait(ctx, fence);
			double t = acc_now() - t0;

			printf("%5u runs, fence %#010x, %.0f s, %.1f M fences/s,"
			       " about %.0f s to go\n", i, fence, t,
			       (double)i * PER_RUN / t / 1e6,
			       t / i * (FULL_RUNS - i));
			fflush(stdout);
		}
	}
	CHECK(fence == 0u - 213811u);

	acc_run(ctx, code, 0, SHORT_RUN * ACC_CMD_BYTES);
	fence += SHORT_RUN;
	CHECK(fence == NEAR_WRAP);
	acc_wait(ctx, NEAR_WRAP);

	/* The crossing run, waited for while it executes. */
	acc_run(ctx, code, 0, PER_RUN * ACC_CMD_BYTES);
	fence += PER_RUN;
	CHECK(fence == 109715);
	acc_watchdog(120, "WAIT across the fence wrap");
	acc_wait(ctx, 109715);

	acc_wait(ctx, NEAR_WRAP);
	acc_wait(ctx, 0xffffffff);
	acc_wait(ctx, 0);
	acc_wait(ctx, 5);
	acc_wait(ctx, 109715);
	EXPECT_ERRNO(acc_try_wait(ctx, 109716), EINVAL);
	EXPECT_ERRNO(acc_try_wait(ctx, 0x10000000), EINVAL);
	printf("wrapped after %.0f s\n", acc_now() - t0);
	return 0;
}
