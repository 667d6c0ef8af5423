// SPDX-License-Identifier: GPL-2.0
/*
 * DRM_IOCTL_ACCELDEV_BO_INFO (uapi/acceldev_accel.h): size (whole pages),
 * type and slot of CODE and DATA objects as BO_CREATE gave them, distinct
 * non-zero page-aligned mmap offsets; a handle that is not one of this
 * file's (0, never given, closed, another file's only) is ENOENT; non-zero
 * flags are EINVAL.
 */
// vmtest: timeout=30
#include "acceldev_accel_test.h"

int main(void)
{
	int fd = acc_accel_open(0), other = acc_accel_open(0);
	struct drm_acceldev_bo_info ic, id, info;
	uint32_t code, data, slot, gone, theirs;

	code = acc_accel_bo_create(fd, 5000, DRM_ACCELDEV_BO_CODE, NULL);
	data = acc_accel_bo_create(fd, 12 * 1024, DRM_ACCELDEV_BO_DATA, &slot);
	ic = acc_accel_bo_info(fd, code);
	id = acc_accel_bo_info(fd, data);
	CHECK(ic.handle == code && ic.size == 8192 &&
	      ic.type == DRM_ACCELDEV_BO_CODE &&
	      ic.slot == DRM_ACCELDEV_NO_SLOT);
	CHECK(id.handle == data && id.size == 12 * 1024 &&
	      id.type == DRM_ACCELDEV_BO_DATA && id.slot == slot);
	CHECK_MSG(ic.mmap_offset && id.mmap_offset &&
		  ic.mmap_offset != id.mmap_offset &&
		  !(ic.mmap_offset % 4096) && !(id.mmap_offset % 4096),
		  "mmap offsets %#llx and %#llx",
		  (unsigned long long)ic.mmap_offset,
		  (unsigned long long)id.mmap_offset);
	/* The same answer twice. */
	info = acc_accel_bo_info(fd, data);
	CHECK(!memcmp(&info, &id, sizeof(info)));

	EXPECT_ERRNO(acc_accel_try_bo_info(fd, 0, &info), ENOENT);
	EXPECT_ERRNO(acc_accel_try_bo_info(fd, data + 1000, &info), ENOENT);
	EXPECT_ERRNO(acc_accel_try_bo_info(fd, ~0u, &info), ENOENT);
	gone = acc_accel_bo_create(fd, 4096, DRM_ACCELDEV_BO_DATA, NULL);
	acc_gem_close(fd, gone);
	EXPECT_ERRNO(acc_accel_try_bo_info(fd, gone, &info), ENOENT);
	/* A handle of the other file that this file does not have. */
	for (int i = 0; i < 4; i++)
		theirs = acc_accel_bo_create(other, 4096, DRM_ACCELDEV_BO_CODE,
					     NULL);
	CHECK(theirs > data);
	EXPECT_ERRNO(acc_accel_try_bo_info(fd, theirs, &info), ENOENT);

	memset(&info, 0, sizeof(info));
	info.handle = data;
	info.flags = 1;
	EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_ACCELDEV_BO_INFO, &info), EINVAL);
	info.flags = 0x80000000u;
	EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_ACCELDEV_BO_INFO, &info), EINVAL);
	CHECK(close(fd) == 0);
	CHECK(close(other) == 0);
	return 0;
}
