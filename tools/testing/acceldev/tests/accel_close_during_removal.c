// SPDX-License-Identifier: GPL-2.0
/*
 * A file closed while its device is being removed still ends its held
 * jobs (uapi/acceldev_accel.h: -ENODEV when the device was removed). On
 * /dev/acceldev1, slowed to a second a device command, one accel file has
 * a job on the device and another only a job held by a vgem fence that
 * never signals. A thread removes the function through sysfs (the drain
 * of the running job takes seconds); meanwhile the second file, with
 * nothing on the device to wait for, is closed. The
 * held job's fence must signal with -ENODEV (before the fix it stayed
 * unsignalled: the closing file left it held and removal no longer saw
 * the file's context), and the removal must finish.
 */
// vmtest: timeout=90
#include <pthread.h>

#include "acceldev_knobs.h"
#include "acceldev_vgem.h"

static char remove_path[128];

static void *remover(void *arg)
{
	(void)arg;
	acc_write_file(remove_path, "1");
	return NULL;
}

int main(void)
{
	struct drm_vgem_fence_signal sig = { 0 };
	uint64_t job;
	int vgem, sf_held, st;
	struct acc_actx a, busy;
	char bdf[64];
	pthread_t th;
	size_t w;

	acc_accel_require(2);
	vgem = acc_vgem_open();
	CHECK(acc_dev_bdf(1, bdf, sizeof(bdf)));
	snprintf(remove_path, sizeof(remove_path),
		 "/sys/bus/pci/devices/%s/remove", bdf);
	acc_actx_open(&a, 1, 4096, 4096);
	acc_actx_open(&busy, 1, 4096, 4096);
	acc_knob_set(1, "cmd-delay-us", "1000000");
	acc_watchdog(60, "a file closed during its device's removal");

	w = acc_put_fill(busy.cmds, 0, 0xc105, busy.slot, 0, 4096);
	w = acc_put_fence(busy.cmds, w);
	for (int i = 0; i < 3; i++)
		acc_accel_submit(busy.fd, busy.code, 0, w * ACC_CMD_BYTES, 0);

	sf_held = acc_vgem_held_job(&a, vgem, &sig, &job);

	CHECK(pthread_create(&th, NULL, remover, NULL) == 0);
	usleep(400 * 1000);	/* the removal drains the running job */
	munmap(a.cmds, a.code_len);
	munmap(a.d, a.data_len);
	CHECK(close(a.fd) == 0);

	CHECK_MSG(poll(&(struct pollfd){ .fd = sf_held, .events = POLLIN }, 1,
		       8000) == 1, "the held job's fence did not signal");
	st = acc_sync_file_status(sf_held);
	CHECK_MSG(st == -ENODEV || st == -ECANCELED, "the held job's fence: "
		  "status %d, want -ENODEV (or -ECANCELED, closed first)", st);
	printf("accel_close_during_removal: held job's fence %d\n", st);
	CHECK(pthread_join(th, NULL) == 0);
	acc_actx_close(&busy);
	close(sf_held);
	EXPECT_OK(ioctl(vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig));
	close(vgem);

	acc_rescan_expect(1);
	acc_watchdog(0, "");
	acc_accel_check_device_works(1);
	return 0;
}
