// SPDX-License-Identifier: GPL-2.0
/*
 * A hung device fails the accel node's lost jobs (DRIVER.md: a device
 * that stops making progress is detected after hang_timeout_ms and reset;
 * only the contexts whose runs were lost fail; uapi/acceldev_accel.h: the
 * fence's error is -EIO when the device lost the RUN in a reset). With
 * hang_timeout_ms at 1500 and the model's "wedged" knob on device 0:
 *  - a FILL + FENCE job's out-fence signals within a few timeouts with
 *    status -EIO; WAIT(1) on that file is EIO, its next SUBMIT EIO;
 *  - a file whose job's fence had signalled before the hang is spared:
 *    once the device is unwedged its next job completes with its data;
 *  - a file opened afterwards works.
 */
// vmtest: timeout=90
#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

#define PARAM		"/sys/module/acceldev/parameters/hang_timeout_ms"
#define HANG_MS		1500
#define DETECT_S	(3.0 * HANG_MS / 1000 + 3)

int main(void)
{
	struct acc_actx idle, stuck;
	uint32_t s_idle, s_stuck;
	double t0, dt;
	int st;

	acc_accel_require(1);
	CHECK_MSG(access(PARAM, W_OK) == 0, "no writable %s", PARAM);
	acc_setting_write(PARAM, "1500");
	acc_actx_open(&idle, 0, 4096, 4096);
	acc_actx_open(&stuck, 0, 4096, 4096);
	s_idle = acc_syncobj_create(idle.fd, 0);
	s_stuck = acc_syncobj_create(stuck.fd, 0);
	acc_watchdog(60, "jobs on a hung device");

	acc_actx_fill_fence(&idle, 0x1d1e, s_idle);
	acc_syncobj_wait(idle.fd, s_idle, 30);
	acc_actx_check(&idle, 0x1d1e);

	acc_knob_set(0, "wedged", "true");
	acc_actx_fill_fence(&stuck, 0x57c4, s_stuck);
	t0 = acc_now();
	acc_syncobj_wait(stuck.fd, s_stuck, DETECT_S + 5);
	dt = acc_now() - t0;
	st = acc_syncobj_status(stuck.fd, s_stuck);
	printf("the stuck job's fence signalled after %.2f s, status %d\n", dt,
	       st);
	CHECK_MSG(st == -EIO, "stuck job's fence status %d, want -EIO", st);
	CHECK_MSG(dt >= HANG_MS / 1000.0 - 0.1 && dt < DETECT_S, "hang "
		  "declared after %.2f s with hang_timeout_ms=%d", dt, HANG_MS);
	EXPECT_ERRNO(acc_accel_try_wait(stuck.fd, 1, acc_deadline(10)), EIO);
	EXPECT_ERRNO(acc_accel_try_submit(stuck.fd, stuck.code, 0,
					  ACC_CMD_BYTES), EIO);

	/* The idle file was not failed. */
	memset(idle.d, 0, 4096);
	acc_actx_fill_fence(&idle, 0x1d1f, s_idle);
	acc_knob_set(0, "wedged", "false");
	acc_syncobj_wait(idle.fd, s_idle, 30);
	CHECK_MSG(acc_syncobj_status(idle.fd, s_idle) == 1, "idle file's job "
		  "failed: %d", acc_syncobj_status(idle.fd, s_idle));
	acc_accel_wait(idle.fd, 2);
	acc_actx_check(&idle, 0x1d1f);
	CHECK(acc_accel_param(idle.fd, DRM_ACCELDEV_PARAM_CONTEXT_ERROR) == 0);
	acc_accel_check_device_works(0);
	acc_watchdog(0, "");
	acc_actx_close(&idle);
	acc_actx_close(&stuck);
	return 0;
}
