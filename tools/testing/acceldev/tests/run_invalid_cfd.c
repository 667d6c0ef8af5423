// SPDX-License-Identifier: GPL-2.0
/*
 * RUN's cfd must be a CODE buffer of this same context. Otherwise:
 *  - -1, or a closed descriptor number: EBADF or EINVAL;
 *  - /dev/null, the context's own fd, another context's fd, a DATA
 *    buffer of this context: EINVAL;
 *  - a CODE buffer of another context on the same device, or of a
 *    context on the other device: EINVAL.
 * None of these puts the context in error or counts as submitted.
 */
// vmtest: tiers=debian,debug
#include "acceldev_test.h"

int main(void)
{
	acc_require_devices(2);

	int ctx = acc_open(0);
	int same_dev = acc_open(0);
	int other_dev = acc_open(1);
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, NULL);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	int code_same = acc_create_buffer(same_dev, 4096, BUFFER_TYPE_CODE,
					  NULL);
	int code_other = acc_create_buffer(other_dev, 4096, BUFFER_TYPE_CODE,
					   NULL);
	int devnull = EXPECT_OK(open("/dev/null", O_RDWR));
	int closed = EXPECT_OK(open("/dev/null", O_RDWR));
	uint32_t *cmds[] = {
		acc_map(data, 4096), acc_map(code, 4096),
		acc_map(code_same, 4096), acc_map(code_other, 4096),
	};

	/* Every buffer holds a valid FENCE, so only cfd is wrong. */
	for (int i = 0; i < 4; i++)
		acc_put_fence(cmds[i], 0);
	close(closed);

	EXPECT_ERRNO2(acc_try_run(ctx, -1, 0, 20), EBADF, EINVAL);
	EXPECT_ERRNO2(acc_try_run(ctx, closed, 0, 20), EBADF, EINVAL);
	EXPECT_ERRNO2(acc_try_run(ctx, 100000, 0, 20), EBADF, EINVAL);
	EXPECT_ERRNO(acc_try_run(ctx, devnull, 0, 20), EINVAL);
	EXPECT_ERRNO(acc_try_run(ctx, ctx, 0, 20), EINVAL);
	EXPECT_ERRNO(acc_try_run(ctx, same_dev, 0, 20), EINVAL);
	EXPECT_ERRNO(acc_try_run(ctx, data, 0, 20), EINVAL);
	EXPECT_ERRNO(acc_try_run(ctx, code_same, 0, 20), EINVAL);
	EXPECT_ERRNO(acc_try_run(ctx, code_other, 0, 20), EINVAL);
	EXPECT_ERRNO(acc_try_run(other_dev, code, 0, 20), EINVAL);

	EXPECT_ERRNO(acc_try_wait(ctx, 1), EINVAL);
	acc_run(ctx, code, 0, 20);
	acc_wait(ctx, 1);
	return 0;
}
