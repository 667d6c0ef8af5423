// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs counters of /sys/class/acceldev/acceldevN follow what the
 * device does: contexts (open now), runs_submitted, fences_signalled,
 * context_errors; a context error is no device restart; and a device
 * that a buffer close synchronised shows nothing backlogged or queued.
 */
// vmtest: tiers=debian,debug
#include "acceldev_test.h"

#define RUNS 7

int main(void)
{
	long ctxs0 = acc_sysfs_read(0, "contexts");
	long runs0 = acc_sysfs_read(0, "runs_submitted");
	long fences0 = acc_sysfs_read(0, "fences_signalled");
	long errors0 = acc_sysfs_read(0, "context_errors");
	long restarts0 = acc_sysfs_read(0, "device_restarts");
	int ctx = acc_open(0), bad = acc_open(0);

	CHECK_MSG(acc_sysfs_read(0, "contexts") == ctxs0 + 2,
		  "contexts: %ld after two opens (was %ld)",
		  acc_sysfs_read(0, "contexts"), ctxs0);

	/* RUNS runs of 2 FENCEs each, then a WAIT for the last. */
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);

	acc_put_fence(cmds, acc_put_fence(cmds, 0));
	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, 2 * RUNS);
	CHECK_MSG(acc_sysfs_read(0, "runs_submitted") == runs0 + RUNS,
		  "runs_submitted: %ld, expected %ld",
		  acc_sysfs_read(0, "runs_submitted"), runs0 + RUNS);
	CHECK_MSG(acc_sysfs_read(0, "fences_signalled") == fences0 + 2 * RUNS,
		  "fences_signalled: %ld, expected %ld",
		  acc_sysfs_read(0, "fences_signalled"), fences0 + 2 * RUNS);

	/* One context error: a RUN of unknown user commands. */
	int bcode = acc_create_buffer(bad, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *bcmds = acc_map(bcode, 4096);

	memset(bcmds, 0xff, ACC_CMD_BYTES);
	acc_run(bad, bcode, 0, ACC_CMD_BYTES);
	acc_watchdog(30, "WAIT on a broken context");
	EXPECT_ERRNO(acc_try_wait(bad, 1), EIO);
	CHECK_MSG(acc_sysfs_read(0, "context_errors") == errors0 + 1,
		  "context_errors: %ld, expected %ld",
		  acc_sysfs_read(0, "context_errors"), errors0 + 1);
	CHECK_MSG(acc_sysfs_read(0, "device_restarts") == restarts0,
		  "a context error restarted the device");

	/* Closing a buffer waits for the context's runs: all done then. */
	munmap(cmds, 4096);
	close(code);
	CHECK_MSG(acc_sysfs_read(0, "runs_backlogged") == 0,
		  "runs_backlogged: %ld on an idle device",
		  acc_sysfs_read(0, "runs_backlogged"));
	/*
	 * The close waited for the context's runs, not for what the work fed
	 * after them (a FENCE, say): the device may take a moment longer to
	 * empty its queue. Seen once in a run: 1 right after the close.
	 */
	for (int i = 0; i < 100 && acc_sysfs_read(0, "queue_depth"); i++)
		usleep(10000);
	CHECK_MSG(acc_sysfs_read(0, "queue_depth") == 0,
		  "queue_depth: %ld a second after a synchronising close",
		  acc_sysfs_read(0, "queue_depth"));

	close(ctx);
	close(bad);
	munmap(bcmds, 4096);
	close(bcode);
	CHECK_MSG(acc_sysfs_read(0, "contexts") == ctxs0,
		  "contexts: %ld after closing both (was %ld)",
		  acc_sysfs_read(0, "contexts"), ctxs0);
	return 0;
}
