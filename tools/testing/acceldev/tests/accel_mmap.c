// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of buffer objects through BO_INFO's mmap_offset on the accel file
 * (uapi/acceldev_accel.h, struct drm_acceldev_bo_create): a new 12 KiB
 * DATA object reads zero; bytes written read back, also through a second
 * mapping; the device's FILL of the middle page shows in the mapping and
 * keeps the bytes around it; a CODE object maps too. An offset no object
 * has is EINVAL; another file's object's offset is refused (EACCES from
 * the DRM core, or EINVAL). Mapping a page more than the object is
 * refused with EINVAL (the uAPI; the chardev's rule, SIGBUS on touching
 * the extra page, is not the accel node's).
 */
// vmtest: timeout=30
#include "acceldev_accel_test.h"

#define SIZE (12 * 1024)

int main(void)
{
	struct acc_actx a;
	int other = acc_accel_open(0);
	uint32_t oh = acc_accel_bo_create(other, 4096, DRM_ACCELDEV_BO_DATA,
					  NULL);
	struct drm_acceldev_bo_info info, oinfo = acc_accel_bo_info(other, oh);
	uint8_t *b, *b2;
	void *p;

	acc_actx_open(&a, 0, 4096, SIZE);
	b = (uint8_t *)a.d;
	for (int i = 0; i < SIZE; i++)
		CHECK_MSG(b[i] == 0, "byte %d of a new BO is %#x", i, b[i]);
	for (int i = 0; i < SIZE; i++)
		b[i] = (uint8_t)(i * 7 + 3);
	b2 = acc_accel_map(a.fd, a.data, SIZE);
	for (int i = 0; i < SIZE; i++)
		CHECK_MSG(b2[i] == (uint8_t)(i * 7 + 3), "second mapping: byte "
			  "%d is %#x", i, b2[i]);

	/* The device writes the middle page; the rest is what we wrote. */
	acc_actx_fill_fence_at(&a, 0, 0x5a5a5a5a, 4096, 4096, 0);
	acc_accel_wait(a.fd, 1);
	for (int i = 0; i < SIZE; i++) {
		uint8_t want = i >= 4096 && i < 8192 ? 0x5a :
			       (uint8_t)(i * 7 + 3);

		CHECK_MSG(b[i] == want && b2[i] == want, "byte %d: %#x / %#x, "
			  "want %#x", i, b[i], b2[i], want);
	}
	/* The CODE object holds what we wrote into it. */
	CHECK(a.cmds[0] == ACCELDEV_USER_CMD_TYPE_FILL && a.cmds[3] == 4096);

	/* Offsets that are not this file's objects. */
	info = acc_accel_bo_info(a.fd, a.data);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd, 0);
	EXPECT_ERRNO(p == MAP_FAILED ? -1 : 0, EINVAL);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd,
		 (off_t)(info.mmap_offset + 64 * ACC_MIB));
	EXPECT_ERRNO(p == MAP_FAILED ? -1 : 0, EINVAL);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd,
		 (off_t)oinfo.mmap_offset);
	if (oinfo.mmap_offset != info.mmap_offset &&
	    oinfo.mmap_offset != acc_accel_bo_info(a.fd, a.code).mmap_offset)
		EXPECT_ERRNO2(p == MAP_FAILED ? -1 : 0, EACCES, EINVAL);

	/* One page more than the object: refused (uAPI, BO_CREATE). */
	p = mmap(NULL, SIZE + 4096, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd,
		 (off_t)info.mmap_offset);
	EXPECT_ERRNO(p == MAP_FAILED ? -1 : 0, EINVAL);
	munmap(b2, SIZE);
	acc_actx_close(&a);
	CHECK(close(other) == 0);
	return 0;
}
