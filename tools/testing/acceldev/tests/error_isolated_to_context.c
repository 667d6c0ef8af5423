// SPDX-License-Identifier: GPL-2.0
/*
 * A per-context error does not disturb other contexts. Contexts A and B
 * on one device each have runs in flight on a slow device; A's runs are
 * interleaved with a faulting FILL (past the end of its buffer). A gets
 * EIO, B's 30 runs all complete with correct data, and a context opened
 * after the error (reusing the device's context slots) works too.
 */
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=50000")

#define RUNS 30

int main(void)
{
	int a = acc_open(0), b = acc_open(0);
	int ca = acc_create_buffer(a, 4096, BUFFER_TYPE_CODE, NULL);
	int cb = acc_create_buffer(b, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t sa, sb;
	int da = acc_create_buffer(a, 4096, BUFFER_TYPE_DATA, &sa);
	int db = acc_create_buffer(b, 4096, BUFFER_TYPE_DATA, &sb);
	uint32_t *cmda = acc_map(ca, 4096), *cmdb = acc_map(cb, 4096);
	uint32_t *d = acc_map(db, 4096);

	(void)da;
	/* A: run 0 good (bytes 0..39), run 1 faulting (bytes 40..79). */
	acc_put_fence(cmda, acc_put_fill(cmda, 0, 1, sa, 0, 4));
	acc_put_fence(cmda, acc_put_fill(cmda, 10, 1, sa, 0, 8192));
	for (int i = 0; i < RUNS; i++) {
		size_t w = i * 10;

		w = acc_put_fill(cmdb, w, 1000 + i, sb, i * 4, 4);
		acc_put_fence(cmdb, w);
		acc_run(b, cb, i * 40, 40);
		/* Once A's error is known, its RUNs fail with EIO. */
		errno = 0;
		CHECK_MSG(acc_try_run(a, ca, i == RUNS / 2 ? 40 : 0, 40) == 0 ||
			  (i > RUNS / 2 && errno == EIO),
			  "RUN %d on A: %s", i, acc_errname(errno));
	}
	acc_watchdog(60, "WAITs after another context's error");
	EXPECT_ERRNO(acc_try_wait(a, RUNS), EIO);
	acc_wait(b, RUNS);
	for (int i = 0; i < RUNS; i++)
		CHECK_MSG(d[i] == 1000u + i, "B word %d: %u", i, d[i]);

	int c = acc_open(0);
	int cc = acc_create_buffer(c, 4096, BUFFER_TYPE_CODE, NULL);

	acc_put_fence(acc_map(cc, 4096), 0);
	acc_run(c, cc, 0, 20);
	acc_wait(c, 1);
	return 0;
}
