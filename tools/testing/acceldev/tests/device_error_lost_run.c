// SPDX-License-Identifier: GPL-2.0
/*
 * Regression test: a WAIT for a run lost to a device-level error must end
 * promptly with EIO (DRIVER.md: "fail what cannot be completed", "a
 * waiter must never sleep past an error"), or with 0 if the run did
 * complete, its data then written. The model drops every 7th fed command
 * with FEED_ERROR. Contexts one after another submit 4 runs back to back
 * (run k FILLs word k and FENCEs), then WAIT for each, 600 times.
 *  - Up to 5d98dff/2943db0: when the dropped command is one of those
 *    RUNs, the next RUN of the same context still executes and its FENCE
 *    brings the fence counter to the lost run's number; WAIT returns 0
 *    for the lost run, whose word was never written (first batches).
 *  - Then a WAIT sometimes slept for good (2 hangs in 15 runs): the
 *    scan spent a USER_FENCE_WAIT pulled after it had read the counters.
 * On a hang the watchdog dumps the driver's debugfs queue and contexts.
 */
// vmtest: timeout=120
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("feed-error-every=7")

#define BATCH 4

static char where[80];

#define BATCHES 600

int main(void)
{
	int lost = 0, done = 0, failed = 0;

	acc_require_devices(1);
	/* @where says which call, as the loop goes; on a hang the watchdog
	 * also dumps the driver's debugfs state. */
	acc_watchdog(60, where);
	for (int b = 0; b < BATCHES && !lost; b++) {
		int ctx = acc_open(0);
		int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
		uint32_t slot;
		int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
		uint32_t *cmds = acc_map(code, 4096), *d = acc_map(data, 4096);
		int ok = 0;

		for (int k = 0; k < BATCH; k++)
			acc_put_fence(cmds, acc_put_fill(cmds, 10 * k, 0x700 + k,
							 slot, 4 * k, 4));
		for (int k = 0; k < BATCH; k++)
			if (acc_try_run(ctx, code, 40 * k, 40) != 0)
				CHECK_MSG(errno == EIO, "RUN: %s",
					  acc_errname(errno));
		for (int k = 0; k < BATCH; k++) {
			snprintf(where, sizeof(where), "WAIT(%d) of batch %d "
				 "(%d runs completed so far)", k + 1, b, done);
			if (acc_try_wait(ctx, k + 1) != 0) {
				CHECK_MSG(errno == EIO, "WAIT: %s",
					  acc_errname(errno));
				failed++;
				break;
			}
			if (d[k] != 0x700u + k) {
				printf("batch %d: WAIT(%d) returned 0 but run "
				       "%d never wrote (word %d is %#x)\n", b,
				       k + 1, k + 1, k, d[k]);
				lost++;
				break;
			}
			ok++;
		}
		done += ok;
		snprintf(where, sizeof(where), "close of batch %d", b);
		munmap(cmds, 4096);
		munmap(d, 4096);
		close(code);
		close(data);
		close(ctx);
	}
	printf("device_error_lost_run: runs_completed=%d "
	       "contexts_failed=%d lost_runs_reported_done=%d\n", done, failed,
	       lost);
	CHECK_MSG(lost == 0, "a WAIT returned 0 for a run that was lost");
	CHECK_MSG(failed > 0, "no device error seen: is the knob working?");
	return 0;
}
