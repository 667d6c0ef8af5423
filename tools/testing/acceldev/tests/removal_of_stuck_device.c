// SPDX-License-Identifier: GPL-2.0
/*
 * Removing a device that makes no progress: removal gives up on the drain
 * after hang_timeout_ms without progress (not after a fixed, longer
 * wait), stops the device, turns bus mastering off and frees everything:
 * the buffer close and the WAIT asleep end with ENODEV/EIO, only then,
 * a mapping stays usable, and the module unloads afterwards with nothing leaked
 * (the bench's rmmod and, on the debug kernel, kmemleak check that).
 *
 * Every command starts 5 s late here (probe's drain takes that long, well
 * within the default timeout), so with the timeout lowered to 1 s the
 * device makes no progress as far as removal can tell, and the queued
 * RUNs never run while the test lasts. When it ends, the knob helper
 * (acceldev_knobs.h) puts the delay and hang_timeout_ms back and then
 * brings the device back with a PCI rescan (its probe drains the queue
 * left behind), so that the tests after it find both devices.
 */
// vmtest: timeout=90
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=5000000")

#define PARAM		"/sys/module/acceldev/parameters/hang_timeout_ms"
#define HANG_MS		1000


static void set_hang_timeout(unsigned int ms)
{
	char text[16];

	snprintf(text, sizeof(text), "%u", ms);
	acc_setting_write(PARAM, text);	/* put back at the end */
}

int main(void)
{
	char bdf[32], path[PATH_MAX];
	struct acc_sleeper closer, waiter;
	int ctx, data;
	uint32_t slot;
	double t0, t1;

	acc_require_devices(2);
	bool have_param = access(PARAM, W_OK) == 0;

	CHECK(acc_dev_bdf(1, bdf, sizeof(bdf)));
	if (have_param)
		set_hang_timeout(HANG_MS);
	else
		printf("no writable %s: timing removal as it is\n", PARAM);

	ctx = acc_open(1);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);

	data = acc_create_buffer(ctx, 8192, BUFFER_TYPE_DATA, &slot);

	acc_put_fence(cmds, acc_put_fill(cmds, 0, 0x5eed, slot, 0, 8192));
	for (int i = 0; i < 3; i++)
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	waiter = (struct acc_sleeper){ .fd = -1, .ctx = ctx, .fence = 1 };
	closer = (struct acc_sleeper){ .fd = data };
	acc_sleeper_start(&waiter);
	acc_sleeper_start(&closer);
	usleep(300 * 1000);

	acc_watchdog(60, "removal of a device that makes no progress");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	t0 = acc_now();
	acc_write_file(path, "1");
	t1 = acc_now();
	acc_sleeper_join(&closer);
	acc_sleeper_join(&waiter);
	if (have_param)
		set_hang_timeout(10000);
	printf("remove took %.2f s (hang_timeout_ms=%d)\n", t1 - t0, HANG_MS);

	CHECK_MSG(t1 - t0 >= HANG_MS / 1000.0 - 0.1,
		  "remove took %.2f s: it did not wait for the stuck device",
		  t1 - t0);
	CHECK_MSG(t1 - t0 < 4.0 * HANG_MS / 1000.0 + 2,
		  "remove took %.2f s although the device made no progress "
		  "for %d ms", t1 - t0, HANG_MS);
	CHECK_MSG(closer.t - t0 >= HANG_MS / 1000.0 - 0.1,
		  "the buffer close returned %.2f s into the removal, before "
		  "the drain gave up on the device", closer.t - t0);
	CHECK_MSG(waiter.ret == -1 && (waiter.err == ENODEV || waiter.err == EIO),
		  "WAIT returned %ld (%s); want ENODEV or EIO", waiter.ret,
		  acc_errname(waiter.err));
	/* The code buffer's mapping is still memory we may use. */
	CHECK(cmds[1] == 0x5eed && cmds[1023] == 0);
	cmds[1023] = 1;
	CHECK(cmds[1023] == 1);

	munmap(cmds, 4096);
	close(code);
	close(ctx);
	CHECK_MSG(acc_wait_for_path("/dev/acceldev1", false, 10),
		  "/dev/acceldev1 still exists after removal");
	acc_watchdog(0, "");
	CHECK_MSG(have_param, "no writable %s: the hang timeout is not "
		  "configurable", PARAM);
	return 0;
}
