// SPDX-License-Identifier: GPL-2.0
/*
 * A job's fence signals with the job's error (uapi/acceldev_accel.h,
 * struct drm_acceldev_submit: -EIO when the context went into error), on
 * a slow device (100 ms a command): a job of garbage commands and a NOP +
 * FENCE job queued behind it on the same file both signal (SYNCOBJ_WAIT
 * returns) with status -EIO (SYNC_IOC_FILE_INFO of the exported
 * sync_file); the file's next SUBMIT is EIO. Another file's job, queued
 * behind them, signals with status 1 and its data is right.
 */
// vmtest: timeout=60
#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

ACC_DEVICE_KNOBS("cmd-delay-us=100000")

int main(void)
{
	struct acc_actx bad, good;
	uint32_t s_garbage, s_after, s_good;
	int st;

	acc_actx_open(&bad, 0, 8192, 4096);
	acc_actx_open(&good, 0, 4096, 4096);
	acc_watchdog(50, "error fences on the accel node");
	s_garbage = acc_syncobj_create(bad.fd, 0);
	s_after = acc_syncobj_create(bad.fd, 0);
	s_good = acc_syncobj_create(good.fd, 0);

	memset(bad.cmds, 0xff, 4096);
	acc_put_fence(bad.cmds, acc_put_nop(bad.cmds, 4096 / 4));
	acc_accel_submit(bad.fd, bad.code, 0, 4096, s_garbage);
	acc_accel_submit(bad.fd, bad.code, 4096, 2 * ACC_CMD_BYTES, s_after);
	acc_actx_fill_fence(&good, 0x900d, s_good);

	acc_syncobj_wait(bad.fd, s_garbage, 30);
	st = acc_syncobj_status(bad.fd, s_garbage);
	CHECK_MSG(st == -EIO, "garbage job's fence status %d (%s), want -EIO",
		  st, st < 0 ? acc_errname(-st) : "no error");
	acc_syncobj_wait(bad.fd, s_after, 30);
	st = acc_syncobj_status(bad.fd, s_after);
	CHECK_MSG(st == -EIO, "the job after it: fence status %d (%s), want "
		  "-EIO", st, st < 0 ? acc_errname(-st) : "no error");
	EXPECT_ERRNO(acc_accel_try_submit(bad.fd, bad.code, 4096,
					  2 * ACC_CMD_BYTES), EIO);
	CHECK(acc_accel_param(bad.fd, DRM_ACCELDEV_PARAM_FENCE_COUNTER) == 0);

	acc_syncobj_wait(good.fd, s_good, 30);
	st = acc_syncobj_status(good.fd, s_good);
	CHECK_MSG(st == 1, "the other file's fence status %d", st);
	acc_actx_check(&good, 0x900d);
	acc_watchdog(0, "");
	acc_actx_close(&bad);
	acc_actx_close(&good);
	return 0;
}
