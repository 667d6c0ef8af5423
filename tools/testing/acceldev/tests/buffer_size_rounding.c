// SPDX-License-Identifier: GPL-2.0
/*
 * A buffer's size is rounded up to whole 4 KiB pages. A 1-byte data
 * buffer gives a full 4 KiB page: all of it is mappable and usable
 * (byte 4096 of a larger mapping raises SIGBUS), and the device can FILL
 * all 4096 bytes. A 4097-byte buffer has two pages. A 1-byte code buffer
 * accepts RUN of bytes [0, 4096) but not [0, 4100).
 */
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	uint32_t slot;
	int data = acc_create_buffer(ctx, 1, BUFFER_TYPE_DATA, &slot);
	int data2 = acc_create_buffer(ctx, 4097, BUFFER_TYPE_DATA, NULL);
	int code = acc_create_buffer(ctx, 1, BUFFER_TYPE_CODE, NULL);
	volatile uint8_t *m = acc_map(data, 8192);
	volatile uint8_t *m2 = acc_map(data2, 3 * 4096);
	uint32_t *cmds = acc_map(code, 4096);
	size_t w = 0;

	CHECK(!acc_touch_raises_sigbus(m + 4095, true));
	CHECK_MSG(acc_touch_raises_sigbus(m + 4096, false),
		  "byte 4096 of a 1-byte buffer is mapped");
	CHECK(!acc_touch_raises_sigbus(m2 + 8191, true));
	CHECK(acc_touch_raises_sigbus(m2 + 8192, false));

	/* Fill the whole page of the 1-byte buffer, with a 4096-byte RUN:
	 * FILL + FENCE, then NOPs up to the end of the code page (the last
	 * 16 bytes are a partial command, which is not executed). */
	w = acc_put_fill(cmds, w, 0x77777777, slot, 0, 4096);
	w = acc_put_fence(cmds, w);
	while (w + ACCELDEV_USER_CMD_WORDS <= 4096 / 4)
		w = acc_put_nop(cmds, w);
	acc_run(ctx, code, 0, 4096);
	acc_wait(ctx, 1);
	for (int i = 0; i < 4096; i++)
		CHECK_MSG(m[i] == 0x77, "byte %d is %#x", i, m[i]);

	EXPECT_ERRNO(acc_try_run(ctx, code, 0, 4100), EINVAL);
	EXPECT_ERRNO(acc_try_run(ctx, code, 4096, 4), EINVAL);
	return 0;
}
