// SPDX-License-Identifier: GPL-2.0
/*
 * SUBMIT's @job (uapi/acceldev_accel.h): the job's sequence number in its
 * file, from 1: jobs 1, 2, 3, ... in the order of the calls, LAST_JOB
 * reads the last one (0 before the first); a refused SUBMIT takes no
 * number; another file counts from 1 on its own; after 100 jobs both
 * files' runs all executed in order (the last FILL wins).
 */
// vmtest: timeout=60 tiers=debian
#include "acceldev_accel_test.h"

int main(void)
{
	struct acc_actx a, b;
	uint64_t job;

	acc_actx_open(&a, 0, 8192, 4096);
	acc_actx_open(&b, 0, 8192, 4096);
	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_LAST_JOB) == 0);
	acc_put_nop(a.cmds, 2000);
	for (uint64_t n = 1; n <= 3; n++) {
		job = acc_accel_submit(a.fd, a.code, 8000, ACC_CMD_BYTES, 0);
		CHECK_MSG(job == n, "job %llu, want %llu",
			  (unsigned long long)job, (unsigned long long)n);
		CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_LAST_JOB) == n);
	}
	EXPECT_ERRNO(acc_accel_try_submit(a.fd, a.code, 2, 20), EINVAL);
	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_LAST_JOB) == 3);
	CHECK(acc_accel_param(b.fd, DRM_ACCELDEV_PARAM_LAST_JOB) == 0);
	CHECK(acc_actx_fill_fence(&b, 1, 0) == 1);
	CHECK(acc_accel_submit(a.fd, a.code, 8000, ACC_CMD_BYTES, 0) == 4);

	/* 100 FILL + FENCE jobs on each, values 2..101, each its own code. */
	for (uint32_t v = 2; v <= 101; v++) {
		size_t w = (size_t)(v - 1) * 2 * ACCELDEV_USER_CMD_WORDS;

		CHECK(acc_actx_fill_fence_at(&a, w, v, 0, 4096, 0) == v + 3);
		CHECK(acc_actx_fill_fence_at(&b, w, v, 0, 4096, 0) == v);
	}
	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_LAST_JOB) == 104);
	CHECK(acc_accel_param(b.fd, DRM_ACCELDEV_PARAM_LAST_JOB) == 101);
	acc_accel_wait(a.fd, 100);
	acc_accel_wait(b.fd, 101);
	acc_actx_check(&a, 101);
	acc_actx_check(&b, 101);
	acc_actx_close(&a);
	acc_actx_close(&b);
	return 0;
}
