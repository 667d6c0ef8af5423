// SPDX-License-Identifier: GPL-2.0
/*
 * libacceldev: the command stream grows across code buffers. With 4 KiB
 * code buffers (204 commands) and at most 3 of them, 2000 FILLs without
 * a fence make the stream submit full buffers and create new ones up to
 * 3, then wait for the oldest and reuse it (the stream adds the FENCEs it
 * needs, so handles may skip numbers); every FILL's word is right.
 * Setting up the stream after commands is EBUSY; bad setups are EINVAL.
 */
#include "lib_test.h"

#define FILLS 2000

int main(void)
{
	struct acd_buffer *data;
	struct acd_ctx *ctx;
	acd_fence_t f;
	uint32_t *d;

	lib_require_devices(1);
	ctx = lib_open(0);
	LIB_OK(ctx);
	EXPECT_ERRNO(acd_stream_setup(ctx, 4096, 0), EINVAL);
	EXPECT_ERRNO(acd_stream_setup(ctx, 20, 2), EINVAL);
	EXPECT_ERRNO(acd_stream_setup(ctx, ACD_BUFFER_MAX_SIZE + 1, 2), EINVAL);
	LIB_OK(acd_stream_setup(ctx, 4096, 3) == 0);
	CHECK(acd_stream_buffers(ctx) == 1);
	data = acd_buffer_create(ctx, ACD_BUFFER_DATA, FILLS * 4);
	LIB_OK(data);
	d = acd_buffer_map(data);

	/* fills 0..203 fit the first buffer (one command kept for a FENCE) */
	for (uint32_t i = 0; i < FILLS; i++) {
		LIB_OK(acd_fill(ctx, data, 0x1000 + i, i * 4, 4) == 0);
		if (i == 300)
			CHECK_MSG(acd_stream_buffers(ctx) == 2,
				  "%u buffers after 301 fills",
				  acd_stream_buffers(ctx));
	}
	CHECK_MSG(acd_stream_buffers(ctx) == 3, "%u buffers",
		  acd_stream_buffers(ctx));
	EXPECT_ERRNO(acd_stream_setup(ctx, 4096, 4), EBUSY);

	LIB_OK(acd_fence(ctx, &f) == 0);
	/* reusing buffers took fences of the stream's own */
	CHECK_MSG(f > 1, "fence handle %llu", (unsigned long long)f);
	LIB_OK(acd_wait(ctx, f) == 0);
	for (uint32_t i = 0; i < FILLS; i++)
		CHECK_MSG(d[i] == 0x1000 + i, "word %u is %#x", i, d[i]);
	/* every earlier handle is reached too */
	for (acd_fence_t g = 1; g <= f; g++)
		LIB_OK(acd_wait(ctx, g) == 0);

	acd_buffer_destroy(data);
	LIB_OK(acd_close(ctx) == 0);
	return 0;
}
