// SPDX-License-Identifier: GPL-2.0
/*
 * Example 16: 12 threads share one context and one code buffer; each has
 * its own data buffer and its own 40-byte region of the code buffer
 * (FILL + FENCE). Under a user-space lock a thread takes the next fence
 * number and RUNs its region; then, outside the lock, it WAITs for its
 * number and checks its data. Ten rounds per thread, a new value each
 * round.
 */
#include <pthread.h>

#include "acceldev_test.h"

#define THREADS 12
#define ROUNDS 10
#define DATA_SIZE (64 * 1024)

static int ctx, code;
static uint32_t *cmds;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t next_fence;

static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;
	uint32_t slot;
	int data = acc_create_buffer(ctx, DATA_SIZE, BUFFER_TYPE_DATA, &slot);
	uint32_t *d = acc_map(data, DATA_SIZE);
	size_t base = t * 2 * ACCELDEV_USER_CMD_WORDS;

	for (int r = 0; r < ROUNDS; r++) {
		uint32_t value = t * 1000 + r + 1, fence;

		/* Our region is idle: our previous run was waited for. */
		acc_put_fill(cmds, base, value, slot, 0, DATA_SIZE);
		acc_put_fence(cmds, base + ACCELDEV_USER_CMD_WORDS);

		pthread_mutex_lock(&lock);
		fence = ++next_fence;
		acc_run(ctx, code, base * 4, 2 * ACC_CMD_BYTES);
		pthread_mutex_unlock(&lock);

		acc_wait(ctx, fence);
		for (size_t i = 0; i < DATA_SIZE / 4; i++)
			CHECK_MSG(d[i] == value, "thread %d round %d word %zu:"
				  " got %u want %u", t, r, i, d[i], value);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];

	ctx = acc_open(0);
	code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	cmds = acc_map(code, 4096);

	for (int t = 0; t < THREADS; t++)
		CHECK(pthread_create(&th[t], NULL, worker,
				     (void *)(intptr_t)t) == 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	CHECK(next_fence == THREADS * ROUNDS);
	acc_wait(ctx, next_fence);
	return 0;
}
