// SPDX-License-Identifier: GPL-2.0
/*
 * libacceldev: FILL + FENCE + wait. Fence handles count 1, 2, ...;
 * acd_wait() submits what is still appended; the filled words hold the
 * value and their neighbours stay 0; a reached fence and fence 0 return
 * at once; a handle never returned is EINVAL; bad FILL arguments are
 * EINVAL and append nothing.
 */
#include "lib_test.h"

int main(void)
{
	struct acd_ctx *ctx, *other;
	struct acd_buffer *a, *b, *foreign, *code;
	acd_fence_t f1, f2;
	uint32_t *pa, *pb;

	lib_require_devices(1);
	ctx = lib_open(0);
	other = lib_open(0);
	LIB_OK(ctx && other);
	a = acd_buffer_create(ctx, ACD_BUFFER_DATA, 3 * 4096);
	b = acd_buffer_create(ctx, ACD_BUFFER_DATA, 4096);
	foreign = acd_buffer_create(other, ACD_BUFFER_DATA, 4096);
	code = acd_buffer_create(ctx, ACD_BUFFER_CODE, 4096);
	LIB_OK(a && b && foreign && code);
	pa = acd_buffer_map(a);
	pb = acd_buffer_map(b);

	/* FILL 6000 bytes from byte 12 (crosses a page) and all of b */
	CHECK(acd_nop(ctx) == 0);
	CHECK(acd_fill(ctx, a, 11, 12, 6000) == 0);
	CHECK(acd_fence(ctx, &f1) == 0);
	CHECK(acd_fill(ctx, b, 0xdeadbeef, 0, 4096) == 0);
	CHECK(acd_fence(ctx, &f2) == 0);
	CHECK_MSG(f1 == 1 && f2 == 2, "handles %llu %llu",
		  (unsigned long long)f1, (unsigned long long)f2);
	CHECK(acd_fence_last(ctx) == 2);

	/* not submitted yet: acd_wait() submits */
	LIB_OK(acd_wait(ctx, f2) == 0);
	for (int i = 0; i < 3 * 1024; i++)
		CHECK_MSG(pa[i] == (i >= 3 && i < 3 + 1500 ? 11u : 0u),
			  "a word %d is %u", i, pa[i]);
	for (int i = 0; i < 1024; i++)
		CHECK(pb[i] == 0xdeadbeef);

	CHECK(acd_wait(ctx, f1) == 0);
	CHECK(acd_wait(ctx, 0) == 0);
	EXPECT_ERRNO(acd_wait(ctx, 3), EINVAL);
	CHECK_MSG(strstr(acd_error(), "never appended"), "'%s'", acd_error());
	EXPECT_ERRNO(acd_wait(ctx, ~0ull), EINVAL);

	EXPECT_ERRNO(acd_fill(ctx, a, 1, 2, 4), EINVAL);	/* offset */
	EXPECT_ERRNO(acd_fill(ctx, a, 1, 0, 6), EINVAL);	/* length */
	EXPECT_ERRNO(acd_fill(ctx, a, 1, 0, 3 * 4096 + 4), EINVAL);
	EXPECT_ERRNO(acd_fill(ctx, a, 1, 0xfffffffc, 8), EINVAL);
	EXPECT_ERRNO(acd_fill(ctx, foreign, 1, 0, 4), EINVAL);
	EXPECT_ERRNO(acd_fill(ctx, code, 1, 0, 4), EINVAL);
	EXPECT_ERRNO(acd_fill(ctx, NULL, 1, 0, 4), EINVAL);

	/* nothing was appended by the failures: the next fence is 3 */
	CHECK(acd_fill(ctx, a, 7, 3 * 4096 - 4, 4) == 0);
	CHECK(acd_fence(ctx, &f1) == 0 && f1 == 3);
	CHECK(acd_submit(ctx) == 0);
	CHECK(acd_submit(ctx) == 0);	/* nothing left: no RUN */
	CHECK(acd_wait(ctx, f1) == 0);
	CHECK(pa[3 * 1024 - 1] == 7 && pa[3 * 1024 - 2] == 0);

	acd_buffer_destroy(a);
	acd_buffer_destroy(b);
	acd_buffer_destroy(code);
	acd_buffer_destroy(foreign);
	CHECK(acd_close(ctx) == 0);
	CHECK(acd_close(other) == 0);
	return 0;
}
