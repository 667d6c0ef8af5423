// SPDX-License-Identifier: GPL-2.0
/*
 * A buffer may outlive the fd of its context. On a slow device, RUNs
 * filling a data buffer are submitted, then the context fd is closed
 * while they are still pending. The runs still complete: their data
 * shows up in the existing mapping (allowing some seconds for it), and
 * both buffers can still be mapped afresh and read after the context is
 * gone; the code buffer too. Closing everything afterwards is clean, and
 * all 255 contexts can then be opened (nothing stays held).
 */
#include <sys/resource.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=50000")

#define RUNS 20

int main(void)
{
	struct rlimit rl = { 4096, 4096 };
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot;
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, 4096);
	volatile uint32_t *d = acc_map(data, 4096);
	int fds[ACCELDEV_MAX_CONTEXTS];

	for (int i = 0; i < RUNS; i++) {
		size_t w = acc_put_fill(cmds, i * 10, 500 + i, slot, i * 4, 4);

		acc_put_fence(cmds, w);
		acc_run(ctx, code, i * 40, 40);
	}
	CHECK(close(ctx) == 0);

	/* Runs submitted before the close complete. */
	for (int t = 0; t < 100 && d[RUNS - 1] != 500 + RUNS - 1; t++)
		usleep(100 * 1000);
	for (int i = 0; i < RUNS; i++)
		CHECK_MSG(d[i] == 500u + i, "word %d is %u after close", i,
			  d[i]);

	/* Fresh mappings of both buffers after the context is gone. */
	uint32_t *d2 = acc_map(data, 4096);
	uint32_t *c2 = acc_map(code, 4096);

	CHECK(d2[RUNS - 1] == 500 + RUNS - 1);
	CHECK(c2[0] == ACCELDEV_USER_CMD_TYPE_FILL && c2[1] == 500);
	d2[100] = 77;
	CHECK(d[100] == 77);

	munmap(d2, 4096);
	munmap(c2, 4096);
	munmap((void *)d, 4096);
	munmap(cmds, 4096);
	CHECK(close(data) == 0);
	CHECK(close(code) == 0);

	setrlimit(RLIMIT_NOFILE, &rl);
	for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++) {
		fds[i] = acc_try_open(0);
		CHECK_MSG(fds[i] >= 0, "open %d: %s", i + 1,
			  acc_errname(errno));
	}
	return 0;
}
