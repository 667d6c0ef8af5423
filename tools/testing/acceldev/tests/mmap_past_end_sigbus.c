// SPDX-License-Identifier: GPL-2.0
/*
 * Example 8: mmap of 4 KiB more than a 12 KiB data buffer succeeds; the
 * buffer's own pages are readable and writable, but touching the extra
 * page (read or write) raises SIGBUS. Also for a code buffer, and for a
 * mapping at a page offset into the buffer.
 */
#include "acceldev_test.h"

#define SIZE (12 * 1024)

static void check_buffer(int bfd)
{
	volatile uint8_t *m = acc_map(bfd, SIZE + 4096);

	for (size_t off = 0; off < SIZE; off += 1024) {
		m[off] = 7;
		CHECK(m[off] == 7);
	}
	CHECK(!acc_touch_raises_sigbus(m + SIZE - 1, true));
	CHECK_MSG(acc_touch_raises_sigbus(m + SIZE, false),
		  "reading the page past the buffer gave no SIGBUS");
	CHECK_MSG(acc_touch_raises_sigbus(m + SIZE + 4095, true),
		  "writing the page past the buffer gave no SIGBUS");
	munmap((void *)m, SIZE + 4096);

	/* A mapping at offset 8 KiB: one good page, then the bad one. */
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 8192);
	CHECK_MSG(m != MAP_FAILED, "mmap at offset 8192: %s",
		  acc_errname(errno));
	CHECK(m[0] == 7);	/* byte 8192 of the buffer, written above */
	CHECK(acc_touch_raises_sigbus(m + 4096, false));
	munmap((void *)m, 8192);
}

int main(void)
{
	int ctx = acc_open(0);

	check_buffer(acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, NULL));
	check_buffer(acc_create_buffer(ctx, SIZE, BUFFER_TYPE_CODE, NULL));
	return 0;
}
