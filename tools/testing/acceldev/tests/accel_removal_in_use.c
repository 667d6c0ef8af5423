// SPDX-License-Identifier: GPL-2.0
/*
 * Removing a function while its accel node is in use (DRIVER.md, "Device
 * removal while in use" and "The accel node"). /dev/acceldev1, slowed to
 * 50 ms a command, has an accel file with mapped CODE and DATA objects,
 * 400 FILL + FENCE jobs pending (the last one's out-fence also exported
 * as a sync_file) and a thread asleep in WAIT(400) when its PCI function
 * is removed through sysfs:
 *  - the WAIT ends with EIO or ENODEV;
 *  - the exported fence signals, with -ENODEV (uAPI: the device was
 *    removed);
 *  - ioctls on the old file fail with ENODEV (GET_PARAM, BO_CREATE,
 *    BO_INFO, SUBMIT, WAIT, SYNCOBJ_CREATE);
 *  - both mappings stay readable and writable;
 *  - closing everything works and the accel node goes away.
 * A PCI rescan brings the function back with an accel node that works;
 * device 0's accel node was never disturbed.
 */
// vmtest: timeout=120
#include <pthread.h>

#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

#define JOBS 400

static int fd;
static int wait_ret, wait_errno;

static void *waiter(void *arg)
{
	(void)arg;
	wait_ret = acc_accel_try_wait(fd, JOBS, acc_deadline(300));
	wait_errno = errno;
	return NULL;
}

int main(void)
{
	struct acc_actx a;
	struct drm_acceldev_bo_info info;
	struct drm_syncobj_create sc = { 0 };
	char bdf[64], path[PATH_MAX], node[64];
	uint32_t s, h, slot;
	pthread_t th;
	uint64_t v;
	int sf, st;

	acc_accel_require(2);
	acc_knob_set(1, "cmd-delay-us", "50000");
	CHECK(acc_dev_bdf(1, bdf, sizeof(bdf)));
	CHECK(acc_accel_path(1, node, sizeof(node)));
	printf("/dev/acceldev1 is PCI device %s, accel node %s\n", bdf, node);

	acc_actx_open(&a, 1, 4096, 8192);
	fd = a.fd;
	s = acc_syncobj_create(fd, 0);
	acc_put_fence(a.cmds, acc_put_fill(a.cmds, 0, 0x1234, a.slot, 0, 8192));
	for (int i = 0; i < JOBS; i++)
		acc_accel_submit(fd, a.code, 0, 2 * ACC_CMD_BYTES,
				 i == JOBS - 1 ? s : 0);
	sf = acc_syncobj_export_sync_file(fd, s);
	CHECK(pthread_create(&th, NULL, waiter, NULL) == 0);
	usleep(300 * 1000);

	acc_watchdog(90, "removal of a function in use through its accel node");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	acc_write_file(path, "1");
	CHECK(pthread_join(th, NULL) == 0);
	CHECK_MSG(wait_ret == -1 && (wait_errno == EIO || wait_errno == ENODEV),
		  "pending WAIT returned %d, errno %s; want EIO or ENODEV",
		  wait_ret, acc_errname(wait_errno));
	CHECK_MSG(poll(&(struct pollfd){ .fd = sf, .events = POLLIN }, 1,
		       10000) == 1, "the last job's fence did not signal");
	st = acc_sync_file_status(sf);
	CHECK_MSG(st == -ENODEV, "the last job's fence: status %d, want "
		  "-ENODEV", st);

	EXPECT_ERRNO(acc_accel_try_param(fd, DRM_ACCELDEV_PARAM_LAST_JOB, &v),
		     ENODEV);
	EXPECT_ERRNO(acc_accel_try_bo_create(fd, 4096, DRM_ACCELDEV_BO_DATA, 0,
					     &h, &slot), ENODEV);
	EXPECT_ERRNO(acc_accel_try_bo_info(fd, a.data, &info), ENODEV);
	EXPECT_ERRNO(acc_accel_try_submit(fd, a.code, 0, ACC_CMD_BYTES),
		     ENODEV);
	EXPECT_ERRNO(acc_accel_try_wait(fd, 1, acc_deadline(5)), ENODEV);
	EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc), ENODEV);

	/* The mappings are still memory we may use. */
	a.d[5] = 0xabcd;
	a.cmds[500] = 0x4321;
	CHECK(a.d[5] == 0xabcd && a.cmds[500] == 0x4321);
	(void)a.d[2047];
	acc_actx_close(&a);
	CHECK(close(sf) == 0);
	CHECK_MSG(acc_wait_for_path(node, false, 10),
		  "%s still exists after removal and close", node);
	acc_accel_check_device_works(0);

	acc_rescan_expect(1);
	acc_watchdog(0, "");
	CHECK_MSG(acc_accel_path(1, node, sizeof(node)) &&
		  acc_wait_for_path(node, true, 10),
		  "no accel node for /dev/acceldev1 after the rescan");
	acc_accel_check_device_works(1);
	acc_accel_check_device_works(0);
	return 0;
}
