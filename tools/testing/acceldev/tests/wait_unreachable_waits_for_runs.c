// SPDX-License-Identifier: GPL-2.0
/*
 * A WAIT for a fence that nothing submitted can reach waits for the
 * context's earlier runs before it answers. On a slow device (every
 * command starts 200 ms late):
 *  - garbage, then WAIT(1000000): fails with EIO, not before the garbage
 *    had time to run; the next RUN fails with EIO;
 *  - on a healthy context, NOPs, then WAIT(1000000): EINVAL once the NOPs
 *    ran, and the context still works; with nothing in flight the answer
 *    is immediate;
 *  - a signal ends that wait as it ends any WAIT (EINTR with a handler
 *    without SA_RESTART).
 */
// vmtest: timeout=60 tiers=debian,debug
#include <signal.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=200000")

/* Well below the 200 ms a command waits before it starts. */
#define MIN_WAIT_S	0.15

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	int bad = acc_open(0), ok = acc_open(0);
	int garbage = acc_create_buffer(bad, 4096, BUFFER_TYPE_CODE, NULL);
	int bnops = acc_create_buffer(bad, 4096, BUFFER_TYPE_CODE, NULL);
	int code = acc_create_buffer(ok, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *g = acc_map(garbage, 4096);
	uint32_t *bn = acc_map(bnops, 4096);
	uint32_t *c = acc_map(code, 4096);
	struct sigaction sa = { .sa_handler = on_alarm };
	double t0, dt;

	acc_watchdog(40, "WAIT for an unreachable fence");
	memset(g, 0xff, 4096);
	acc_put_nop(bn, 0);
	acc_put_fence(c, acc_put_nop(c, 0));	/* NOP, FENCE */

	/* Garbage: the WAIT sees the error it caused. */
	acc_run(bad, garbage, 0, 4096);
	t0 = acc_now();
	EXPECT_ERRNO(acc_try_wait(bad, 1000000), EIO);
	dt = acc_now() - t0;
	CHECK_MSG(dt >= MIN_WAIT_S, "WAIT(1000000) answered after %.3f s, "
		  "before the garbage could have run", dt);
	EXPECT_ERRNO(acc_try_run(bad, bnops, 0, ACC_CMD_BYTES), EIO);

	/* NOPs: EINVAL, but only once they ran. */
	acc_run(ok, code, 0, ACC_CMD_BYTES);
	t0 = acc_now();
	EXPECT_ERRNO(acc_try_wait(ok, 1000000), EINVAL);
	dt = acc_now() - t0;
	CHECK_MSG(dt >= MIN_WAIT_S, "WAIT(1000000) answered EINVAL after "
		  "%.3f s, before the NOPs could have run", dt);
	/* Nothing in flight: at once. */
	t0 = acc_now();
	EXPECT_ERRNO(acc_try_wait(ok, 1000000), EINVAL);
	dt = acc_now() - t0;
	CHECK_MSG(dt < MIN_WAIT_S, "WAIT(1000000) with nothing in flight took "
		  "%.3f s", dt);

	/* The context works: NOP + FENCE, fence 1. */
	acc_run(ok, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ok, 1);

	/* A signal ends the wait for the runs. */
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	for (int i = 0; i < 5; i++)
		acc_run(ok, code, 0, ACC_CMD_BYTES);
	ualarm(100 * 1000, 0);
	EXPECT_ERRNO(acc_try_wait(ok, 1000000), EINTR);
	EXPECT_ERRNO(acc_try_wait(ok, 1000000), EINVAL);
	acc_run(ok, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ok, 2);
	return 0;
}
