// SPDX-License-Identifier: GPL-2.0
/*
 * Example 9: a RUN at an offset equal to the code buffer's size is
 * rejected (EINVAL: the range is not inside the buffer). A following
 * WAIT(1000000) must fail at once with EINVAL (no user command was ever
 * submitted) rather than hang.
 */
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 8192, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 8192);

	for (size_t w = 0; w < 8192 / 4; w += ACCELDEV_USER_CMD_WORDS)
		if (w + ACCELDEV_USER_CMD_WORDS <= 8192 / 4)
			acc_put_fence(cmds, w);

	EXPECT_ERRNO(acc_try_run(ctx, code, 8192, ACC_CMD_BYTES), EINVAL);

	acc_watchdog(20, "WAIT(1000000) after a rejected RUN");
	EXPECT_ERRNO(acc_try_wait(ctx, 1000000), EINVAL);
	EXPECT_ERRNO(acc_try_wait(ctx, 1), EINVAL);
	return 0;
}
