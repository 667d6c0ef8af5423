// SPDX-License-Identifier: GPL-2.0
/*
 * Example 2: one CODE buffer and 16 DATA buffers on a context. The data
 * buffers get 16 distinct slots in 0..15; the code buffer takes no slot
 * (otherwise the 16th data buffer would not fit). Each slot really names
 * its buffer: a FILL into each slot lands in the matching buffer.
 */
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	int data[ACCELDEV_NUM_BUFFERS];
	uint32_t slot[ACCELDEV_NUM_BUFFERS];
	bool seen[ACCELDEV_NUM_BUFFERS] = { false };
	size_t w = 0;

	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++) {
		data[i] = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA,
					    &slot[i]);
		CHECK_MSG(!seen[slot[i]], "slot %u given twice", slot[i]);
		seen[slot[i]] = true;
		/* Buffer i gets value 100 + i in its first word. */
		w = acc_put_fill(cmds, w, 100 + i, slot[i], 0, 4);
	}
	w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 1);

	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++) {
		uint32_t *d = acc_map(data[i], 4096);

		CHECK_MSG(d[0] == 100u + i, "buffer %d (slot %u) holds %u",
			  i, slot[i], d[0]);
		CHECK(d[1] == 0);
	}
	return 0;
}
