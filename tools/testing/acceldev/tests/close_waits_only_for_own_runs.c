// SPDX-License-Identifier: GPL-2.0
/*
 * Close waits for its own context's runs only. On a slow device (every
 * command starts 100 ms late) context B queues 4 s of runs; context A,
 * which runs nothing, then creates and closes a data buffer (its bind and
 * unbind queue up behind B's runs), a code buffer, and itself: each close
 * returns at once. B's own close still waits for B's runs.
 */
// vmtest: timeout=60 tiers=debian
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=100000")

#define RUNS		40	/* 4 s of work */
#define AT_ONCE_S	0.5

int main(void)
{
	int b = acc_open(0);
	int bcode = acc_create_buffer(b, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(bcode, 4096);
	double dt;

	acc_watchdog(40, "closes next to another context's work");
	acc_put_nop(cmds, 0);
	for (int i = 0; i < RUNS; i++)
		acc_run(b, bcode, 0, ACC_CMD_BYTES);

	int a = acc_open(0);
	uint32_t slot;
	int data = acc_create_buffer(a, 8192, BUFFER_TYPE_DATA, &slot);
	int code = acc_create_buffer(a, 4096, BUFFER_TYPE_CODE, NULL);

	dt = acc_timed_close(data);
	CHECK_MSG(dt < AT_ONCE_S, "closing a data buffer of an idle context "
		  "took %.2f s: it waited for another context's runs", dt);
	dt = acc_timed_close(code);
	CHECK_MSG(dt < AT_ONCE_S, "closing a code buffer took %.2f s", dt);

	/* A data buffer still bound when its idle context closes. */
	data = acc_create_buffer(a, 4096, BUFFER_TYPE_DATA, &slot);
	dt = acc_timed_close(a);
	CHECK_MSG(dt < AT_ONCE_S, "closing an idle context took %.2f s: it "
		  "waited for another context's runs", dt);
	dt = acc_timed_close(data);
	CHECK_MSG(dt < AT_ONCE_S, "closing a buffer that outlived its idle "
		  "context took %.2f s", dt);

	/* B's close waits for B's runs (its code buffer outlives it). */
	dt = acc_timed_close(b);
	printf("B's close waited %.2f s for its runs\n", dt);
	CHECK_MSG(dt > 1.0, "B's close returned after %.2f s, before its "
		  "runs could have finished", dt);
	munmap(cmds, 4096);
	dt = acc_timed_close(bcode);
	CHECK_MSG(dt < AT_ONCE_S, "closing B's code buffer after B took "
		  "%.2f s", dt);
	acc_watchdog(0, "");
	acc_check_device_works(0);
	return 0;
}
