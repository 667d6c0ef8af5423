// SPDX-License-Identifier: GPL-2.0
/*
 * Both front ends of one function at once (DRIVER.md, "The accel node":
 * the same contexts, buffers, pending list and dispatcher): a
 * /dev/acceldev0 context and an accel file of the same function each
 * FILL their own 1 MiB buffer, 20 rounds of interleaved submissions with
 * different values, then each waits for its last fence: both buffers hold
 * their last value. The accel fd as a RUN's cfd, and a chardev buffer's
 * fd number as a SUBMIT handle, are refused (EINVAL; ENOENT).
 */
// vmtest: timeout=120
#include "acceldev_accel_test.h"

#define SIZE ACC_MIB
#define ROUNDS 20

int main(void)
{
	struct acc_actx a;
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 8192, BUFFER_TYPE_CODE, NULL);
	uint32_t slot, *cmds = acc_map(code, 8192);
	int data = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, &slot);
	uint32_t *d = acc_map(data, SIZE);

	acc_actx_open(&a, 0, 8192, SIZE);
	acc_watchdog(100, "both nodes of one function");
	for (uint32_t r = 0; r < ROUNDS; r++) {
		size_t w = (size_t)r * 2 * ACCELDEV_USER_CMD_WORDS;

		acc_put_fence(cmds, acc_put_fill(cmds, w, 0xc0de0000u | r,
						 slot, 0, SIZE));
		acc_run(ctx, code, (uint32_t)(w * 4), 2 * ACC_CMD_BYTES);
		acc_actx_fill_fence_at(&a, w, 0xacce0000u | r, 0, SIZE, 0);
	}
	acc_wait(ctx, ROUNDS);
	acc_accel_wait(a.fd, ROUNDS);
	for (size_t i = 0; i < SIZE / 4; i++) {
		CHECK_MSG(d[i] == (0xc0de0000u | (ROUNDS - 1)), "chardev buffer"
			  " word %zu is %#x", i, d[i]);
		CHECK_MSG(a.d[i] == (0xacce0000u | (ROUNDS - 1)), "accel BO "
			  "word %zu is %#x", i, a.d[i]);
	}
	EXPECT_ERRNO(acc_try_run(ctx, a.fd, 0, ACC_CMD_BYTES), EINVAL);
	if ((uint32_t)code != a.code && (uint32_t)code != a.data)
		EXPECT_ERRNO(acc_accel_try_submit(a.fd, (uint32_t)code, 0,
						  ACC_CMD_BYTES), ENOENT);
	acc_watchdog(0, "");
	acc_actx_close(&a);
	munmap(cmds, 8192);
	munmap(d, SIZE);
	close(code);
	close(data);
	close(ctx);
	return 0;
}
