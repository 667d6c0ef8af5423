// SPDX-License-Identifier: GPL-2.0
/*
 * Example 17: 40 threads, each with its own context, a 3 MiB code buffer
 * and a 3 MiB data buffer. Each FILLs its whole data buffer with its own
 * value, FENCEs, WAITs for fence 1 and checks every word. Even threads
 * use /dev/acceldev0, odd ones /dev/acceldev1.
 */
// vmtest: timeout=240
#include <pthread.h>

#include "acceldev_test.h"

#define THREADS 40
#define SIZE (3 * 1024 * 1024)

static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	int ctx = acc_open(t % 2 ? 1 : 0);
	int code = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_CODE, NULL);
	uint32_t slot;
	int data = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, SIZE);
	uint32_t *d = acc_map(data, SIZE);
	uint32_t value = 0xa0000000 + t;
	size_t w = 0;

	w = acc_put_fill(cmds, w, value, slot, 0, SIZE);
	w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);
	acc_wait(ctx, 1);
	for (size_t i = 0; i < SIZE / 4; i++)
		CHECK_MSG(d[i] == value, "thread %d word %zu: got %#x",
			  t, i, d[i]);

	munmap(cmds, SIZE);
	munmap(d, SIZE);
	close(data);
	close(code);
	close(ctx);
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];

	acc_require_devices(2);
	for (int t = 0; t < THREADS; t++)
		CHECK(pthread_create(&th[t], NULL, worker,
				     (void *)(intptr_t)t) == 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	return 0;
}
