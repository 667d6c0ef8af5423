// SPDX-License-Identifier: GPL-2.0
/*
 * Example 7, in the course's own order: a RUN of garbage user commands
 * (type 0xf: unknown), then WAIT(1000000), which must fail, then at once,
 * with no other WAIT in between, a RUN of valid NOPs on that context,
 * which must fail too. WAIT(1000000) cannot be reached from what was
 * submitted, but it must not return before the garbage has run: it waits
 * for the context's runs, and then finds the context broken (EIO). Once
 * it has seen that, the next RUN fails with EIO. Another context is
 * unaffected.
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
	EXPECT_ERRNO(acc_try_wait(ctx, 1000000), EIO);
	EXPECT_ERRNO(acc_try_run(ctx, good, 0, ACC_CMD_BYTES), EIO);
	EXPECT_ERRNO(acc_try_wait(ctx, 1), EIO);
	EXPECT_ERRNO(acc_try_wait(ctx, 1000000), EIO);

	/* The other context carries on. */
	int ocode = acc_create_buffer(other, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *ocmds = acc_map(ocode, 4096);

	acc_put_fence(ocmds, 0);
	acc_run(other, ocode, 0, ACC_CMD_BYTES);
	acc_wait(other, 1);
	return 0;
}
