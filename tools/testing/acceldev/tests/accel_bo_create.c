// SPDX-License-Identifier: GPL-2.0
/*
 * DRM_IOCTL_ACCELDEV_BO_CREATE (uapi/acceldev_accel.h): sizes 1, 4096 and
 * 4 MiB are accepted (BO_INFO: rounded up to whole pages); 0 and 4 MiB + 1
 * (also 4 MiB + 3, 2^32 + 4096, ~0) are EINVAL; a type other than CODE
 * and DATA is EINVAL; non-zero flags are EINVAL. A CODE object gets
 * DRM_ACCELDEV_NO_SLOT; 16 DATA objects get the distinct slots 0..15, the
 * 17th is ENOSPC, another file can still create one, and closing a
 * handle (GEM_CLOSE) frees its slot for the next DATA object.
 */
// vmtest: timeout=60
#include "acceldev_accel_test.h"

static uint64_t bo_size(int fd, uint32_t h)
{
	return acc_accel_bo_info(fd, h).size;
}

int main(void)
{
	int fd = acc_accel_open(0), other = acc_accel_open(0);
	static const uint64_t bad_sizes[] = {
		0, 4 * ACC_MIB + 1, 4 * ACC_MIB + 3, 8 * ACC_MIB,
		(1ull << 32) + 4096, ~0ull,
	};
	static const uint32_t bad_types[] = { 2, 3, 100, 0x80000000u, ~0u };
	uint32_t h, slot, data[ACCELDEV_NUM_BUFFERS], code;
	bool seen[ACCELDEV_NUM_BUFFERS] = { false };

	h = acc_accel_bo_create(fd, 1, DRM_ACCELDEV_BO_DATA, &slot);
	CHECK(bo_size(fd, h) == 4096);
	acc_gem_close(fd, h);
	h = acc_accel_bo_create(fd, 4096, DRM_ACCELDEV_BO_CODE, &slot);
	CHECK(bo_size(fd, h) == 4096);
	acc_gem_close(fd, h);
	h = acc_accel_bo_create(fd, 4097, DRM_ACCELDEV_BO_CODE, NULL);
	CHECK(bo_size(fd, h) == 8192);
	acc_gem_close(fd, h);
	h = acc_accel_bo_create(fd, 4 * ACC_MIB, DRM_ACCELDEV_BO_DATA, NULL);
	CHECK(bo_size(fd, h) == 4 * ACC_MIB);
	acc_gem_close(fd, h);
	h = acc_accel_bo_create(fd, 4 * ACC_MIB, DRM_ACCELDEV_BO_CODE, NULL);
	acc_gem_close(fd, h);

	for (unsigned int i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]);
	     i++) {
		EXPECT_ERRNO(acc_accel_try_bo_create(fd, bad_sizes[i],
						     DRM_ACCELDEV_BO_DATA, 0,
						     &h, &slot), EINVAL);
		EXPECT_ERRNO(acc_accel_try_bo_create(fd, bad_sizes[i],
						     DRM_ACCELDEV_BO_CODE, 0,
						     &h, &slot), EINVAL);
	}
	for (unsigned int i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]);
	     i++)
		EXPECT_ERRNO(acc_accel_try_bo_create(fd, 4096, bad_types[i], 0,
						     &h, &slot), EINVAL);
	EXPECT_ERRNO(acc_accel_try_bo_create(fd, 4096, DRM_ACCELDEV_BO_DATA, 1,
					     &h, &slot), EINVAL);
	EXPECT_ERRNO(acc_accel_try_bo_create(fd, 4096, DRM_ACCELDEV_BO_CODE,
					     0x80000000u, &h, &slot), EINVAL);

	/* 16 distinct slots (the failed calls above took none), then full. */
	code = acc_accel_bo_create(fd, 4096, DRM_ACCELDEV_BO_CODE, NULL);
	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++) {
		data[i] = acc_accel_bo_create(fd, 4096, DRM_ACCELDEV_BO_DATA,
					      &slot);
		CHECK_MSG(!seen[slot], "slot %u given twice", slot);
		seen[slot] = true;
		CHECK(acc_accel_bo_info(fd, data[i]).slot == slot);
	}
	EXPECT_ERRNO(acc_accel_try_bo_create(fd, 4096, DRM_ACCELDEV_BO_DATA, 0,
					     &h, &slot), ENOSPC);
	/* CODE objects take no slot; another file has its own. */
	acc_gem_close(fd, acc_accel_bo_create(fd, 4096, DRM_ACCELDEV_BO_CODE,
					      NULL));
	acc_gem_close(other, acc_accel_bo_create(other, 4096,
						 DRM_ACCELDEV_BO_DATA, NULL));

	/* A closed handle's slot is free again (nothing mapped, no job). */
	slot = acc_accel_bo_info(fd, data[7]).slot;
	acc_gem_close(fd, data[7]);
	data[7] = acc_accel_bo_create(fd, 4096, DRM_ACCELDEV_BO_DATA, &h);
	CHECK_MSG(h == slot, "new DATA BO got slot %u, the freed one was %u",
		  h, slot);
	EXPECT_ERRNO(acc_accel_try_bo_create(fd, 4096, DRM_ACCELDEV_BO_DATA, 0,
					     &h, &slot), ENOSPC);
	acc_gem_close(fd, code);
	CHECK(close(fd) == 0);
	CHECK(close(other) == 0);
	acc_accel_check_device_works(0);
	return 0;
}
