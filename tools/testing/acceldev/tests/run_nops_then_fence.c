// SPDX-License-Identifier: GPL-2.0
/*
 * Example 4: seven NOPs followed by a FENCE at word offset 35; a RUN of
 * all eight commands succeeds and WAIT(1) returns 0. RUNs that start at
 * a command's byte offset (140) and at a command that straddles a page
 * boundary of the code buffer also work, counting fences 2 and 3.
 */
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 8192, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 8192);
	size_t w = 0;

	for (int i = 0; i < 7; i++)
		w = acc_put_nop(cmds, w);
	CHECK(w == 35);
	w = acc_put_fence(cmds, w);

	acc_watchdog(30, "WAIT after NOPs + FENCE");
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 1);

	/* Only the FENCE, found at its byte offset. */
	acc_run(ctx, code, 35 * 4, ACC_CMD_BYTES);
	acc_wait(ctx, 2);

	/* A NOP at word 1015, then a FENCE at word 1020: bytes 4080..4099,
	 * across the first page boundary. */
	acc_put_nop(cmds, 1015);
	acc_put_fence(cmds, 1020);
	acc_run(ctx, code, 1015 * 4, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, 3);
	return 0;
}
