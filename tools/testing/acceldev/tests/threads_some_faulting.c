// SPDX-License-Identifier: GPL-2.0
/*
 * Example 18: as threads_own_contexts (40 threads, own context, 3 MiB
 * code and data buffers, FILL + FENCE, WAIT(1)), but every fifth thread
 * FILLs slot 19 (no such slot) and every fifth, shifted by two, FILLs
 * past the end of its buffer. Exactly those threads get EIO from WAIT;
 * every other thread succeeds and finds its data.
 */
// vmtest: timeout=240
#include <pthread.h>

#include "acceldev_test.h"

#define THREADS 40
#define SIZE (3 * 1024 * 1024)

enum kind { GOOD, BAD_SLOT, PAST_END };

static enum kind kind_of(int t)
{
	if (t % 5 == 1)
		return BAD_SLOT;
	if (t % 5 == 3)
		return PAST_END;
	return GOOD;
}

static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	enum kind k = kind_of(t);
	int ctx = acc_open(t % 2);
	int code = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_CODE, NULL);
	uint32_t slot;
	int data = acc_create_buffer(ctx, SIZE, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, SIZE);
	uint32_t *d = acc_map(data, SIZE);
	uint32_t value = 0xb0000000 + t;
	size_t w = 0;

	if (k == BAD_SLOT)
		w = acc_put_fill(cmds, w, value, 19, 0, SIZE);
	else if (k == PAST_END)
		w = acc_put_fill(cmds, w, value, slot, 4096, SIZE);
	else
		w = acc_put_fill(cmds, w, value, slot, 0, SIZE);
	w = acc_put_fence(cmds, w);
	acc_run(ctx, code, 0, w * 4);

	if (k != GOOD) {
		EXPECT_ERRNO(acc_try_wait(ctx, 1), EIO);
	} else {
		acc_wait(ctx, 1);
		for (size_t i = 0; i < SIZE / 4; i++)
			CHECK_MSG(d[i] == value, "thread %d word %zu: got %#x",
				  t, i, d[i]);
	}
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
