// SPDX-License-Identifier: GPL-2.0
/*
 * A WAIT in one thread is woken with EIO by an error caused by another
 * thread's RUN on the same context, and never sleeps past it.
 * On a slow device, the main thread submits 10 runs of NOP + FENCE
 * (20 commands, fences 1..10). A second thread WAITs for fence 20: a
 * legal number (20 commands were submitted) that will never be reached.
 * The main thread then submits a FILL into an unbound slot; when it
 * fails, the waiter must return EIO. Fence 10, reached before the error,
 * still WAITs successfully; new RUNs fail with EIO.
 */
// vmtest: timeout=120 tiers=debian,debug
#include <pthread.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=50000")

static int ctx;
static int wait_ret, wait_errno;

static void *waiter(void *arg)
{
	(void)arg;
	wait_ret = acc_try_wait(ctx, 20);
	wait_errno = errno;
	return NULL;
}

int main(void)
{
	pthread_t th;
	int code, bad;
	uint32_t *cmds, *bcmds;

	ctx = acc_open(0);
	code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	bad = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	cmds = acc_map(code, 4096);
	bcmds = acc_map(bad, 4096);
	acc_put_fence(cmds, acc_put_nop(cmds, 0));
	acc_put_fill(bcmds, 0, 5, 9, 0, 4);	/* slot 9: nothing bound */

	for (int i = 0; i < 10; i++)
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);

	acc_watchdog(60, "waiter thread not woken by the error");
	CHECK(pthread_create(&th, NULL, waiter, NULL) == 0);
	usleep(200 * 1000);	/* let it go to sleep */
	acc_run(ctx, bad, 0, ACC_CMD_BYTES);
	pthread_join(th, NULL);

	CHECK_MSG(wait_ret == -1 && wait_errno == EIO,
		  "WAIT(20) returned %d, errno %s; want EIO",
		  wait_ret, acc_errname(wait_errno));
	acc_wait(ctx, 10);
	EXPECT_ERRNO(acc_try_wait(ctx, 11), EIO);
	EXPECT_ERRNO(acc_try_run(ctx, code, 0, 2 * ACC_CMD_BYTES), EIO);
	return 0;
}
