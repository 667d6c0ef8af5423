// SPDX-License-Identifier: GPL-2.0
/*
 * A new buffer starts zeroed: a 4 MiB data buffer reads fully as zero.
 * Then it is dirtied by the CPU (0xff everywhere) and by the device
 * (a FILL), closed, and new 4 MiB data and code buffers are created:
 * they too read fully as zero (freed memory is not handed out again
 * with old contents).
 */
#include "acceldev_test.h"

#define SIZE ACCELDEV_BUFFER_MAX_SIZE

static void check_zero(int bfd, const char *what)
{
	uint32_t *m = acc_map(bfd, SIZE);

	for (size_t i = 0; i < SIZE / 4; i++)
		CHECK_MSG(m[i] == 0, "%s: word %zu is %#x", what, i, m[i]);
	munmap(m, SIZE);
}

int main(void)
{
	for (int round = 0; round < 3; round++) {
		int ctx = acc_open(0);
		uint32_t slot;
		int data = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, &slot);
		int code = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_CODE, NULL);

		check_zero(data, "new data buffer");
		check_zero(code, "new code buffer");

		uint32_t *d = acc_map(data, SIZE);
		uint32_t *c = acc_map(code, SIZE);
		size_t w;

		memset(d, 0xff, SIZE);
		memset(c, 0xff, SIZE);
		w = acc_put_fill(c, 0, 0x5a5a5a5a, slot, 0, SIZE / 2);
		w = acc_put_fence(c, w);
		acc_run(ctx, code, 0, w * 4);
		acc_wait(ctx, 1);
		CHECK(d[0] == 0x5a5a5a5a && d[SIZE / 4 - 1] == 0xffffffff);

		munmap(d, SIZE);
		munmap(c, SIZE);
		close(data);
		close(code);
		close(ctx);
	}
	return 0;
}
