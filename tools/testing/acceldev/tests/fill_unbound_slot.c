// SPDX-License-Identifier: GPL-2.0
/*
 * Example 14: FILL into a slot with nothing bound, then FENCE: the device
 * raises SLOT_ERROR, the context goes into error and WAIT(1) fails with
 * EIO. Same with slot 16 (out of range) on a second context, and on a
 * third context with a slot whose buffer was closed before the RUN.
 */
#include "acceldev_test.h"

static void fill_and_expect_eio(int ctx, uint32_t slot)
{
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	size_t w = 0;

	w = acc_put_fill(cmds, w, 42, slot, 0, 64);
	w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);
	EXPECT_ERRNO(acc_try_wait(ctx, 1), EIO);
}

int main(void)
{
	int ctx = acc_open(0);
	uint32_t slot;

	acc_watchdog(30, "WAIT(1) after a FILL into a bad slot");

	/* One buffer bound (at some slot), FILL into a different slot. */
	int keep = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);

	fill_and_expect_eio(ctx, (slot + 1) % ACCELDEV_NUM_BUFFERS);
	close(keep);

	fill_and_expect_eio(acc_open(0), ACCELDEV_NUM_BUFFERS);

	int ctx3 = acc_open(0);

	close(acc_create_buffer(ctx3, 4096, BUFFER_TYPE_DATA, &slot));
	fill_and_expect_eio(ctx3, slot);
	return 0;
}
