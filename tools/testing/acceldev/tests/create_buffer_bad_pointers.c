// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE_BUFFER with bad user pointers fails with EFAULT and leaks
 * nothing:
 *  - a bad argument pointer (NULL, an unmapped page);
 *  - a valid argument whose result pointer is bad, for a DATA buffer:
 *    the slot cannot be reported, so the call must fail with EFAULT,
 *    install no file descriptor (the lowest free fd number is unchanged)
 *    and keep no slot: afterwards a full set of 16 data buffers can still
 *    be created on the same context.
 */
// vmtest: tiers=debian,debug
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	struct acceldev_ioctl_create_buffer cb = {
		.size = 4096, .type = BUFFER_TYPE_DATA,
	};

	CHECK(hole != MAP_FAILED);
	EXPECT_ERRNO(ioctl(ctx, ACCELDEV_IOCTL_CREATE_BUFFER, NULL), EFAULT);
	EXPECT_ERRNO(ioctl(ctx, ACCELDEV_IOCTL_CREATE_BUFFER, hole), EFAULT);

	for (int i = 0; i < 2 * ACCELDEV_NUM_BUFFERS; i++) {
		int lowest = acc_lowest_free_fd();

		cb.result = (i % 2) ? hole : NULL;
		EXPECT_ERRNO(ioctl(ctx, ACCELDEV_IOCTL_CREATE_BUFFER, &cb),
			     EFAULT);
		CHECK_MSG(acc_lowest_free_fd() == lowest,
			  "a failed CREATE_BUFFER left fd %d open", lowest);
	}

	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++) {
		uint32_t slot;
		int fd = acc_try_create_buffer(ctx, 4096, BUFFER_TYPE_DATA,
					       &slot);

		CHECK_MSG(fd >= 0, "data buffer %d of 16 after the EFAULTs: %s"
			  " (a failed call kept its slot?)", i + 1,
			  acc_errname(errno));
	}
	return 0;
}
