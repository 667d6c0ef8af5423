// SPDX-License-Identifier: GPL-2.0
/*
 * Example 6: mmap of a data buffer. Bytes written through the mapping
 * read back; the rest of the buffer reads zero. A second, independent
 * mapping of the same buffer fd sees the same bytes (the mapping is
 * shared memory, not a private copy), and so does the device: a FILL of
 * another range leaves the written bytes alone.
 */
#include "acceldev_test.h"

#define SIZE (3 * 4096)

int main(void)
{
	static const char msg[] = "hello, acceldev";
	int ctx = acc_open(0);
	uint32_t slot;
	int data = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, &slot);
	uint8_t *m1 = acc_map(data, SIZE);
	uint8_t *m2 = acc_map(data, SIZE);

	memcpy(m1 + 5000, msg, sizeof(msg));
	m1[SIZE - 1] = 0xa5;

	CHECK(memcmp(m1 + 5000, msg, sizeof(msg)) == 0);
	CHECK(memcmp(m2 + 5000, msg, sizeof(msg)) == 0);
	CHECK(m2[SIZE - 1] == 0xa5);
	for (size_t i = 0; i < SIZE - 1; i++) {
		if (i >= 5000 && i < 5000 + sizeof(msg))
			continue;
		CHECK_MSG(m2[i] == 0, "byte %zu is %#x", i, m2[i]);
	}

	/* The device fills the first page; our bytes stay. */
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	size_t w = acc_put_fill(cmds, 0, 0x01010101, slot, 0, 4096);

	w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 1);
	CHECK(m1[0] == 1 && m1[4095] == 1 && m1[4096] == 0);
	CHECK(memcmp(m2 + 5000, msg, sizeof(msg)) == 0);
	CHECK(m2[SIZE - 1] == 0xa5);
	return 0;
}
