// SPDX-License-Identifier: GPL-2.0
/*
 * Reproducer: after a device-level error, WAIT can return 0 for a run
 * that never executed. The model drops every 7th fed command with
 * FEED_ERROR. One context submits 4 runs back to back (run k FILLs word k
 * and FENCEs), then WAITs for each. When the dropped command is one of
 * those RUNs, the next RUN of the same context still executes and its
 * FENCE raises the context's fence counter to the number the lost run's
 * FENCE would have had: the driver fails the context in its restart, but
 * WAIT checks "fence reached" before "context broken" and returns 0 for
 * the lost run. DRIVER.md: device-level errors must "fail what cannot be
 * completed"; a WAIT of 0 says the run completed, and its data is not
 * there. Expected: every WAIT returns 0 with its word written, or EIO.
 */
// vmtest: device-opts=feed-error-every=7 timeout=120
#include "acceldev_test.h"

#define BATCH 4
#define BATCHES 200

int main(void)
{
	int lost = 0, done = 0, failed = 0;

	acc_require_devices(1);
	acc_watchdog(100, "WAIT after a device-level error");
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
		munmap(cmds, 4096);
		munmap(d, 4096);
		close(code);
		close(data);
		close(ctx);
	}
	printf("device_error_lost_run_wait_succeeds: runs_completed=%d "
	       "contexts_failed=%d lost_runs_reported_done=%d\n", done, failed,
	       lost);
	CHECK_MSG(lost == 0, "a WAIT returned 0 for a run that was lost");
	CHECK_MSG(failed > 0, "no device error seen: is the knob working?");
	return 0;
}
