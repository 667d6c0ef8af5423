// SPDX-License-Identifier: GPL-2.0
/*
 * A CMD_ERROR that no context explains (an invalid device command) is
 * logged and counted, and harms nobody (DRIVER.md, Errors from the
 * device): no restart, every context keeps its fences and runs on.
 *
 * While context X keeps the device busy with one long RUN, the test
 * queues, through debugfs' inject_bad_command, an invalid device command,
 * then context B's RUN (FILLs, then one FENCE), then a second invalid
 * command. The device rejects both: debugfs' device_errors counts two,
 * device_restarts does not move, B's WAIT(1) returns 0 with its data in
 * place, and both contexts' next RUNs are accepted and complete.
 */
#include "acceldev_test.h"

#define BIG (4 << 20)
#define X_FILLS 2000		/* X's RUN, about half a second */
/*
 * B's RUN, about half a second: the two invalid commands' CMD_ERRORs
 * must reach the driver in two interrupt pulls to count twice, also on
 * a loaded host (200 FILLs, 50 ms, were once taken in one pull).
 */
#define B_FILLS 2000

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
	long errors0 = acc_debugfs_value(0, "queue", "device_errors");
	uint32_t xslot, bslot;
	int x = acc_open(0), b = acc_open(0);
	int xcode = acc_create_buffer(x, 128 << 10, BUFFER_TYPE_CODE, NULL);
	int xdata = acc_create_buffer(x, BIG, BUFFER_TYPE_DATA, &xslot);
	int bcode = acc_create_buffer(b, 128 << 10, BUFFER_TYPE_CODE, NULL);
	int bdata = acc_create_buffer(b, BIG, BUFFER_TYPE_DATA, &bslot);
	uint32_t *xc = acc_map(xcode, 128 << 10), *bc = acc_map(bcode, 128 << 10);
	volatile uint32_t *bw = acc_map(bdata, BIG);
	size_t w = 0, bw_run2;

	acc_require_devices(1);
	if (errors0 < 0)
		FAIL("no device_errors in debugfs' queue file");
	acc_watchdog(60, "a WAIT behind invalid device commands");
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

	int ret = acc_try_wait(b, 1);
	int err = errno;

	CHECK_MSG(ret == 0, "B's WAIT(1): %s (B's FENCE executed; only an "
		  "invalid device command was rejected)", acc_errname(err));
	for (int i = 0; i < BIG / 4; i += 1021)
		CHECK_MSG(bw[i] == 0xb000 + B_FILLS - 1, "B's word %d is %#x",
			  i, bw[i]);
	acc_wait(x, X_FILLS);
	CHECK_MSG(acc_wait_debugfs_value(0, "queue", "device_errors",
					 errors0 + 2, 20),
		  "device_errors: %ld, not %ld",
		  acc_debugfs_value(0, "queue", "device_errors"), errors0 + 2);
	CHECK_MSG(acc_sysfs_read(0, "device_restarts") == restarts0,
		  "an invalid device command restarted the device");
	CHECK_MSG(acc_try_run(b, bcode, bw_run2 * 4, 2 * ACC_CMD_BYTES) == 0,
		  "B's next RUN: %s",
		  acc_errname(errno));
	acc_wait(b, 2);
	CHECK(bw[0] == 0xb2b2);
	CHECK_MSG(acc_try_run(x, xcode, 0, 2 * ACC_CMD_BYTES) == 0,
		  "X's next RUN: %s",
		  acc_errname(errno));
	acc_wait(x, X_FILLS + 1);
	close(xdata);
	close(bdata);
	return 0;
}
