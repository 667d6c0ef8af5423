// SPDX-License-Identifier: GPL-2.0
/*
 * Removal tells nobody the device is gone before it has stopped.
 *
 * A slow device holds a long queue of FILLs into a data buffer. One
 * thread closes that buffer (its close waits for the context's runs, then
 * frees the pages the FILLs write), another sleeps in WAIT. Then the
 * device is removed through sysfs, whose write returns when the driver's
 * remove has finished. The driver must first drain and stop the device
 * (several seconds here), and only then wake the two sleepers: a close
 * that returned earlier would have freed memory the device was still
 * writing. So both must come back no earlier than shortly before the
 * removal's write returned, and long after it started.
 */
// vmtest: timeout=120
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=20000")

/* 20 ms each: about 4 s of queued work, far more than the slack below. */
#define RUNS		200
/*
 * What remove may still do after waking the sleepers (PCI and sysfs
 * teardown: half a second on the debug kernel under TCG), and the least
 * time the drain of the queue above takes.
 */
#define SLACK_S		1.5
#define DRAIN_S		3.0


int main(void)
{
	char bdf[32], path[PATH_MAX];
	struct acc_sleeper closer, waiter;
	int ctx, data;
	uint32_t slot;
	double t0, t1;

	acc_require_devices(2);
	CHECK(acc_dev_bdf(1, bdf, sizeof(bdf)));

	ctx = acc_open(1);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);

	data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	acc_put_fence(cmds, acc_put_fill(cmds, 0, 0x5eed, slot, 0, 4096));
	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);

	waiter = (struct acc_sleeper){ .fd = -1, .ctx = ctx, .fence = RUNS };
	closer = (struct acc_sleeper){ .fd = data };
	acc_sleeper_start(&waiter);
	acc_sleeper_start(&closer);
	usleep(300 * 1000);
	CHECK_MSG(closer.t == 0 && waiter.t == 0,
		  "close or WAIT returned before the removal (device too fast)");

	acc_watchdog(90, "device removal");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	t0 = acc_now();
	acc_write_file(path, "1");
	t1 = acc_now();
	acc_sleeper_join(&closer);
	acc_sleeper_join(&waiter);
	printf("remove took %.2f s; close returned at +%.2f s, WAIT at +%.2f s\n",
	       t1 - t0, closer.t - t0, waiter.t - t0);

	CHECK_MSG(t1 - t0 > DRAIN_S,
		  "remove took %.2f s: nothing was left to drain", t1 - t0);
	CHECK_MSG(closer.t >= t1 - SLACK_S,
		  "the buffer close returned %.2f s before remove finished: "
		  "its pages were freed while the device could still write them",
		  t1 - closer.t);
	CHECK_MSG(waiter.t >= t1 - SLACK_S,
		  "WAIT returned %.2f s before remove finished, while the "
		  "device was still running", t1 - waiter.t);
	CHECK_MSG(waiter.ret == -1 && (waiter.err == ENODEV || waiter.err == EIO),
		  "WAIT returned %ld (%s); want ENODEV or EIO", waiter.ret,
		  acc_errname(waiter.err));

	munmap(cmds, 4096);
	close(code);
	close(ctx);
	CHECK_MSG(acc_wait_for_path("/dev/acceldev1", false, 10),
		  "/dev/acceldev1 still exists after removal");
	acc_rescan_expect(1);
	acc_watchdog(0, "");
	acc_check_device_works(1);
	return 0;
}
