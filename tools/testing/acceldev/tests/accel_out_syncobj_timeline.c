// SPDX-License-Identifier: GPL-2.0
/*
 * Timeline out-syncobjs (uapi/acceldev_accel.h: a non-zero @point adds
 * that point once the job is accepted), on a slow device (100 ms a
 * command): jobs add points 1, 2 and 5 of one syncobj; at once, the
 * points are available (TIMELINE_WAIT with WAIT_AVAILABLE) but not
 * signalled (deadline 0: ETIME); point 6, never added, is ETIME with
 * WAIT_FOR_SUBMIT; TIMELINE_WAIT for point 2 returns once job 2 is done
 * (its data there), for point 5 once job 3 is; SYNCOBJ_QUERY then reads 5.
 */
// vmtest: timeout=60
#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

ACC_DEVICE_KNOBS("cmd-delay-us=100000")

static void submit_point(struct acc_actx *a, size_t w, uint32_t value,
			 uint32_t start, uint32_t tl, uint64_t point)
{
	struct drm_acceldev_syncobj out = { .handle = tl, .point = point };
	size_t end = acc_put_fence(a->cmds, acc_put_fill(a->cmds, w, value,
							 a->slot, start, 4096));
	struct acc_submit s = {
		.code = a->code, .offset = (uint32_t)(w * 4),
		.size = (uint32_t)((end - w) * 4), .out = &out, .out_count = 1,
	};

	EXPECT_OK(acc_accel_try_submit_args(a->fd, &s));
}

int main(void)
{
	struct acc_actx a;
	uint32_t tl;

	acc_actx_open(&a, 0, 4096, 3 * 4096);
	acc_watchdog(50, "timeline syncobj waits on the accel node");
	tl = acc_syncobj_create(a.fd, 0);
	submit_point(&a, 0, 0x71, 0, tl, 1);
	submit_point(&a, 20, 0x72, 4096, tl, 2);
	submit_point(&a, 40, 0x75, 8192, tl, 5);

	EXPECT_OK(acc_syncobj_try_timeline_wait(a.fd, tl, 5, acc_deadline(5),
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE));
	EXPECT_ERRNO(acc_syncobj_try_timeline_wait(a.fd, tl, 1, 0, 0), ETIME);
	EXPECT_ERRNO(acc_syncobj_try_timeline_wait(a.fd, tl, 6,
			acc_deadline(0.2),
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT), ETIME);

	EXPECT_OK(acc_syncobj_try_timeline_wait(a.fd, tl, 2, acc_deadline(30),
						0));
	for (int i = 0; i < 2048; i++)
		CHECK_MSG(a.d[i] == (i < 1024 ? 0x71u : 0x72u), "point 2 "
			  "signalled, word %d is %#x", i, a.d[i]);
	EXPECT_OK(acc_syncobj_try_timeline_wait(a.fd, tl, 5, acc_deadline(30),
						0));
	for (int i = 2048; i < 3072; i++)
		CHECK_MSG(a.d[i] == 0x75, "point 5 signalled, word %d is %#x",
			  i, a.d[i]);
	CHECK_MSG(acc_syncobj_query(a.fd, tl) == 5, "SYNCOBJ_QUERY: %llu",
		  (unsigned long long)acc_syncobj_query(a.fd, tl));
	acc_watchdog(0, "");
	acc_actx_close(&a);
	return 0;
}
