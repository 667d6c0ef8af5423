// SPDX-License-Identifier: GPL-2.0
/*
 * Context errors are never taken for device-level errors. Threads break
 * contexts in all three ways (unknown user command: CMD_ERROR; FILL past
 * the end: MEM_ERROR; FILL to an unbound slot: SLOT_ERROR) and race the
 * driver's interrupt work with their own WAIT, which reads the context's
 * status too and often sees the error first. A bystander keeps
 * running FILL + FENCE meanwhile: it must never see EIO, the device must
 * never restart, and context_errors must count every broken context once.
 * (Regression: a WAIT that saw the error first made the work take the
 * CMD_ERROR for a bad device command and restart, failing the bystander.)
 */
// vmtest: tiers=debian,debug
#include <pthread.h>

#include "acceldev_test.h"

#define THREADS 4

static int rounds = 25;
static volatile int stop;

static void *breaker(void *arg)
{
	int kind = (int)(long)arg % 3;

	for (int r = 0; r < rounds; r++) {
		int ctx = acc_open(0);
		uint32_t slot;
		int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
		int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
		uint32_t *cmds = acc_map(code, 4096);

		if (kind == 0)
			memset(cmds, 0xff, ACC_CMD_BYTES);
		else if (kind == 1)
			acc_put_fill(cmds, 0, 7, slot, 0, 8192);
		else
			acc_put_fill(cmds, 0, 7, (slot + 1) % 16, 0, 4);
		acc_put_fence(cmds, 5);
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
		/*
		 * Race the work: WAIT reads the status itself, then RUN must
		 * see the error too.
		 */
		EXPECT_ERRNO(acc_try_wait(ctx, 1), EIO);
		EXPECT_ERRNO(acc_try_run(ctx, code, 0, 2 * ACC_CMD_BYTES), EIO);
		munmap(cmds, 4096);
		close(code);
		close(data);
		close(ctx);
	}
	return NULL;
}

static void *bystander(void *arg)
{
	int ctx = acc_open(0);
	uint32_t slot;
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, 4096);
	volatile uint32_t *words = acc_map(data, 4096);
	uint32_t fence = 0;

	(void)arg;
	while (!stop) {
		uint32_t i = fence % 1024;

		acc_put_fence(cmds, acc_put_fill(cmds, 0, fence + 1, slot,
						 4 * i, 4));
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
		/* Fails the test on EIO: the bystander did nothing wrong. */
		acc_wait(ctx, ++fence);
		CHECK_MSG(words[i] == fence, "bystander word %u: %u, not %u",
			  i, words[i], fence);
	}
	printf("user_errors_no_restart: bystander_runs=%u\n", fence);
	close(code);
	close(data);
	close(ctx);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS], by;
	long errors0 = acc_sysfs_read(0, "context_errors");
	long restarts0 = acc_sysfs_read(0, "device_restarts");
	long errors;

	if (getenv("ACCELDEV_LONG") && atoi(getenv("ACCELDEV_LONG")))
		rounds = 250;
	acc_watchdog(120 + rounds, "breaking contexts");
	pthread_create(&by, NULL, bystander, NULL);
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, breaker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	stop = 1;
	pthread_join(by, NULL);

	errors = acc_sysfs_read(0, "context_errors") - errors0;
	printf("user_errors_no_restart: contexts_broken=%d context_errors=%ld restarts=%ld\n",
	       THREADS * rounds, errors,
	       acc_sysfs_read(0, "device_restarts") - restarts0);
	CHECK_MSG(errors == THREADS * rounds,
		  "context_errors grew by %ld for %d broken contexts", errors,
		  THREADS * rounds);
	CHECK_MSG(acc_sysfs_read(0, "device_restarts") == restarts0,
		  "the device restarted after context errors");
	return 0;
}
