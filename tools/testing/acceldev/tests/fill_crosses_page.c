// SPDX-License-Identifier: GPL-2.0
/*
 * Example 5: FILL of 6000 bytes of value 11 starting at byte 12 of a
 * 12 KiB data buffer, then FENCE. WAIT(1) succeeds; words 3..1502 hold
 * 11 (the range crosses the 4 KiB page boundary), the word after them
 * and every word before them are still 0.
 */
#include "acceldev_test.h"

#define SIZE (12 * 1024)

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot;
	int data = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, 4096);
	uint32_t *d = acc_map(data, SIZE);
	size_t w = 0;

	w = acc_put_fill(cmds, w, 11, slot, 12, 6000);
	w = acc_put_fence(cmds, w);
	acc_watchdog(30, "WAIT(1) after FILL");
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 1);

	for (size_t i = 0; i < SIZE / 4; i++) {
		uint32_t want = (i >= 3 && i < 3 + 6000 / 4) ? 11 : 0;

		CHECK_MSG(d[i] == want, "word %zu: got %u, want %u",
			  i, d[i], want);
	}
	CHECK(d[1503] == 0);
	return 0;
}
