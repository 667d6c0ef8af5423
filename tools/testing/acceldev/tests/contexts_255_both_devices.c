// SPDX-License-Identifier: GPL-2.0
/*
 * 255 contexts open on each of the two devices at the same time (510
 * fds): every open succeeds and the 256th on each device fails with
 * EBUSY (the limit is per device). A few contexts on each device, spread
 * over the range, run a FILL + FENCE and check it, so the context ids
 * really are distinct on the device. Then everything is closed and all
 * 255 can be opened again on each device.
 */
// vmtest: timeout=180 tiers=debian,debug
#include <sys/resource.h>

#include "acceldev_test.h"

static int fds[2][ACCELDEV_MAX_CONTEXTS];

static void open_all(void)
{
	for (int dev = 0; dev < 2; dev++) {
		for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++) {
			fds[dev][i] = acc_try_open(dev);
			CHECK_MSG(fds[dev][i] >= 0, "device %d open %d: %s",
				  dev, i + 1, acc_errname(errno));
		}
		EXPECT_ERRNO(acc_try_open(dev), EBUSY);
	}
}

static void close_all(void)
{
	for (int dev = 0; dev < 2; dev++)
		for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++)
			CHECK(close(fds[dev][i]) == 0);
}

int main(void)
{
	struct rlimit rl = { 4096, 4096 };
	int picks[] = { 0, 1, 77, 128, 200, ACCELDEV_MAX_CONTEXTS - 1 };
	int n = sizeof(picks) / sizeof(picks[0]);

	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	acc_require_devices(2);
	open_all();

	for (int dev = 0; dev < 2; dev++) {
		for (int k = 0; k < n; k++) {
			int ctx = fds[dev][picks[k]];
			int code = acc_create_buffer(ctx, 4096,
						     BUFFER_TYPE_CODE, NULL);
			uint32_t slot, *c = acc_map(code, 4096);
			int data = acc_create_buffer(ctx, 4096,
						     BUFFER_TYPE_DATA, &slot);
			uint32_t *d = acc_map(data, 4096);

			acc_put_fence(c, acc_put_fill(c, 0, dev * 1000 + k,
						      slot, 0, 4096));
			acc_run(ctx, code, 0, 40);
			acc_wait(ctx, 1);
			CHECK(d[0] == (uint32_t)(dev * 1000 + k));
			CHECK(d[1023] == (uint32_t)(dev * 1000 + k));
			munmap(c, 4096);
			munmap(d, 4096);
			close(code);
			close(data);
		}
	}
	close_all();
	open_all();
	close_all();
	return 0;
}
