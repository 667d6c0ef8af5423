// SPDX-License-Identifier: GPL-2.0
/*
 * WAIT compares fence numbers wrap-safely (modulo 2^32), without
 * reaching the wrap itself (fence_counter_wrap does that). After 5
 * fences on a context:
 *  - WAIT(0xfffffff0), WAIT(0xffffffff), WAIT(0xc0000000) name fences
 *    "before" 5 in modular order: already reached, they return 0 at once;
 *  - WAIT(6) .. WAIT(0x70000000) are "after" 5 and beyond what was
 *    submitted: EINVAL at once.
 * A driver comparing plainly as unsigned (0xfffffff0 > 5) would answer
 * EINVAL or hang for the first group.
 */
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	size_t w = 0;

	for (int i = 0; i < 5; i++)
		w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 5);

	acc_watchdog(30, "a WAIT that should return at once");
	acc_wait(ctx, 0xffffffff);
	acc_wait(ctx, 0xfffffff0);
	acc_wait(ctx, 0xc0000000);
	EXPECT_ERRNO(acc_try_wait(ctx, 6), EINVAL);
	EXPECT_ERRNO(acc_try_wait(ctx, 0x10000), EINVAL);
	EXPECT_ERRNO(acc_try_wait(ctx, 0x70000000), EINVAL);
	return 0;
}
