// SPDX-License-Identifier: GPL-2.0
/*
 * Example 3: a RUN of one NOP succeeds; WAIT(0) returns at once (also on
 * a fresh context with nothing submitted); a RUN whose cfd is 1
 * (standard output, not a buffer) fails with EINVAL.
 */
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);

	acc_watchdog(20, "WAIT(0)");
	acc_wait(ctx, 0);

	acc_put_nop(cmds, 0);
	acc_run(ctx, code, 0, ACC_CMD_BYTES);
	acc_wait(ctx, 0);
	acc_watchdog(0, "");

	if (fcntl(1, F_GETFD) == -1) {
		/* stdout is closed here: then 1 is a closed number. */
		EXPECT_ERRNO2(acc_try_run(ctx, 1, 0, ACC_CMD_BYTES),
			      EBADF, EINVAL);
	} else {
		EXPECT_ERRNO(acc_try_run(ctx, 1, 0, ACC_CMD_BYTES), EINVAL);
	}
	return 0;
}
