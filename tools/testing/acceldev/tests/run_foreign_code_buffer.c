// SPDX-License-Identifier: GPL-2.0
/*
 * Example 1: a code buffer belongs to the context it was created on.
 * RUN with it succeeds on that context (A) and fails with EINVAL on
 * another context (B) of the same device. B stays usable afterwards.
 */
// vmtest: tiers=debian,debug
#include "acceldev_test.h"

int main(void)
{
	int a = acc_open(0);
	int b = acc_open(0);
	int code_a = acc_create_buffer(a, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *ca = acc_map(code_a, 4096);
	size_t w = 0;

	w = acc_put_nop(ca, w);
	w = acc_put_fence(ca, w);

	acc_run(a, code_a, 0, w * 4);
	acc_wait(a, 1);

	EXPECT_ERRNO(acc_try_run(b, code_a, 0, w * 4), EINVAL);

	/* B is not in error: a RUN with its own code buffer works. */
	int code_b = acc_create_buffer(b, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cb = acc_map(code_b, 4096);

	acc_put_fence(cb, 0);
	acc_run(b, code_b, 0, ACC_CMD_BYTES);
	acc_wait(b, 1);

	/* ... and the rejected RUN did not count as submitted on B. */
	EXPECT_ERRNO(acc_try_wait(b, 2), EINVAL);
	return 0;
}
