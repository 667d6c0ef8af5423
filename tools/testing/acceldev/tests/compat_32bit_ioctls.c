// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit programs on the 64-bit kernel (the compat ioctl path). This test
 * is built with -m32, where struct acceldev_ioctl_create_buffer is 12
 * bytes (its result pointer is 4 bytes): the driver must read that layout
 * and write the slot through the 32-bit pointer. Every ioctl is used:
 *  - CREATE_BUFFER of a CODE and a DATA buffer (slot in 0..15, written);
 *  - a bad size (EINVAL), a bad argument pointer and a bad result
 *    pointer (EFAULT);
 *  - RUN of FILL + FENCE and WAIT(1), then the data checked word by word;
 *  - RUN with a misaligned offset (EINVAL), an unknown ioctl (ENOTTY).
 */
// vmtest: cflags=-m32 tiers=debian,debug
#include "acceldev_test.h"

_Static_assert(sizeof(void *) == 4, "this test must be built with -m32");
_Static_assert(sizeof(struct acceldev_ioctl_create_buffer) == 12,
	       "32-bit CREATE_BUFFER layout");

#define SIZE (3 * 4096)

int main(void)
{
	struct acceldev_ioctl_create_buffer cb = {
		.size = 4096,
		.type = BUFFER_TYPE_DATA,
		.result = (void *)16,	/* unmapped */
	};
	uint32_t slot, *code, *data;
	int ctx, cfd, dfd;

	acc_require_devices(1);
	ctx = acc_open(0);

	cfd = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	dfd = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, &slot);
	code = acc_map(cfd, 4096);
	data = acc_map(dfd, SIZE);

	EXPECT_ERRNO(acc_try_create_buffer(ctx, ACCELDEV_BUFFER_MAX_SIZE + 1,
					   BUFFER_TYPE_CODE, NULL), EINVAL);
	EXPECT_ERRNO(ioctl(ctx, ACCELDEV_IOCTL_CREATE_BUFFER, (void *)16),
		     EFAULT);
	EXPECT_ERRNO(ioctl(ctx, ACCELDEV_IOCTL_CREATE_BUFFER, &cb), EFAULT);

	acc_put_fence(code, acc_put_fill(code, 0, 0x32323232, slot, 4, 8192));
	acc_run(ctx, cfd, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, 1);
	CHECK(data[0] == 0);
	for (unsigned int i = 1; i <= 8192 / 4; i++)
		CHECK_MSG(data[i] == 0x32323232, "word %u is %#x", i, data[i]);
	CHECK(data[8192 / 4 + 1] == 0);

	EXPECT_ERRNO(acc_try_run(ctx, cfd, 2, ACC_CMD_BYTES), EINVAL);
	EXPECT_ERRNO(ioctl(ctx, 0x50, NULL), ENOTTY);

	munmap(code, 4096);
	munmap(data, SIZE);
	close(cfd);
	close(dfd);
	close(ctx);
	return 0;
}
