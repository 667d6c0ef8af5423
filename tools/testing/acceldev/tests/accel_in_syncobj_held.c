// SPDX-License-Identifier: GPL-2.0
/*
 * A job whose in-fence never signals holds back only its own file, and
 * closing that file ends it (uapi/acceldev_accel.h: -ECANCELED, "the file
 * was closed before the job was queued"). The in-fence is a vgem fence
 * (VGEM_FENCE_ATTACH on a vgem buffer, taken out of its dma-buf with
 * DMA_BUF_IOCTL_EXPORT_SYNC_FILE and imported into a syncobj): the held
 * file's job and the job behind it stay unsignalled, while other files on
 * the same device submit, complete and WAIT normally; the held file's
 * close returns at once (well before vgem's own 10 s timeout signals the
 * fence); both jobs' fences, kept as sync_files, then signal with
 * -ECANCELED; nothing was written to the held file's buffer. Skipped
 * without vgem.
 */
// vmtest: timeout=60
#include "acceldev_vgem.h"

int main(void)
{
	struct acc_actx held, other;
	struct drm_acceldev_syncobj in_e, out_e;
	struct drm_vgem_fence_signal sig = { 0 };
	uint32_t in, s_held, s_next;
	struct acc_submit sub;
	int vgem, sf, sf_held, sf_next, st;
	double dt;

	acc_accel_require(1);
	vgem = acc_vgem_open();
	acc_actx_open(&held, 0, 4096, 4096);
	acc_actx_open(&other, 0, 4096, 4096);
	acc_watchdog(40, "a job held by a vgem fence");

	sf = acc_vgem_fence_sync_file(vgem, &sig.fence);
	in = acc_syncobj_create(held.fd, 0);
	acc_syncobj_import_sync_file(held.fd, in, sf);
	CHECK(close(sf) == 0);
	s_held = acc_syncobj_create(held.fd, 0);
	s_next = acc_syncobj_create(held.fd, 0);
	in_e = (struct drm_acceldev_syncobj){ .handle = in };
	out_e = (struct drm_acceldev_syncobj){ .handle = s_held };
	acc_put_fence(held.cmds, acc_put_fill(held.cmds, 0, 0x4e1d, held.slot,
					      0, 4096));
	sub = (struct acc_submit){
		.code = held.code, .size = 2 * ACC_CMD_BYTES,
		.in = &in_e, .in_count = 1, .out = &out_e, .out_count = 1,
	};
	EXPECT_OK(acc_accel_try_submit_args(held.fd, &sub));
	CHECK(sub.job == 1);
	CHECK(acc_accel_submit(held.fd, held.code, 0, 2 * ACC_CMD_BYTES,
			       s_next) == 2);
	sf_held = acc_syncobj_export_sync_file(held.fd, s_held);
	sf_next = acc_syncobj_export_sync_file(held.fd, s_next);

	/* Other files carry on. */
	for (uint32_t v = 1; v <= 3; v++) {
		acc_actx_fill_fence(&other, v, 0);
		acc_accel_wait(other.fd, v);
		acc_actx_check(&other, v);
	}
	acc_accel_check_device_works(0);
	EXPECT_ERRNO(acc_accel_try_wait(held.fd, 1, acc_deadline(0.3)), ETIME);
	CHECK(acc_sync_file_status(sf_held) == 0);
	CHECK(acc_sync_file_status(sf_next) == 0);
	CHECK(held.d[0] == 0 && held.d[1023] == 0);

	/* Closing the file ends both jobs at once. */
	munmap(held.cmds, 4096);
	munmap(held.d, 4096);
	dt = acc_timed_close(held.fd);
	CHECK_MSG(dt < 2, "closing the file with a held job took %.2f s", dt);
	CHECK(poll(&(struct pollfd){ .fd = sf_held, .events = POLLIN }, 1,
		   5000) == 1);
	st = acc_sync_file_status(sf_held);
	CHECK_MSG(st == -ECANCELED, "held job's fence: status %d, want "
		  "-ECANCELED", st);
	CHECK(poll(&(struct pollfd){ .fd = sf_next, .events = POLLIN }, 1,
		   5000) == 1);
	st = acc_sync_file_status(sf_next);
	CHECK_MSG(st == -ECANCELED, "the job behind it: status %d, want "
		  "-ECANCELED", st);
	EXPECT_OK(ioctl(vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig));
	acc_actx_fill_fence(&other, 9, 0);
	acc_accel_wait(other.fd, 4);
	acc_actx_check(&other, 9);
	acc_watchdog(0, "");
	acc_actx_close(&other);
	close(sf_held);
	close(sf_next);
	close(vgem);
	return 0;
}
