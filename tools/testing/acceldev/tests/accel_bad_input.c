// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input on the accel node (DRIVER.md, "Other ioctls and bad input";
 * uapi/acceldev_accel.h: @flags and @pad must be zero): every driver
 * ioctl with a NULL, unmapped or kernel argument pointer is EFAULT; WAIT
 * with non-zero flags is EINVAL; SUBMIT's syncobj arrays straddling into
 * a PROT_NONE page are EFAULT; driver ioctl numbers the driver does not
 * have (DRM_COMMAND_BASE + 5, + 0x1f, + 0x5f, any direction and size) are
 * EINVAL, as the DRM core answers them. Afterwards the file still works
 * and made no job.
 */
// vmtest: timeout=30 tiers=debian,debug
#include "acceldev_accel_test.h"

static const unsigned long requests[] = {
	DRM_IOCTL_ACCELDEV_GET_PARAM, DRM_IOCTL_ACCELDEV_BO_CREATE,
	DRM_IOCTL_ACCELDEV_BO_INFO, DRM_IOCTL_ACCELDEV_SUBMIT,
	DRM_IOCTL_ACCELDEV_WAIT,
};

int main(void)
{
	struct acc_actx a;
	uint8_t *mem;
	void *unmapped;
	struct drm_acceldev_wait w = { 0 };
	struct drm_acceldev_syncobj *edge;
	struct acc_submit s;
	uint32_t done;

	acc_actx_open(&a, 0, 4096, 4096);
	mem = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED);
	CHECK(mprotect(mem + 4096, 4096, PROT_NONE) == 0);
	unmapped = mem + 2 * 4096;
	CHECK(munmap(unmapped, 4096) == 0);

	for (unsigned int i = 0; i < sizeof(requests) / sizeof(requests[0]);
	     i++) {
		EXPECT_ERRNO(ioctl(a.fd, requests[i], NULL), EFAULT);
		EXPECT_ERRNO(ioctl(a.fd, requests[i], unmapped), EFAULT);
		EXPECT_ERRNO(ioctl(a.fd, requests[i], mem + 4096), EFAULT);
		EXPECT_ERRNO(ioctl(a.fd, requests[i],
				   (void *)0xffff888000000000ull), EFAULT);
		/* The last bytes of the argument in the PROT_NONE page. */
		EXPECT_ERRNO(ioctl(a.fd, requests[i], mem + 4096 - 8), EFAULT);
	}

	w.flags = 1;
	EXPECT_ERRNO(ioctl(a.fd, DRM_IOCTL_ACCELDEV_WAIT, &w), EINVAL);
	w.flags = 0x80000000u;
	EXPECT_ERRNO(ioctl(a.fd, DRM_IOCTL_ACCELDEV_WAIT, &w), EINVAL);

	/* Syncobj arrays whose last entry runs into the PROT_NONE page. */
	done = acc_syncobj_create(a.fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	edge = (struct drm_acceldev_syncobj *)(mem + 4096) - 2;
	edge[0] = (struct drm_acceldev_syncobj){ .handle = done };
	edge[1] = edge[0];
	acc_put_nop(a.cmds, 0);
	s = (struct acc_submit){ .code = a.code, .size = ACC_CMD_BYTES,
				 .in = edge, .in_count = 3 };
	EXPECT_ERRNO(acc_accel_try_submit_args(a.fd, &s), EFAULT);
	s = (struct acc_submit){ .code = a.code, .size = ACC_CMD_BYTES,
				 .out = edge, .out_count = 3 };
	EXPECT_ERRNO(acc_accel_try_submit_args(a.fd, &s), EFAULT);
	s.in = (void *)((uint8_t *)edge + 4);
	s.in_count = 2;
	s.out_count = 0;
	EXPECT_ERRNO(acc_accel_try_submit_args(a.fd, &s), EFAULT);

	/* Driver numbers the driver does not have. */
	EXPECT_ERRNO(ioctl(a.fd, DRM_IOWR(DRM_COMMAND_BASE + 5,
					  struct drm_acceldev_wait), &w), EINVAL);
	EXPECT_ERRNO(ioctl(a.fd, DRM_IO(DRM_COMMAND_BASE + 5)), EINVAL);
	EXPECT_ERRNO(ioctl(a.fd, DRM_IOW(DRM_COMMAND_BASE + 0x1f,
					 struct drm_acceldev_submit), &s),
		     EINVAL);
	EXPECT_ERRNO(ioctl(a.fd, DRM_IOR(DRM_COMMAND_BASE + 0x5f, uint64_t),
			   mem), EINVAL);

	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_LAST_JOB) == 0);
	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_CONTEXT_ERROR) == 0);
	acc_actx_fill_fence(&a, 0xbad1, 0);
	acc_accel_wait(a.fd, 1);
	acc_actx_check(&a, 0xbad1);
	acc_actx_close(&a);
	return 0;
}
