// SPDX-License-Identifier: GPL-2.0
/*
 * libacceldev: buffers come back mapped, zeroed and rounded to pages;
 * data buffers report 16 distinct slots, the 17th fails with ENOSPC or
 * EBUSY; code buffers report slot -1; bad sizes are EINVAL before any
 * ioctl. A /dev/acceldevN buffer has a file and no GEM handle; a buffer
 * object of the accel node a handle and no file (EOPNOTSUPP).
 */
#include "lib_test.h"

int main(void)
{
	struct acd_buffer *data[ACCELDEV_NUM_BUFFERS], *code;
	unsigned int seen = 0;
	struct acd_ctx *ctx;

	lib_require_devices(1);
	ctx = lib_open(0);
	LIB_OK(ctx);

	code = acd_buffer_create(ctx, ACD_BUFFER_CODE, 4097);
	LIB_OK(code);
	CHECK(acd_buffer_size(code) == 8192);
	CHECK(acd_buffer_slot(code) == -1);
	if (LIB_ACCEL) {
		CHECK(acd_buffer_handle(code) != 0);
		EXPECT_ERRNO(acd_buffer_fd(code), EOPNOTSUPP);
	} else {
		CHECK(acd_buffer_fd(code) >= 0);
		CHECK(acd_buffer_handle(code) == 0);
	}

	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++) {
		size_t size = 1 + i * 5000;
		uint8_t *p;
		int slot;

		data[i] = acd_buffer_create(ctx, ACD_BUFFER_DATA, size);
		CHECK_MSG(data[i], "buffer %d: %s", i, acd_error());
		slot = acd_buffer_slot(data[i]);
		CHECK_MSG(slot >= 0 && slot < 16 && !(seen & 1u << slot),
			  "buffer %d got slot %d", i, slot);
		seen |= 1u << slot;
		CHECK(acd_buffer_size(data[i]) == (size + 4095) / 4096 * 4096);
		p = acd_buffer_map(data[i]);
		for (size_t b = 0; b < acd_buffer_size(data[i]); b++)
			CHECK_MSG(p[b] == 0, "buffer %d byte %zu is %u", i, b,
				  p[b]);
		p[acd_buffer_size(data[i]) - 1] = 0x5a;	/* writable */
	}
	CHECK(seen == 0xffff);

	EXPECT_NULL_ERRNO2(acd_buffer_create(ctx, ACD_BUFFER_DATA, 4096), ENOSPC,
		      EBUSY);
	CHECK_MSG(strstr(acd_error(), LIB_CREATE), "message '%s'",
		  acd_error());
	/* a freed slot is reused */
	acd_buffer_destroy(data[3]);
	data[3] = acd_buffer_create(ctx, ACD_BUFFER_DATA, 4096);
	LIB_OK(data[3]);

	EXPECT_NULL_ERRNO(acd_buffer_create(ctx, ACD_BUFFER_DATA, 0), EINVAL);
	EXPECT_NULL_ERRNO(acd_buffer_create(ctx, ACD_BUFFER_CODE,
				       ACD_BUFFER_MAX_SIZE + 1), EINVAL);
	EXPECT_NULL_ERRNO(acd_buffer_create(ctx, (enum acd_buffer_type)2, 4096),
		     EINVAL);

	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++)
		acd_buffer_destroy(data[i]);
	acd_buffer_destroy(code);
	acd_buffer_destroy(NULL);
	CHECK(acd_close(ctx) == 0);
	return 0;
}
