// SPDX-License-Identifier: GPL-2.0
/*
 * Device-level faults under load. The model drops every 29th command fed
 * to it with FEED_ERROR (knob feed-error-every), which takes the recovery
 * path, and, through debugfs (inject_bad_command), the driver is made to
 * feed invalid device commands every 0.3 s (CMD_ERROR no context
 * explains), which must harm nobody.
 * Meanwhile 3 processes x 4 threads on both devices run the load engine
 * (acceldev_stress.h, faults mode: several FILL + FENCE runs in flight
 * per context, random buffers, own and shared contexts). Checked:
 *  - every WAIT returns 0 or EIO (nothing hangs: watchdog); after 0 the
 *    run's words hold its value (verified word by word), after EIO the
 *    words of a run hold the old value or the run's, the context stays
 *    broken (RUN is EIO), and a new context is opened in its place;
 *  - restarts happened (sysfs device_restarts grew) and contexts failed;
 *  - contexts that were idle the whole time (a run done and waited for
 *    before the load) were not failed: a new run on each works;
 *  - afterwards new contexts work on both devices.
 * ACCELDEV_LONG=1: 90 s of load (default 8 s). ACCELDEV_LOAD_SEED replays.
 * (The knob's setting is device_error_recovery's: one VM for both.)
 */
// vmtest: timeout=120
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("feed-error-every=29")

#define IDLE 4	/* idle contexts per device */

struct idle_ctx {
	int fd, code, data;
	uint32_t slot, *cmds, *words;
};

static void idle_open(struct idle_ctx *c, int dev)
{
	c->fd = acc_open(dev);
	c->code = acc_create_buffer(c->fd, 4096, BUFFER_TYPE_CODE, NULL);
	c->data = acc_create_buffer(c->fd, 4096, BUFFER_TYPE_DATA, &c->slot);
	c->cmds = acc_map(c->code, 4096);
	c->words = acc_map(c->data, 4096);
}

static void idle_close(struct idle_ctx *c)
{
	munmap(c->cmds, 4096);
	munmap(c->words, 4096);
	CHECK(close(c->code) == 0 && close(c->data) == 0 && close(c->fd) == 0);
}

/*
 * FILL the data buffer with @value and FENCE, WAIT(@fence): true with
 * every word checked, false on EIO (a device fault hit this very run, or
 * RUN refused: the context was failed before, also by a fault that may
 * have dropped its data buffer's BIND_SLOT).
 */
static bool idle_try(struct idle_ctx *c, uint32_t fence, uint32_t value)
{
	acc_put_fence(c->cmds, acc_put_fill(c->cmds, 0, value, c->slot, 0,
					    4096));
	if (acc_try_run(c->fd, c->code, 0, 2 * ACC_CMD_BYTES) != 0) {
		CHECK_MSG(errno == EIO, "RUN (fence %u): %s", fence,
			  acc_errname(errno));
		return false;
	}
	if (acc_try_wait(c->fd, fence) != 0) {
		CHECK_MSG(errno == EIO, "WAIT: %s", acc_errname(errno));
		return false;
	}
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(c->words[i] == value, "word %d: %#x, want %#x", i,
			  c->words[i], value);
	return true;
}

int main(void)
{
	struct acc_load L = {
		.mode = ACC_LOAD_FAULTS,
		.procs = 3,
		.threads = 4,
		.ndevs = 2,
		.seconds = ACC_SETTING(8, 90),
		.seed = acc_seed("ACCELDEV_LOAD_SEED"),
	};
	struct idle_ctx idle[2][IDLE];
	long restarts0[2], restarts[2];
	int injections = 0, idle_failed = 0;
	bool can_inject;
	double t0;

	acc_require_devices(2);
	printf("stress_device_faults: seed=%#llx\n",
	       (unsigned long long)L.seed);
	for (int d = 0; d < 2; d++) {
		restarts0[d] = acc_sysfs_read(d, "device_restarts");
		for (int i = 0; i < IDLE; i++) {
			/* Device errors may hit these runs too: retry. */
			for (;;) {
				idle_open(&idle[d][i], d);
				if (idle_try(&idle[d][i], 1, 0x1d1e))
					break;
				idle_close(&idle[d][i]);
			}
		}
	}
	for (int d = 0; d < 2; d++)
		printf("stress_device_faults: dev%d restarts_during_idle_setup="
		       "%ld\n", d, acc_sysfs_read(d, "device_restarts") -
		       restarts0[d]);
	can_inject = acc_debugfs_write(0, "inject_bad_command", "0") == 0 ||
		     errno != ENOENT;

	acc_watchdog((unsigned int)L.seconds * 3 + 60,
		     "the load under device faults");
	t0 = acc_now();
	acc_load_start(&L);
	while (can_inject && acc_now() - t0 < L.seconds) {
		usleep(300 * 1000);
		for (int d = 0; d < 2; d++)
			CHECK_MSG(acc_debugfs_write(d, "inject_bad_command",
						    "2") == 0,
				  "inject_bad_command: %s", acc_errname(errno));
		injections += 2;
	}
	acc_load_finish(&L);
	acc_load_print("stress_device_faults", &L);
	for (int d = 0; d < 2; d++)
		restarts[d] = acc_sysfs_read(d, "device_restarts") -
			      restarts0[d];
	printf("stress_device_faults: restarts_dev0=%ld restarts_dev1=%ld "
	       "debugfs_injections=%d%s wall_s=%.1f\n", restarts[0],
	       restarts[1], injections,
	       can_inject ? "" : " (no inject_bad_command: not used)",
	       acc_now() - t0);

	CHECK_MSG(restarts[0] > 0 && restarts[1] > 0,
		  "no device restart on some device: is the knob working?");
	CHECK_MSG(L.st->contexts_failed > 0, "no context failed");
	CHECK_MSG(L.st->runs_done > 100, "only %llu runs completed",
		  (unsigned long long)L.st->runs_done);

	/* Idle the whole time: not failed by the restarts (their RUN is
	 * accepted); a fault may still hit this new run itself. */
	for (int d = 0; d < 2; d++)
		for (int i = 0; i < IDLE; i++) {
			struct idle_ctx *c = &idle[d][i];
			int r = acc_try_run(c->fd, c->code, 0, ACC_CMD_BYTES);

			if (r != 0) {
				CHECK_MSG(errno == EIO, "RUN: %s",
					  acc_errname(errno));
				idle_failed++;
				printf("stress_device_faults: idle context %d of "
				       "device %d was failed\n", i, d);
			} else {
				idle_try(c, 2, 0x2d2e);
			}
			idle_close(c);
		}
	CHECK_MSG(!idle_failed, "%d of %d idle contexts (nothing in flight) "
		  "were failed by the restarts", idle_failed, 2 * IDLE);
	acc_watchdog(0, "");
	/* The knob keeps dropping commands: a few fresh contexts. */
	for (int d = 0; d < 2; d++) {
		bool ok = false;

		for (int i = 0; i < 10 && !ok; i++) {
			struct idle_ctx c;

			idle_open(&c, d);
			ok = idle_try(&c, 1, 0xf00d);
			idle_close(&c);
		}
		CHECK_MSG(ok, "device %d: 10 new contexts in a row failed", d);
	}
	return 0;
}
