// SPDX-License-Identifier: GPL-2.0
/*
 * Removal ends held jobs too, in order (DRIVER.md, "Device removal while
 * in use"; uapi/acceldev_accel.h: -ENODEV when the device was removed).
 * On /dev/acceldev1, slowed to a second a device command, an accel file
 * has a job on the device and, behind it, a job held by a vgem fence that
 * never signals. The function is removed through sysfs while the first
 * job runs:
 *  - both fences signal with -ENODEV, well before vgem's own 10 s
 *    timeout would have signalled the in-fence;
 *  - the held job signals no earlier than the queued one (a sync_file
 *    poll on the held job's fence never sees it first);
 *  - closing the file afterwards returns at once; a rescan brings a
 *    working function back, and vgem's fence is signalled by hand.
 */
// vmtest: timeout=90
#include "acceldev_knobs.h"
#include "acceldev_vgem.h"

int main(void)
{
	struct drm_vgem_fence_signal sig = { 0 };
	uint32_t s_run;
	uint64_t job;
	int vgem, sf_run, sf_held, st;
	char bdf[64], path[128];
	struct acc_actx a;
	double t0, dt;
	size_t w = 0;

	acc_accel_require(2);
	vgem = acc_vgem_open();
	CHECK(acc_dev_bdf(1, bdf, sizeof(bdf)));
	acc_actx_open(&a, 1, 4096, 4096);
	acc_knob_set(1, "cmd-delay-us", "1000000");
	acc_watchdog(60, "removal with a held job");

	/* Job 1: on the device for a second. */
	w = acc_put_fill(a.cmds, w, 0x1001, a.slot, 0, 4096);
	w = acc_put_fence(a.cmds, w);
	s_run = acc_syncobj_create(a.fd, 0);
	CHECK(acc_accel_submit(a.fd, a.code, 0, w * ACC_CMD_BYTES,
			       s_run) == 1);

	/* Job 2: held by a vgem fence. */
	sf_held = acc_vgem_held_job(&a, vgem, &sig, &job);
	CHECK(job == 2);
	sf_run = acc_syncobj_export_sync_file(a.fd, s_run);
	usleep(400 * 1000);
	CHECK(acc_sync_file_status(sf_run) == 0);
	CHECK(acc_sync_file_status(sf_held) == 0);

	t0 = acc_now();
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	acc_write_file(path, "1");
	/* The held job's fence first: it must not be signalled alone. */
	CHECK_MSG(poll(&(struct pollfd){ .fd = sf_held, .events = POLLIN }, 1,
		       8000) == 1, "the held job's fence did not signal");
	dt = acc_now() - t0;
	st = acc_sync_file_status(sf_run);
	CHECK_MSG(st == -ENODEV, "the queued job's fence: status %d once the "
		  "held one signalled, want -ENODEV", st);
	st = acc_sync_file_status(sf_held);
	CHECK_MSG(st == -ENODEV, "the held job's fence: status %d, want "
		  "-ENODEV", st);
	CHECK_MSG(dt < 8, "the held job's fence took %.1f s", dt);
	printf("accel_removal_held: fences signalled %.2f s after the removal\n",
	       dt);

	munmap(a.cmds, a.code_len);
	munmap(a.d, a.data_len);
	dt = acc_timed_close(a.fd);
	CHECK_MSG(dt < 2, "closing the file took %.2f s", dt);
	close(sf_run);
	close(sf_held);
	EXPECT_OK(ioctl(vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig));
	close(vgem);

	acc_rescan_expect(1);
	acc_watchdog(0, "");
	acc_accel_check_device_works(1);
	acc_accel_check_device_works(0);
	return 0;
}
