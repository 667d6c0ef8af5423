// SPDX-License-Identifier: GPL-2.0
/*
 * Both devices at once: a thread per device opens 4 contexts, each with
 * a code buffer and two data buffers, and runs 50 rounds of FILLs with
 * values that name device, context and round, all in flight together on
 * /dev/acceldev0 and /dev/acceldev1. Every buffer ends with its own
 * values. A buffer fd of device 0 given as cfd on device 1 fails with
 * EINVAL (and the reverse).
 */
#include <pthread.h>

#include "acceldev_test.h"

#define CTXS 4
#define ROUNDS 50
#define DSIZE (16 * 1024)

static void *device_worker(void *arg)
{
	int dev = (int)(intptr_t)arg;
	int ctx[CTXS], code[CTXS];
	uint32_t *cmds[CTXS], *d[CTXS][2], slot[CTXS][2];

	for (int c = 0; c < CTXS; c++) {
		ctx[c] = acc_open(dev);
		code[c] = acc_create_buffer(ctx[c], ROUNDS * 60,
					    BUFFER_TYPE_CODE, NULL);
		cmds[c] = acc_map(code[c], ROUNDS * 60);
		for (int b = 0; b < 2; b++)
			d[c][b] = acc_map(acc_create_buffer(ctx[c], DSIZE,
						BUFFER_TYPE_DATA, &slot[c][b]),
					  DSIZE);
	}
	for (int r = 0; r < ROUNDS; r++) {
		for (int c = 0; c < CTXS; c++) {
			uint32_t v = dev << 24 | c << 16 | r;
			size_t w = r * 15;

			/* Round r writes word r of both buffers. */
			w = acc_put_fill(cmds[c], w, v, slot[c][0], r * 4, 4);
			w = acc_put_fill(cmds[c], w, ~v, slot[c][1], r * 4, 4);
			acc_put_fence(cmds[c], w);
			acc_run(ctx[c], code[c], r * 60, 60);
		}
	}
	for (int c = 0; c < CTXS; c++) {
		acc_wait(ctx[c], ROUNDS);
		for (int r = 0; r < ROUNDS; r++) {
			uint32_t v = dev << 24 | c << 16 | r;

			CHECK_MSG(d[c][0][r] == v && d[c][1][r] == ~v,
				  "device %d context %d word %d: %#x %#x",
				  dev, c, r, d[c][0][r], d[c][1][r]);
		}
		CHECK(d[c][0][ROUNDS] == 0 && d[c][1][ROUNDS] == 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[2];

	acc_require_devices(2);
	for (int dev = 0; dev < 2; dev++)
		CHECK(pthread_create(&th[dev], NULL, device_worker,
				     (void *)(intptr_t)dev) == 0);
	for (int dev = 0; dev < 2; dev++)
		pthread_join(th[dev], NULL);

	int c0 = acc_open(0), c1 = acc_open(1);
	int b0 = acc_create_buffer(c0, 4096, BUFFER_TYPE_CODE, NULL);
	int b1 = acc_create_buffer(c1, 4096, BUFFER_TYPE_CODE, NULL);

	acc_put_fence(acc_map(b0, 4096), 0);
	acc_put_fence(acc_map(b1, 4096), 0);
	EXPECT_ERRNO(acc_try_run(c1, b0, 0, 20), EINVAL);
	EXPECT_ERRNO(acc_try_run(c0, b1, 0, 20), EINVAL);
	acc_run(c0, b0, 0, 20);
	acc_run(c1, b1, 0, 20);
	acc_wait(c0, 1);
	acc_wait(c1, 1);
	return 0;
}
