// SPDX-License-Identifier: GPL-2.0
/*
 * Example 7: a RUN of garbage user commands (type 0xf: unknown) puts the
 * context in error. WAIT(1) then fails with EIO (fence 1 can never be
 * reached), WAIT(1000000) fails too (EIO, or EINVAL since that many
 * commands were never submitted), and a later RUN of valid NOPs on that
 * context fails with EIO. Another context is unaffected.
 */
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int other = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	int good = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	uint32_t *nops = acc_map(good, 4096);

	memset(cmds, 0xff, 4096);	/* every word 0xffffffff */
	acc_put_nop(nops, 0);

	acc_watchdog(30, "WAIT on a context in error");
	acc_run(ctx, code, 0, 4096);
	EXPECT_ERRNO(acc_try_wait(ctx, 1), EIO);
	EXPECT_ERRNO2(acc_try_wait(ctx, 1000000), EIO, EINVAL);

	EXPECT_ERRNO(acc_try_run(ctx, good, 0, ACC_CMD_BYTES), EIO);
	EXPECT_ERRNO(acc_try_wait(ctx, 1), EIO);

	/* The other context carries on. */
	int ocode = acc_create_buffer(other, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *ocmds = acc_map(ocode, 4096);

	acc_put_fence(ocmds, 0);
	acc_run(other, ocode, 0, ACC_CMD_BYTES);
	acc_wait(other, 1);
	return 0;
}
