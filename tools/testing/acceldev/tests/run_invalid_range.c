// SPDX-License-Identifier: GPL-2.0
/*
 * RUN range validation (example 20 and beyond), on an 8 KiB code buffer
 * full of FENCEs. Each of these fails with EINVAL before reaching the
 * device:
 *  - addr not a multiple of 4 (41: example 20; 2), size not a multiple
 *    of 4 (6, 21), size 0;
 *  - range past the end: addr 8192 (the size), addr 8180 + size 20,
 *    addr 0 + size 8196;
 *  - addr + size overflowing 32 bits (0xfffffffc + 8, 4 + 0xfffffffc,
 *    0x80000000 + 0x80000000).
 * Then the context is still fine: nothing was submitted (WAIT(1) is
 * EINVAL), and valid RUNs at the very end of the buffer work, including
 * one whose size is not a multiple of the 20-byte command size.
 */
// vmtest: tiers=debian,debug
#include "acceldev_test.h"

#define SIZE 8192

int main(void)
{
	static const uint32_t bad[][2] = {
		{ 41, 20 }, { 2, 20 }, { 0, 6 }, { 0, 21 }, { 0, 0 },
		{ SIZE, 20 }, { SIZE - 12, 20 }, { 0, SIZE + 4 },
		{ 0xfffffffc, 8 }, { 4, 0xfffffffc },
		{ 0x80000000, 0x80000000 }, { SIZE, 0xffffffff & ~3u },
	};
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, SIZE);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		int ret = acc_try_run(ctx, code, bad[i][0], bad[i][1]);

		CHECK_MSG(ret == -1 && errno == EINVAL,
			  "RUN addr %#x size %#x: returned %d, errno %s",
			  bad[i][0], bad[i][1], ret, acc_errname(errno));
	}
	EXPECT_ERRNO(acc_try_wait(ctx, 1), EINVAL);

	/* The last whole command of the buffer: bytes 8172..8191. */
	acc_put_fence(cmds, (SIZE - ACC_CMD_BYTES) / 4);
	acc_run(ctx, code, SIZE - ACC_CMD_BYTES, ACC_CMD_BYTES);
	acc_wait(ctx, 1);

	/* A FENCE then 8 more bytes (a partial command, not executed). */
	acc_put_fence(cmds, 0);
	acc_run(ctx, code, 0, ACC_CMD_BYTES + 8);
	acc_wait(ctx, 2);
	return 0;
}
