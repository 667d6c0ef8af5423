// SPDX-License-Identifier: GPL-2.0
/*
 * A device-level fault (a command dropped with FEED_ERROR: the model's
 * feed-error-every knob, while context X submits) takes the recovery
 * path, and contexts with nothing in flight never notice (DRIVER.md,
 * Errors from the device). Context A only bound a data buffer (its slot
 * content is written by the CPU); context B ran and waited for its work,
 * and a buffer close synchronised it. After the restart both carry on:
 * A's slot still works (FILL lands in the same buffer), B's RUNs run, and
 * context_errors did not move; X was failed with EIO.
 */
#include "acceldev_knobs.h"

/* RUN one-NOPs on @x until a FEED_ERROR restart fails it (EIO). */
static void fail_by_feed_error(void)
{
	int x = acc_open(0);
	int xc = acc_create_buffer(x, 4096, BUFFER_TYPE_CODE, NULL);
	int i;

	acc_knob_set(0, "feed-error-every", "3");
	for (i = 0; i < 1000; i++) {
		if (acc_try_run(x, xc, 0, ACC_CMD_BYTES) != 0)
			break;
		usleep(2000);
	}
	CHECK_MSG(i < 1000 && errno == EIO, "X's RUN %d: %s", i,
		  i < 1000 ? acc_errname(errno) : "never failed");
	acc_knob_set(0, "feed-error-every", "0");
	close(xc);
	close(x);
}

static void fill_and_check(int ctx, int code, uint32_t *cmds, uint32_t slot,
			   volatile uint32_t *words, uint32_t value,
			   uint32_t fence)
{
	acc_put_fence(cmds, acc_put_fill(cmds, 0, value, slot, 0, 4096));
	acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, fence);
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(words[i] == value, "word %d: %#x, not %#x", i,
			  words[i], value);
}

int main(void)
{
	long restarts0 = acc_sysfs_read(0, "device_restarts");
	long errors0 = acc_sysfs_read(0, "context_errors");
	uint32_t sa, sb;
	int a = acc_open(0), b = acc_open(0);
	int da = acc_create_buffer(a, 4096, BUFFER_TYPE_DATA, &sa);
	int db = acc_create_buffer(b, 4096, BUFFER_TYPE_DATA, &sb);
	int cb = acc_create_buffer(b, 4096, BUFFER_TYPE_CODE, NULL);
	int scratch = acc_create_buffer(b, 4096, BUFFER_TYPE_CODE, NULL);
	volatile uint32_t *wa = acc_map(da, 4096), *wb = acc_map(db, 4096);
	uint32_t *cmdb = acc_map(cb, 4096);

	acc_watchdog(60, "runs around a device restart");
	wa[0] = 0x1234;
	fill_and_check(b, cb, cmdb, sb, wb, 0xb0b0b0b0, 1);
	close(scratch);		/* synchronises B: its RUN is known done */

	fail_by_feed_error();
	CHECK_MSG(acc_wait_restarts(0, restarts0 + 1, 20),
		  "no device restart after FEED_ERROR");
	printf("device_restart_spares_idle: restarts=%ld\n",
	       acc_sysfs_read(0, "device_restarts") - restarts0);

	CHECK_MSG(wa[0] == 0x1234, "A's buffer changed: %#x", wa[0]);
	fill_and_check(b, cb, cmdb, sb, wb, 0x5a5a5a5a, 2);

	int ca = acc_create_buffer(a, 4096, BUFFER_TYPE_CODE, NULL);

	fill_and_check(a, ca, acc_map(ca, 4096), sa, wa, 0xa0a0a0a0, 1);
	CHECK_MSG(acc_sysfs_read(0, "context_errors") == errors0,
		  "a device error was counted as a context error");
	acc_check_device_works(0);
	return 0;
}
