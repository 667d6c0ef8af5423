// SPDX-License-Identifier: GPL-2.0
/*
 * Example 12: 16 data buffers on one context succeed; a 17th fails
 * (ENOSPC or EBUSY); code buffers can still be created; another context
 * can still create a data buffer. Closing one data buffer frees its slot
 * for the next one, which gets that slot.
 */
#include "acceldev_test.h"

int main(void)
{
	int ctx = acc_open(0);
	int other = acc_open(0);
	int data[ACCELDEV_NUM_BUFFERS];
	uint32_t slot[ACCELDEV_NUM_BUFFERS], s;

	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++)
		data[i] = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA,
					    &slot[i]);

	EXPECT_ERRNO2(acc_try_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &s),
		      ENOSPC, EBUSY);
	close(acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL));
	close(acc_create_buffer(other, 4096, BUFFER_TYPE_DATA, NULL));

	/* Free the slot of buffer 5: exactly that slot comes back. */
	close(data[5]);
	data[5] = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &s);
	CHECK_MSG(s == slot[5], "freed slot %u, new buffer got slot %u",
		  slot[5], s);
	EXPECT_ERRNO2(acc_try_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &s),
		      ENOSPC, EBUSY);
	return 0;
}
