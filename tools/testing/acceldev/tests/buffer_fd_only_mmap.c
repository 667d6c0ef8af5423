// SPDX-License-Identifier: GPL-2.0
/*
 * A buffer file supports mmap and close and nothing else:
 *  - read() and write() fail with EINVAL: the file is open for reading
 *    and writing (shared writable mappings need that), but has no read
 *    or write operation, and vfs_read()/vfs_write() in fs/read_write.c
 *    return -EINVAL when FMODE_CAN_READ/FMODE_CAN_WRITE is not set;
 *  - ioctl() with the acceldev request numbers (or any other) fails with
 *    ENOTTY, the answer for a file without an ioctl operation.
 * Both for code and data buffers; the buffer still works afterwards.
 */
#include "acceldev_test.h"

static void check_fd(int bfd)
{
	char buf[16] = { 0 };
	struct acceldev_ioctl_create_buffer cb = {
		.size = 4096, .type = BUFFER_TYPE_CODE,
	};
	struct acceldev_ioctl_run run = { .cfd = bfd, .size = 20 };
	struct acceldev_ioctl_wait wait = { 0 };

	EXPECT_ERRNO(read(bfd, buf, sizeof(buf)), EINVAL);
	EXPECT_ERRNO(write(bfd, buf, sizeof(buf)), EINVAL);
	EXPECT_ERRNO(ioctl(bfd, ACCELDEV_IOCTL_CREATE_BUFFER, &cb), ENOTTY);
	EXPECT_ERRNO(ioctl(bfd, ACCELDEV_IOCTL_RUN, &run), ENOTTY);
	EXPECT_ERRNO(ioctl(bfd, ACCELDEV_IOCTL_WAIT, &wait), ENOTTY);
	EXPECT_ERRNO(ioctl(bfd, 0x50, 0), ENOTTY);
}

int main(void)
{
	int ctx = acc_open(0);
	uint32_t slot;
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);

	check_fd(code);
	check_fd(data);

	uint32_t *cmds = acc_map(code, 4096);
	uint32_t *d = acc_map(data, 4096);
	size_t w = acc_put_fill(cmds, 0, 9, slot, 0, 4096);

	w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 1);
	CHECK(d[0] == 9 && d[1023] == 9);
	return 0;
}
