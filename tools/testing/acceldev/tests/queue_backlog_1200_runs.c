// SPDX-License-Identifier: GPL-2.0
/*
 * 1200 runs through a device queue shrunk to 4 entries and slowed down.
 * Each run FILLs a distinct value into a distinct word, writes its own
 * number into a shared "last" word, and FENCEs. The RUN ioctls must not
 * block on the full queue (the driver keeps the backlog, in order). Then:
 * WAIT(600) returns with the first 600 words written; WAIT(1200) returns,
 * every word holds its value, and the "last" word holds the number of the
 * last run (so the runs executed in submission order).
 * queue_backlog_free_off_by_one runs this same program on a device that
 * over-reports its free queue entries by one.
 */
// vmtest: timeout=300 tiers=debian,debug
#include "acceldev_knobs.h"

/*
 * queue_backlog_free_off_by_one adds free-off-by-one to these, and FREE
 * then reads one more on the idle device.
 */
#ifndef QUEUE_BACKLOG_KNOBS
#define QUEUE_BACKLOG_KNOBS "queue-size=4,cmd-delay-us=50"
#define QUEUE_BACKLOG_FREE 4
#endif
ACC_DEVICE_KNOBS(QUEUE_BACKLOG_KNOBS)

#define RUNS 1200
#define RUN_BYTES (3 * ACC_CMD_BYTES)
#define LAST_WORD RUNS

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, RUNS * RUN_BYTES, BUFFER_TYPE_CODE,
				     NULL);
	uint32_t slot;
	int data = acc_create_buffer(ctx, (RUNS + 1) * 4, BUFFER_TYPE_DATA,
				     &slot);
	uint32_t *cmds = acc_map(code, RUNS * RUN_BYTES);
	uint32_t *d = acc_map(data, (RUNS + 1) * 4);
	double t0, submit_time;

	for (uint32_t i = 0; i < RUNS; i++) {
		size_t w = i * RUN_BYTES / 4;

		w = acc_put_fill(cmds, w, 0x10000 + i * 7, slot, i * 4, 4);
		w = acc_put_fill(cmds, w, i, slot, LAST_WORD * 4, 4);
		acc_put_fence(cmds, w);
	}

	acc_watchdog(280, "WAIT for the backlog of runs");
	t0 = acc_now();
	for (uint32_t i = 0; i < RUNS; i++)
		acc_run(ctx, code, i * RUN_BYTES, RUN_BYTES);
	submit_time = acc_now() - t0;

	acc_wait(ctx, RUNS / 2);
	for (uint32_t i = 0; i < RUNS / 2; i++)
		CHECK_MSG(d[i] == 0x10000 + i * 7,
			  "after WAIT(%d), word %u is %#x", RUNS / 2, i, d[i]);
	acc_wait(ctx, RUNS);
	for (uint32_t i = 0; i < RUNS; i++)
		CHECK_MSG(d[i] == 0x10000 + i * 7, "word %u is %#x", i, d[i]);
	CHECK_MSG(d[LAST_WORD] == RUNS - 1, "last word is %u", d[LAST_WORD]);
	printf("submitted %d runs in %.2f s, all done after %.2f s\n",
	       RUNS, submit_time, acc_now() - t0);

	/* Nothing went wrong on the way: the context is not in error. */
	acc_run(ctx, code, 0, RUN_BYTES);
	acc_wait(ctx, RUNS + 1);

	/* The queue was the small one (the driver's debugfs, if any). */
	long room = acc_device_free(0);

	CHECK_MSG(room < 0 || room == QUEUE_BACKLOG_FREE, "the idle device's "
		  "FREE reads %ld, not %d: queue-size not in effect", room,
		  QUEUE_BACKLOG_FREE);
	return 0;
}
