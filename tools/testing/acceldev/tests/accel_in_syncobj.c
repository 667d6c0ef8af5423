// SPDX-License-Identifier: GPL-2.0
/*
 * In-syncobjs hold a job back until their fences signal, and the file's
 * later jobs queue after it (uapi/acceldev_accel.h, struct
 * drm_acceldev_submit). /dev/acceldev1 is slowed (every command starts
 * 150 ms late) and given 8 jobs (about 1.2 s); the last one's out-fence,
 * moved to a file of the fast /dev/acceldev0 as a sync_file, is the
 * in-syncobj of a FILL + FENCE job there, followed by a plain job on the
 * same file. While device 1 works, neither device-0 job's fence has
 * signalled (deadline 0: ETIME) nor has its FILL happened; when they
 * signal, the device-1 fence has already signalled; the data is right.
 * A signalled in-syncobj (created signalled) does not hold a job.
 */
// vmtest: timeout=60
#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

int main(void)
{
	struct acc_actx slow, fast;
	uint32_t s_slow, in, s_held, s_next, done;
	struct drm_acceldev_syncobj in_e, out_e;
	struct acc_submit sub;
	int sf, st;

	acc_accel_require(2);
	acc_knob_set(1, "cmd-delay-us", "150000");
	acc_actx_open(&slow, 1, 4096, 4096);
	acc_actx_open(&fast, 0, 4096, 8192);
	acc_watchdog(50, "jobs held by an in-syncobj");

	/* A signalled in-syncobj does not hold anything. */
	done = acc_syncobj_create(fast.fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	in_e = (struct drm_acceldev_syncobj){ .handle = done };
	s_held = acc_syncobj_create(fast.fd, 0);
	out_e = (struct drm_acceldev_syncobj){ .handle = s_held };
	acc_put_fence(fast.cmds, acc_put_fill(fast.cmds, 0, 0xfa57, fast.slot,
					      0, 8192));
	sub = (struct acc_submit){
		.code = fast.code, .size = 2 * ACC_CMD_BYTES,
		.in = &in_e, .in_count = 1, .out = &out_e, .out_count = 1,
	};
	EXPECT_OK(acc_accel_try_submit_args(fast.fd, &sub));
	acc_syncobj_wait(fast.fd, s_held, 10);
	acc_actx_check(&fast, 0xfa57);

	/* Eight slow jobs on device 1; the last one's fence moves over. */
	s_slow = acc_syncobj_create(slow.fd, 0);
	acc_put_fence(slow.cmds, acc_put_fill(slow.cmds, 0, 0x51, slow.slot,
					      0, 4096));
	for (int i = 0; i < 8; i++)
		acc_accel_submit(slow.fd, slow.code, 0, 2 * ACC_CMD_BYTES,
				 i == 7 ? s_slow : 0);
	sf = acc_syncobj_export_sync_file(slow.fd, s_slow);
	in = acc_syncobj_create(fast.fd, 0);
	acc_syncobj_import_sync_file(fast.fd, in, sf);
	CHECK(close(sf) == 0);

	/* The held job: FILL 2 over 0xfa57; then a plain FILL 3 job. */
	in_e = (struct drm_acceldev_syncobj){ .handle = in };
	acc_put_fence(fast.cmds, acc_put_fill(fast.cmds, 20, 2, fast.slot, 0,
					      4096));
	sub = (struct acc_submit){
		.code = fast.code, .offset = 80, .size = 2 * ACC_CMD_BYTES,
		.in = &in_e, .in_count = 1, .out = &out_e, .out_count = 1,
	};
	EXPECT_OK(acc_accel_try_submit_args(fast.fd, &sub));
	s_next = acc_syncobj_create(fast.fd, 0);
	acc_put_fence(fast.cmds, acc_put_fill(fast.cmds, 40, 3, fast.slot,
					      4096, 4096));
	acc_accel_submit(fast.fd, fast.code, 160, 2 * ACC_CMD_BYTES, s_next);

	usleep(400 * 1000);	/* device 0 alone would be done by now */
	EXPECT_ERRNO(acc_syncobj_try_wait(slow.fd, &s_slow, 1, 0, 0), ETIME);
	EXPECT_ERRNO(acc_syncobj_try_wait(fast.fd, &s_held, 1, 0, 0), ETIME);
	EXPECT_ERRNO(acc_syncobj_try_wait(fast.fd, &s_next, 1, 0, 0), ETIME);
	CHECK_MSG(fast.d[0] == 0xfa57 && fast.d[1024] == 0xfa57, "a held job "
		  "ran: words %#x %#x", fast.d[0], fast.d[1024]);

	acc_syncobj_wait(fast.fd, s_held, 30);
	st = acc_syncobj_status(slow.fd, s_slow);
	CHECK_MSG(st == 1, "the held job finished, the fence it waited for "
		  "has status %d", st);
	acc_syncobj_wait(fast.fd, s_next, 30);
	for (int i = 0; i < 2048; i++)
		CHECK_MSG(fast.d[i] == (i < 1024 ? 2u : 3u), "word %d is %#x",
			  i, fast.d[i]);
	CHECK(acc_syncobj_status(fast.fd, s_held) == 1);
	acc_accel_wait(fast.fd, 3);
	acc_watchdog(0, "");
	acc_actx_close(&slow);
	acc_actx_close(&fast);
	return 0;
}
