// SPDX-License-Identifier: GPL-2.0
/*
 * A binary out-syncobj gets the job's fence (uapi/acceldev_accel.h,
 * struct drm_acceldev_syncobj), on a slow device (100 ms a command):
 *  - right after SUBMIT, DRM_IOCTL_SYNCOBJ_WAIT with deadline 0 is ETIME
 *    (also for a syncobj created signalled: its fence was replaced);
 *  - SYNCOBJ_WAIT with a deadline returns 0 once the job is done, and the
 *    FILL's data is there without any WAIT ioctl; the fence, exported as
 *    a sync_file, has status 1 (signalled, no error);
 *  - three out-syncobjs of one job all signal;
 *  - a second job on the same syncobj replaces the fence: waiting covers
 *    the second job's data.
 */
// vmtest: timeout=60
#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

ACC_DEVICE_KNOBS("cmd-delay-us=100000")

int main(void)
{
	struct acc_actx a;
	uint32_t s, pre, three[3];
	struct drm_acceldev_syncobj outs[3];
	struct acc_submit sub;

	acc_actx_open(&a, 0, 4096, 16384);
	acc_watchdog(50, "syncobj waits on the accel node");
	s = acc_syncobj_create(a.fd, 0);
	pre = acc_syncobj_create(a.fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	EXPECT_OK(acc_syncobj_try_wait(a.fd, &pre, 1, 0, 0));

	acc_actx_fill_fence(&a, 0x0b1, s);
	EXPECT_ERRNO(acc_syncobj_try_wait(a.fd, &s, 1, 0, 0), ETIME);
	acc_syncobj_wait(a.fd, s, 30);
	acc_actx_check(&a, 0x0b1);
	CHECK(acc_syncobj_status(a.fd, s) == 1);

	/* A signalled syncobj gets the new job's fence. */
	acc_actx_fill_fence_at(&a, 20, 0x0b2, 0, 16384, pre);
	EXPECT_ERRNO(acc_syncobj_try_wait(a.fd, &pre, 1, 0, 0), ETIME);
	acc_syncobj_wait(a.fd, pre, 30);
	acc_actx_check(&a, 0x0b2);

	/* Three out-syncobjs. */
	for (int i = 0; i < 3; i++) {
		three[i] = acc_syncobj_create(a.fd, 0);
		outs[i] = (struct drm_acceldev_syncobj){ .handle = three[i] };
	}
	acc_put_fence(a.cmds, acc_put_fill(a.cmds, 40, 0x0b3, a.slot, 0,
					   16384));
	sub = (struct acc_submit){
		.code = a.code, .offset = 160, .size = 2 * ACC_CMD_BYTES,
		.out = outs, .out_count = 3,
	};
	EXPECT_OK(acc_accel_try_submit_args(a.fd, &sub));
	EXPECT_ERRNO(acc_syncobj_try_wait(a.fd, three, 3, 0, 0), ETIME);
	EXPECT_OK(acc_syncobj_try_wait(a.fd, three, 3, acc_deadline(30), 0));
	acc_actx_check(&a, 0x0b3);

	/* Two jobs on one syncobj: the wait is for the second. */
	acc_actx_fill_fence_at(&a, 60, 0x0b4, 0, 16384, s);
	acc_actx_fill_fence_at(&a, 80, 0x0b5, 0, 16384, s);
	acc_syncobj_wait(a.fd, s, 30);
	acc_actx_check(&a, 0x0b5);
	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_FENCE_COUNTER) == 5);
	acc_syncobj_destroy(a.fd, s);
	acc_watchdog(0, "");
	acc_actx_close(&a);
	return 0;
}
