// SPDX-License-Identifier: GPL-2.0
/*
 * DRM_IOCTL_ACCELDEV_WAIT (uapi/acceldev_accel.h; DRIVER.md, WAIT) on a
 * slow device (every command starts 200 ms late):
 *  - WAIT(0) returns 0 at once, also with deadline 0 and jobs pending;
 *  - with nothing in flight, a fence beyond the user commands ever
 *    submitted is EINVAL at once; after a NOP job, EINVAL only once the
 *    job ran;
 *  - a deadline 0.3 s ahead while the fence's job still runs (2 s): ETIME
 *    at the deadline; deadline 0: ETIME at once; a reached fence: 0 at
 *    once even with deadline 0;
 *  - garbage commands: WAIT(1000000) is EIO, not before the garbage could
 *    have run; CONTEXT_ERROR reads 1; the very next SUBMIT is EIO; a WAIT
 *    for a fence not reached is EIO; another file works.
 */
// vmtest: timeout=90 tiers=debian
#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

ACC_DEVICE_KNOBS("cmd-delay-us=200000")

#define MIN_WAIT_S	0.15

static double timed_wait(int fd, uint32_t fence, int64_t deadline, int *err)
{
	double t0 = acc_now();
	int ret = acc_accel_try_wait(fd, fence, deadline);

	*err = ret ? errno : 0;
	CHECK_MSG(ret == 0 || ret == -1, "WAIT returned %d", ret);
	return acc_now() - t0;
}

int main(void)
{
	struct acc_actx a, bad, other;
	double dt;
	int err;

	acc_actx_open(&a, 0, 8192, 4096);
	acc_actx_open(&bad, 0, 4096, 4096);
	acc_actx_open(&other, 0, 4096, 4096);
	acc_watchdog(80, "WAIT on the accel node");

	/* WAIT(0), and beyond-submitted with nothing in flight. */
	dt = timed_wait(a.fd, 0, 0, &err);
	CHECK_MSG(!err && dt < 0.1, "WAIT(0): %s after %.3f s",
		  acc_errname(err), dt);
	dt = timed_wait(a.fd, 1, acc_deadline(10), &err);
	CHECK_MSG(err == EINVAL && dt < 0.1, "WAIT(1) on a new file: %s after "
		  "%.3f s, want EINVAL at once", acc_errname(err), dt);

	/* A NOP job: WAIT(1000) is EINVAL once it ran. */
	acc_put_nop(a.cmds, 0);
	acc_accel_submit(a.fd, a.code, 0, ACC_CMD_BYTES, 0);
	dt = timed_wait(a.fd, 0, 0, &err);
	CHECK_MSG(!err && dt < 0.1, "WAIT(0) with a job pending: %s after "
		  "%.3f s", acc_errname(err), dt);
	dt = timed_wait(a.fd, 1000, acc_deadline(10), &err);
	CHECK_MSG(err == EINVAL && dt >= MIN_WAIT_S, "WAIT(1000) after a NOP "
		  "job: %s after %.3f s, want EINVAL after the job",
		  acc_errname(err), dt);

	/* 2 s of work before FENCE 1: ten FILL jobs (one RUN each), then a
	 * FENCE job. */
	for (int i = 0; i < 10; i++) {
		size_t w = 100 + (size_t)i * ACCELDEV_USER_CMD_WORDS;

		acc_put_fill(a.cmds, w, 7, a.slot, 0, 4096);
		acc_accel_submit(a.fd, a.code, (uint32_t)(w * 4),
				 ACC_CMD_BYTES, 0);
	}
	acc_put_fence(a.cmds, 300);
	acc_accel_submit(a.fd, a.code, 1200, ACC_CMD_BYTES, 0);
	dt = timed_wait(a.fd, 1, acc_deadline(0.3), &err);
	CHECK_MSG(err == ETIME && dt >= 0.25 && dt < 1.5, "WAIT(1) with a 0.3 s"
		  " deadline: %s after %.3f s, want ETIME at the deadline",
		  acc_errname(err), dt);
	dt = timed_wait(a.fd, 1, 0, &err);
	CHECK_MSG(err == ETIME && dt < 0.1, "WAIT(1) with deadline 0: %s after "
		  "%.3f s, want ETIME at once", acc_errname(err), dt);
	dt = timed_wait(a.fd, 1, acc_mono_ns() - 1000000000, &err);
	CHECK_MSG(err == ETIME && dt < 0.1, "WAIT(1) with a deadline passed: %s"
		  " after %.3f s, want ETIME at once", acc_errname(err), dt);
	acc_accel_wait(a.fd, 1);
	acc_actx_check(&a, 7);
	dt = timed_wait(a.fd, 1, 0, &err);
	CHECK_MSG(!err && dt < 0.1, "WAIT(1) reached, deadline 0: %s after "
		  "%.3f s", acc_errname(err), dt);

	/* Garbage breaks the context. */
	memset(bad.cmds, 0xff, 4096);
	acc_accel_submit(bad.fd, bad.code, 0, 4096, 0);
	dt = timed_wait(bad.fd, 1000000, acc_deadline(20), &err);
	CHECK_MSG(err == EIO && dt >= MIN_WAIT_S, "WAIT(1000000) after garbage:"
		  " %s after %.3f s, want EIO after the job", acc_errname(err),
		  dt);
	CHECK(acc_accel_param(bad.fd, DRM_ACCELDEV_PARAM_CONTEXT_ERROR) == 1);
	acc_put_nop(bad.cmds, 0);
	EXPECT_ERRNO(acc_accel_try_submit(bad.fd, bad.code, 0, ACC_CMD_BYTES),
		     EIO);
	EXPECT_ERRNO(acc_accel_try_wait(bad.fd, 1, acc_deadline(10)), EIO);
	CHECK(acc_accel_param(bad.fd, DRM_ACCELDEV_PARAM_CONTEXT_ERROR) == 1);
	CHECK(acc_accel_param(bad.fd, DRM_ACCELDEV_PARAM_FENCE_COUNTER) == 0);

	acc_actx_fill_fence(&other, 0x07e4, 0);
	acc_accel_wait(other.fd, 1);
	acc_actx_check(&other, 0x07e4);
	CHECK(acc_accel_param(other.fd, DRM_ACCELDEV_PARAM_CONTEXT_ERROR) == 0);
	acc_watchdog(0, "");
	acc_actx_close(&a);
	acc_actx_close(&bad);
	acc_actx_close(&other);
	return 0;
}
