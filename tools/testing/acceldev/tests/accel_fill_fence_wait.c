// SPDX-License-Identifier: GPL-2.0
/*
 * The course's example 5 through the accel node: FILL of 6000 bytes of
 * value 11 from byte 12 of a 12 KiB DATA object, then a FENCE, one
 * SUBMIT; WAIT(1) with a 30 s deadline returns 0; through the mmap, words
 * 3..1502 hold 11 (across the page boundary), every other word is 0;
 * FENCE_COUNTER reads 1 and LAST_JOB the job's number.
 */
// vmtest: timeout=60
#include "acceldev_accel_test.h"

#define SIZE (12 * 1024)

int main(void)
{
	struct acc_actx a;
	uint64_t job;

	acc_actx_open(&a, 0, 4096, SIZE);
	acc_watchdog(45, "WAIT(1) after FILL + FENCE on the accel node");
	job = acc_actx_fill_fence_at(&a, 0, 11, 12, 6000, 0);
	CHECK_MSG(job == 1, "first job is number %llu", (unsigned long long)job);
	acc_accel_wait(a.fd, 1);
	for (size_t i = 0; i < SIZE / 4; i++) {
		uint32_t want = (i >= 3 && i < 3 + 6000 / 4) ? 11 : 0;

		CHECK_MSG(a.d[i] == want, "word %zu: got %u, want %u", i,
			  a.d[i], want);
	}
	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_FENCE_COUNTER) == 1);
	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_LAST_JOB) == job);
	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_CONTEXT_ERROR) == 0);
	acc_actx_close(&a);
	return 0;
}
