// SPDX-License-Identifier: GPL-2.0
/*
 * Example 15: FILL of 13000 bytes into a 12 KiB data buffer (12288
 * bytes), then FENCE: the device hits a non-present page (MEM_ERROR) and
 * WAIT(1) fails with EIO. A FILL of exactly 12288 bytes on a fresh
 * context succeeds.
 */
#include "acceldev_test.h"

#define SIZE (12 * 1024)

static int fill(uint32_t len)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot;
	int data = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, 4096);
	size_t w = 0;

	(void)data;
	w = acc_put_fill(cmds, w, 0x12345678, slot, 0, len);
	w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);
	return acc_try_wait(ctx, 1);
}

int main(void)
{
	acc_watchdog(30, "WAIT(1) after a FILL past the buffer end");
	EXPECT_ERRNO(fill(13000), EIO);
	EXPECT_OK(fill(SIZE));
	return 0;
}
