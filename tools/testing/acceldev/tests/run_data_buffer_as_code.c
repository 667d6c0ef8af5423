// SPDX-License-Identifier: GPL-2.0
/*
 * Example 10: RUN naming a DATA buffer of the same context as its code
 * buffer fails with EINVAL, even when the data buffer holds valid
 * commands. The context is not put in error by the attempt.
 */
// vmtest: tiers=debian,debug
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, NULL);
	uint32_t *d = acc_map(data, 4096);

	acc_put_fence(d, 0);
	EXPECT_ERRNO(acc_try_run(ctx, data, 0, ACC_CMD_BYTES), EINVAL);

	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *c = acc_map(code, 4096);

	acc_put_fence(c, 0);
	acc_run(ctx, code, 0, ACC_CMD_BYTES);
	acc_wait(ctx, 1);
	return 0;
}
