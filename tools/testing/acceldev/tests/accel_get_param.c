// SPDX-License-Identifier: GPL-2.0
/*
 * DRM_IOCTL_ACCELDEV_GET_PARAM (uapi/acceldev_accel.h): every parameter
 * reads its documented value on a new file (UAPI_VERSION 1, DEVICE_ID
 * 0x0666 << 16 | 0x0019, 255 contexts, 16 slots, 4 MiB, the run_backlog
 * module parameter, a context id below 255, fence counter 0, no error,
 * LAST_JOB 0); an unknown parameter and a non-zero pad are EINVAL. Two
 * files have distinct CONTEXT_IDs. The 255 context ids are shared with
 * /dev/acceldevN: 128 chardev opens and 127 accel opens all succeed, the
 * next open of either node is EBUSY, and one close frees one id.
 */
// vmtest: timeout=60 tiers=debian
#include "acceldev_accel_test.h"

#define PARAM "/sys/module/acceldev/parameters/run_backlog"

int main(void)
{
	int a = acc_accel_open(0), b = acc_accel_open(0);
	struct drm_acceldev_get_param p;
	uint64_t ida, idb, v;
	int fds[ACCELDEV_MAX_CONTEXTS];
	long backlog;
	int n = 0;

	CHECK(acc_accel_param(a, DRM_ACCELDEV_PARAM_UAPI_VERSION) ==
	      DRM_ACCELDEV_UAPI_VERSION);
	v = acc_accel_param(a, DRM_ACCELDEV_PARAM_DEVICE_ID);
	CHECK_MSG(v == (0x0666u << 16 | 0x0019u), "DEVICE_ID %#llx",
		  (unsigned long long)v);
	CHECK(acc_accel_param(a, DRM_ACCELDEV_PARAM_NUM_CONTEXTS) == 255);
	CHECK(acc_accel_param(a, DRM_ACCELDEV_PARAM_NUM_SLOTS) == 16);
	CHECK(acc_accel_param(a, DRM_ACCELDEV_PARAM_MAX_BO_SIZE) == 4 * ACC_MIB);
	v = acc_accel_param(a, DRM_ACCELDEV_PARAM_JOB_BACKLOG);
	backlog = acc_sysfs_param(PARAM, -1);
	if (backlog >= 0)
		CHECK_MSG(v == (uint64_t)backlog, "JOB_BACKLOG %llu, %s %ld",
			  (unsigned long long)v, PARAM, backlog);
	CHECK_MSG(v >= 4096, "JOB_BACKLOG %llu: DRIVER.md wants >= 4096",
		  (unsigned long long)v);
	ida = acc_accel_param(a, DRM_ACCELDEV_PARAM_CONTEXT_ID);
	idb = acc_accel_param(b, DRM_ACCELDEV_PARAM_CONTEXT_ID);
	CHECK_MSG(ida < 255 && idb < 255 && ida != idb, "context ids %llu, %llu",
		  (unsigned long long)ida, (unsigned long long)idb);
	CHECK(acc_accel_param(a, DRM_ACCELDEV_PARAM_FENCE_COUNTER) == 0);
	CHECK(acc_accel_param(a, DRM_ACCELDEV_PARAM_CONTEXT_ERROR) == 0);
	CHECK(acc_accel_param(a, DRM_ACCELDEV_PARAM_LAST_JOB) == 0);

	/* Unknown parameters, non-zero pad. */
	EXPECT_ERRNO(acc_accel_try_param(a, DRM_ACCELDEV_PARAM_LAST_JOB + 1,
					 &v), EINVAL);
	EXPECT_ERRNO(acc_accel_try_param(a, 0x80000000u, &v), EINVAL);
	EXPECT_ERRNO(acc_accel_try_param(a, ~0u, &v), EINVAL);
	memset(&p, 0, sizeof(p));
	p.param = DRM_ACCELDEV_PARAM_UAPI_VERSION;
	p.pad = 1;
	EXPECT_ERRNO(ioctl(a, DRM_IOCTL_ACCELDEV_GET_PARAM, &p), EINVAL);
	p.pad = 0x80000000u;
	EXPECT_ERRNO(ioctl(a, DRM_IOCTL_ACCELDEV_GET_PARAM, &p), EINVAL);
	CHECK(close(a) == 0);
	CHECK(close(b) == 0);

	/* 255 ids shared by both nodes of the function. */
	acc_require_devices(1);
	for (; n < 128; n++)
		fds[n] = EXPECT_OK(acc_try_open(0));
	for (; n < ACCELDEV_MAX_CONTEXTS; n++)
		fds[n] = EXPECT_OK(acc_accel_try_open(0));
	EXPECT_ERRNO(acc_accel_try_open(0), EBUSY);
	EXPECT_ERRNO(acc_try_open(0), EBUSY);
	/* A freed chardev id goes to the accel node, and back. */
	CHECK(close(fds[0]) == 0);
	fds[0] = EXPECT_OK(acc_accel_try_open(0));
	EXPECT_ERRNO(acc_try_open(0), EBUSY);
	CHECK(close(fds[200]) == 0);
	fds[200] = EXPECT_OK(acc_try_open(0));
	EXPECT_ERRNO(acc_accel_try_open(0), EBUSY);
	for (n = 0; n < ACCELDEV_MAX_CONTEXTS; n++)
		CHECK(close(fds[n]) == 0);
	acc_accel_check_device_works(0);
	return 0;
}
