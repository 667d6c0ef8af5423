// SPDX-License-Identifier: GPL-2.0
/*
 * Closing a data buffer waits for the runs submitted before it on its
 * context. On a slow device, 40 runs each FILL a word of data buffer D1
 * and a word of D2 and FENCE. Then D1 is unmapped and closed while most
 * runs are still queued. If the close unbound D1 at once, the later
 * FILLs into its slot would fail (SLOT_ERROR) and the context would be
 * in error. So afterwards: WAIT on the last fence succeeds, and D2 holds
 * every value. The close took a while (it waited).
 */
// vmtest: timeout=120
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=50000")

#define RUNS 40

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t s1, s2;
	int d1 = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &s1);
	int d2 = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &s2);
	uint32_t *cmds = acc_map(code, 4096);
	uint32_t *m1 = acc_map(d1, 4096);
	uint32_t *m2 = acc_map(d2, 4096);
	double t0, took;

	for (int i = 0; i < RUNS; i++) {
		size_t w = i * 15;

		w = acc_put_fill(cmds, w, 100 + i, s1, i * 4, 4);
		w = acc_put_fill(cmds, w, 200 + i, s2, i * 4, 4);
		acc_put_fence(cmds, w);
		acc_run(ctx, code, i * 60, 60);
	}
	munmap(m1, 4096);	/* a mapping would keep the buffer alive */
	t0 = acc_now();
	CHECK(close(d1) == 0);
	took = acc_now() - t0;

	acc_watchdog(60, "WAIT on the last fence");
	acc_wait(ctx, RUNS);
	for (int i = 0; i < RUNS; i++)
		CHECK_MSG(m2[i] == 200u + i, "D2 word %d: %u", i, m2[i]);
	/* 80 device commands at >= 20 ms each were queued: close waited. */
	CHECK_MSG(took > 0.5, "close(D1) returned after %.3f s", took);
	return 0;
}
