// SPDX-License-Identifier: GPL-2.0
/*
 * Regression test: a CMD_ERROR that no context explains (an invalid
 * device command) restarts the device, but a context whose RUN executed
 * in full before it lost nothing: its FENCE counts, its WAIT returns 0
 * and its next RUN is accepted (DRIVER.md: restart "without losing the
 * other contexts' state").
 *
 * While context X keeps the device busy with one long RUN, the test
 * queues, through debugfs' inject_bad_command, an invalid device command,
 * then context B's RUN (FILLs, then one FENCE), then a second invalid
 * command. The device rejects the first (restart), executes B's RUN,
 * rejects the second (restart).
 *  - Before the fix the second restart took B's RUN, fed and not yet
 *    retired by a device FENCE, for one the rejected command may have
 *    lost: B was failed and its fence counter frozen, so WAIT(1)
 *    returned EIO although B's FENCE had executed (or, when the counter
 *    had been taken in just before, B's next RUN was EIO).
 */
#include "acceldev_test.h"

#define BIG (4 << 20)
#define X_FILLS 2000		/* X's RUN, about half a second */
#define B_FILLS 200		/* B's RUN, some 50 ms */

static void inject(void)
{
	if (acc_debugfs_write(0, "inject_bad_command", "1") < 0) {
		if (errno == ENOENT)
			SKIP("no debugfs inject_bad_command");
		FAIL("inject_bad_command: %s", acc_errname(errno));
	}
}

int main(void)
{
	long restarts0 = acc_sysfs_read(0, "device_restarts");
	uint32_t xslot, bslot;
	int x = acc_open(0), b = acc_open(0);
	int xcode = acc_create_buffer(x, 128 << 10, BUFFER_TYPE_CODE, NULL);
	int xdata = acc_create_buffer(x, BIG, BUFFER_TYPE_DATA, &xslot);
	int bcode = acc_create_buffer(b, 16 << 10, BUFFER_TYPE_CODE, NULL);
	int bdata = acc_create_buffer(b, BIG, BUFFER_TYPE_DATA, &bslot);
	uint32_t *xc = acc_map(xcode, 128 << 10), *bc = acc_map(bcode, 16 << 10);
	volatile uint32_t *bw = acc_map(bdata, BIG);
	size_t w = 0, bw_run2;

	acc_require_devices(1);
	acc_watchdog(60, "a WAIT around device restarts");
	for (int i = 0; i < X_FILLS; i++)
		w = acc_put_fence(xc, acc_put_fill(xc, w, i, xslot, 0, BIG));
	w = 0;
	for (int i = 0; i < B_FILLS; i++)
		w = acc_put_fill(bc, w, 0xb000 + i, bslot, 0, BIG);
	w = acc_put_fence(bc, w);
	bw_run2 = w;		/* B's second RUN: FILL word 0, FENCE */
	acc_put_fence(bc, acc_put_fill(bc, w, 0xb2b2, bslot, 0, 4));

	acc_run(x, xcode, 0, 2 * X_FILLS * ACC_CMD_BYTES);
	inject();
	acc_run(b, bcode, 0, (B_FILLS + 1) * ACC_CMD_BYTES);
	inject();

	CHECK_MSG(acc_wait_restarts(0, restarts0 + 1, 20),
		  "no device restart after an invalid device command");
	int ret = acc_try_wait(b, 1);
	int err = errno;

	CHECK_MSG(ret == 0, "B's WAIT(1): %s (B's FENCE executed; only an "
		  "invalid device command was rejected)", acc_errname(err));
	for (int i = 0; i < BIG / 4; i += 1021)
		CHECK_MSG(bw[i] == 0xb000 + B_FILLS - 1, "B's word %d is %#x",
			  i, bw[i]);
	acc_wait(x, X_FILLS);
	CHECK_MSG(acc_wait_restarts(0, restarts0 + 2, 20),
		  "the second invalid command caused no restart");
	printf("device_cmd_error_keeps_fences: restarts=%ld\n",
	       acc_sysfs_read(0, "device_restarts") - restarts0);
	CHECK_MSG(acc_try_run(b, bcode, bw_run2 * 4, 2 * ACC_CMD_BYTES) == 0,
		  "B's next RUN: %s (B was failed by a restart)",
		  acc_errname(errno));
	acc_wait(b, 2);
	CHECK(bw[0] == 0xb2b2);
	CHECK_MSG(acc_try_run(x, xcode, 0, 2 * ACC_CMD_BYTES) == 0,
		  "X's next RUN: %s (X was failed by a restart)",
		  acc_errname(errno));
	acc_wait(x, X_FILLS + 1);
	close(xdata);
	close(bdata);
	return 0;
}
