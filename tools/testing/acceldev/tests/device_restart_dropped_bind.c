// SPDX-License-Identifier: GPL-2.0
/*
 * A BIND_SLOT lost to FEED_ERROR fails its context with EIO, like any
 * command given to the device and not known finished (DRIVER.md, Errors
 * from the device); a RUN never meets the empty slot. The model drops
 * every 7th command fed (feed-error-every=7). Round after round, a
 * context creates a data buffer (its BIND_SLOT is fed at once), RUNs
 * FILL + FENCE into it and WAITs. In between, another context's FENCE is
 * waited for: the driver has then handled a FEED_ERROR of the BIND_SLOT
 * (it was raised before that FENCE executed), so a dropped bind has failed
 * the context before its RUN. A round ends with 0 and the FILL in the
 * buffer, or with EIO (the context is then replaced), but never with a
 * context error: context_errors (SLOT_ERROR) does not move.
 */
// vmtest: timeout=120
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("feed-error-every=7")

#define ROUNDS 300

/*
 * A FENCE of another context, waited for: the driver has handled every
 * interrupt raised before it executed. That context is replaced when a
 * restart fails it.
 */
static void sync_driver(void)
{
	static int z = -1, zcode;
	static uint32_t zfence;

	if (z >= 0 && acc_try_run(z, zcode, 0, ACC_CMD_BYTES) == 0 &&
	    acc_try_wait(z, ++zfence) == 0)
		return;
	CHECK_MSG(z < 0 || errno == EIO, "the other context: %s",
		  acc_errname(errno));
	if (z >= 0) {
		close(zcode);
		close(z);
	}
	z = acc_open(0);
	zcode = acc_create_buffer(z, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(zcode, 4096);

	acc_put_fence(cmds, 0);
	munmap(cmds, 4096);
	zfence = 0;
	sync_driver();
}

int main(void)
{
	long errors0 = acc_sysfs_read(0, "context_errors");
	long restarts0 = acc_sysfs_read(0, "device_restarts");
	int ctx = acc_open(0), code, failed = 0, done = 0;
	uint32_t *cmds, fence = 0;

	acc_require_devices(1);
	acc_watchdog(100, "a WAIT after a dropped command");
	code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	cmds = acc_map(code, 4096);
	for (int r = 0; r < ROUNDS; r++) {
		uint32_t slot, value = 0x5100 + r;
		int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
		volatile uint32_t *words = acc_map(data, 4096);

		acc_put_fence(cmds, acc_put_fill(cmds, 0, value, slot, 0, 4096));
		sync_driver();
		if (acc_try_run(ctx, code, 0, 2 * ACC_CMD_BYTES) == 0 &&
		    acc_try_wait(ctx, ++fence) == 0) {
			for (int i = 0; i < 1024; i++)
				CHECK_MSG(words[i] == value, "round %d: word %d "
					  "is %#x", r, i, words[i]);
			done++;
		} else {
			CHECK_MSG(errno == EIO, "round %d: %s", r,
				  acc_errname(errno));
			CHECK_MSG(acc_sysfs_read(0, "context_errors") == errors0,
				  "round %d: the device reported a context "
				  "error (the slot was not bound)", r);
			failed++;
			munmap(cmds, 4096);
			close(code);
			close(ctx);
			ctx = acc_open(0);
			code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE,
						 NULL);
			cmds = acc_map(code, 4096);
			fence = 0;
		}
		munmap((void *)words, 4096);
		close(data);
	}
	printf("device_restart_dropped_bind: rounds_done=%d "
	       "contexts_failed=%d restarts=%ld\n", done, failed,
	       acc_sysfs_read(0, "device_restarts") - restarts0);
	CHECK_MSG(acc_sysfs_read(0, "device_restarts") > restarts0,
		  "no restart: is the knob working?");
	CHECK_MSG(acc_sysfs_read(0, "context_errors") == errors0,
		  "context errors were reported");
	munmap(cmds, 4096);
	close(code);
	close(ctx);
	return 0;
}
