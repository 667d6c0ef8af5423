// SPDX-License-Identifier: GPL-2.0
/*
 * Unknown ioctl numbers fail with ENOTTY (example 21: 0x50). The request
 * numbers are the plain integers 0, 1 and 3, so 4 is unknown, and so
 * are _IOW/_IOWR/_IOR encodings whose number field is 0, 1 or 3
 * (a driver that decodes _IOC_NR() would wrongly accept them: they are
 * passed a valid argument here, so only the request number is wrong).
 * The context keeps working afterwards.
 * Not checked: 2. It is FIGETBSZ (_IO(0, 2)), which the VFS answers
 * itself for every file in do_vfs_ioctl() (fs/ioctl.c), writing the
 * block size and returning 0 before the driver is asked.
 */
// vmtest: tiers=debian,debug
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	struct acceldev_ioctl_create_buffer_result res;
	struct acceldev_ioctl_create_buffer cb = {
		.size = 4096, .type = BUFFER_TYPE_DATA, .result = &res,
	};
	struct acceldev_ioctl_run run = { .cfd = code, .addr = 0, .size = 20 };
	struct acceldev_ioctl_wait wait = { .fence_wait = 0 };

	acc_put_fence(cmds, 0);

	EXPECT_ERRNO(ioctl(ctx, 0x50, &wait), ENOTTY);
	EXPECT_ERRNO(ioctl(ctx, 0x4, &wait), ENOTTY);
	EXPECT_ERRNO(ioctl(ctx, 0xff, &wait), ENOTTY);
	EXPECT_ERRNO(ioctl(ctx, 0x100, &cb), ENOTTY);	/* _IO(1, 0) */
	EXPECT_ERRNO(ioctl(ctx, 0x101, &run), ENOTTY);	/* _IO(1, 1) */
	EXPECT_ERRNO(ioctl(ctx, _IOWR(0, ACCELDEV_IOCTL_CREATE_BUFFER,
				      struct acceldev_ioctl_create_buffer),
			   &cb), ENOTTY);
	EXPECT_ERRNO(ioctl(ctx, _IOW(0, ACCELDEV_IOCTL_RUN,
				     struct acceldev_ioctl_run), &run), ENOTTY);
	EXPECT_ERRNO(ioctl(ctx, _IOW(0, ACCELDEV_IOCTL_WAIT,
				     struct acceldev_ioctl_wait), &wait), ENOTTY);
	EXPECT_ERRNO(ioctl(ctx, _IOR('A', 0x3, struct acceldev_ioctl_wait),
			   &wait), ENOTTY);
	EXPECT_ERRNO(ioctl(ctx, 0x80000001, &run), ENOTTY);

	/* Nothing above ran anything or took a slot. */
	EXPECT_ERRNO(acc_try_wait(ctx, 1), EINVAL);
	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++)
		acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, NULL);
	acc_run(ctx, code, 0, 20);
	acc_wait(ctx, 1);
	return 0;
}
