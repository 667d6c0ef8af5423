// SPDX-License-Identifier: GPL-2.0
/*
 * Example 11: a 3 MiB code buffer, NOPs in its first half and garbage
 * (unknown command type) after that. A RUN of the whole 0x300000 bytes
 * (157286 whole commands) succeeds; WAIT(100000) must then fail with EIO:
 * the fence is a legitimate number (not more than was submitted) that
 * will never be reached, so the waiter has to be woken by the error.
 */
#include "acceldev_test.h"

#define SIZE 0x300000

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, SIZE);
	size_t w = 0;

	while (w < SIZE / 8)
		w = acc_put_nop(cmds, w);
	memset(cmds + w, 0xee, SIZE - w * 4);	/* type 0xe: unknown */

	acc_run(ctx, code, 0, SIZE);
	acc_watchdog(60, "WAIT(100000) on a context that hits an error");
	EXPECT_ERRNO(acc_try_wait(ctx, 100000), EIO);
	return 0;
}
