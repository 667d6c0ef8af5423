// SPDX-License-Identifier: GPL-2.0
/*
 * libacceldev: 12 threads submit on one context at once, each FILL +
 * FENCE into its own data buffer, 100 rounds, and wait for their own
 * fence handle; every round's data is checked. Small code buffers
 * (4 KiB, at most 2) make the threads hit stream growth and reuse.
 */
#include <pthread.h>

#include "lib_test.h"

#define THREADS 12
#define ROUNDS 100
#define SIZE 8192

static struct acd_ctx *ctx;

static void *worker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	struct acd_buffer *buf = acd_buffer_create(ctx, ACD_BUFFER_DATA, SIZE);
	uint32_t *d;

	LIB_OK(buf);
	d = acd_buffer_map(buf);
	for (uint32_t r = 0; r < ROUNDS; r++) {
		uint32_t value = (uint32_t)id << 16 | r;
		acd_fence_t f;

		LIB_OK(acd_fill(ctx, buf, value, 0, SIZE) == 0);
		LIB_OK(acd_fence(ctx, &f) == 0);
		LIB_OK(acd_wait(ctx, f) == 0);
		for (int i = 0; i < SIZE / 4; i++)
			CHECK_MSG(d[i] == value, "thread %lu round %u word %d:"
				  " %#x", (unsigned long)id, r, i, d[i]);
	}
	acd_buffer_destroy(buf);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];

	lib_require_devices(1);
	acc_watchdog(50, "threads on one context");
	ctx = lib_open(0);
	LIB_OK(ctx);
	LIB_OK(acd_stream_setup(ctx, 4096, 2) == 0);
	for (uintptr_t i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK_MSG(acd_fence_last(ctx) >= THREADS * ROUNDS, "%llu fences",
		  (unsigned long long)acd_fence_last(ctx));
	LIB_OK(acd_close(ctx) == 0);
	return 0;
}
