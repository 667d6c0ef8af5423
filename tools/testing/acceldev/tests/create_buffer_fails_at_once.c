// SPDX-License-Identifier: GPL-2.0
/*
 * A CREATE_BUFFER that fails returns at once (DRIVER.md): a buffer the
 * device never saw has nothing to wait for. With the device wedged and
 * runs queued on the context, a data buffer whose result pointer is bad
 * fails with EFAULT, and a 17th data buffer with ENOSPC, each within a
 * second, leaving no descriptor and no slot behind.
 */
// vmtest: timeout=90
#include "acceldev_knobs.h"

#define RUNS 50

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	struct acceldev_ioctl_create_buffer args = {
		.size = 4096,
		.type = BUFFER_TYPE_DATA,
		.result = (void *)8,
	};
	uint32_t slot, *cmds = acc_map(code, 4096);
	volatile uint32_t *d;
	int fd0, data;
	double t0;

	for (int i = 0; i < 15; i++)
		acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, NULL);
	acc_put_nop(cmds, 0);
	acc_knob_set(0, "wedged", "true");
	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, code, 0, ACC_CMD_BYTES);
	fd0 = acc_lowest_free_fd();

	acc_watchdog(60, "a failing CREATE_BUFFER");
	t0 = acc_now();
	EXPECT_ERRNO(ioctl(ctx, ACCELDEV_IOCTL_CREATE_BUFFER, &args), EFAULT);
	CHECK_MSG(acc_now() - t0 < 1, "EFAULT took %.2f s", acc_now() - t0);
	CHECK(acc_lowest_free_fd() == fd0);

	/* The slot it did not take is free: the 16th buffer gets it. */
	data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	t0 = acc_now();
	EXPECT_ERRNO2(acc_try_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, NULL),
		      ENOSPC, EBUSY);
	CHECK_MSG(acc_now() - t0 < 1, "ENOSPC took %.2f s", acc_now() - t0);
	CHECK(acc_lowest_free_fd() == fd0 + 1);
	acc_watchdog(0, "");

	acc_knob_set(0, "wedged", "false");
	acc_put_fence(cmds, acc_put_fill(cmds, 0, 0xfa57, slot, 0, 4096));
	acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, 1);
	d = acc_map(data, 4096);
	for (unsigned int i = 0; i < 1024; i++)
		CHECK_MSG(d[i] == 0xfa57, "word %u: %#x", i, d[i]);
	return 0;
}
