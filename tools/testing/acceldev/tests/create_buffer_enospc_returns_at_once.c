// SPDX-License-Identifier: GPL-2.0
/*
 * A DATA CREATE_BUFFER refused for want of a slot (ENOSPC, all 16 taken)
 * returns at once (DRIVER.md: a buffer the device never saw has nothing
 * to wait for), also on a context with runs in flight. The context's
 * device is slowed (4 queue entries, 20 ms a command) and holds 100 of
 * its NOP runs (2 s of work); the 17th DATA buffer must fail with ENOSPC
 * while runs of the context are still waiting in the driver (sysfs
 * runs_backlogged > 0) and well under the backlog's 2 s, three times;
 * no fd is left behind. Then the backlog completes (WAIT for a FENCE
 * behind it) and the device works.
 */
// vmtest: timeout=60
#include "acceldev_knobs.h"

#define RUNS 100

int main(void)
{
	int ctx, code, data[ACCELDEV_NUM_BUFFERS], low;

	acc_require_devices(2);
	ctx = acc_backlog_context(1, "20000", &code);
	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++)
		data[i] = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, NULL);

	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, code, 0, ACC_CMD_BYTES);
	acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);	/* NOP, FENCE 1 */

	low = acc_lowest_free_fd();
	for (int round = 0; round < 3; round++) {
		double t = acc_now();
		long left;

		EXPECT_ERRNO2(acc_try_create_buffer(ctx, 4096,
						    BUFFER_TYPE_DATA, NULL),
			      ENOSPC, EBUSY);
		t = acc_now() - t;
		left = acc_sysfs_read(1, "runs_backlogged");
		printf("create_buffer_enospc_returns_at_once: round %d: "
		       "failed after %.3f s, runs_backlogged %ld\n", round, t,
		       left);
		CHECK_MSG(left > 0 && t < 0.5, "the refused CREATE_BUFFER "
			  "took %.3f s and returned with %ld runs left: it "
			  "waited for the context's runs", t, left);
		CHECK(acc_lowest_free_fd() == low);
	}

	acc_watchdog(30, "WAIT(1) behind the backlog");
	acc_wait(ctx, 1);
	acc_watchdog(0, "");
	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++)
		CHECK(close(data[i]) == 0);
	close(code);
	close(ctx);
	acc_check_device_works(1);
	return 0;
}
