/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgem, the kernel's virtual GEM driver, as the accel tests' source of
 * foreign fences that signal only when told to (VGEM_FENCE_SIGNAL) or
 * after vgem's own 10 s timeout.
 *  - acc_vgem_open(): a vgem card node (modprobe vgem if need be), or a
 *    skip (exit 4) without one;
 *  - acc_vgem_fence_sync_file(): an unsignalled vgem fence as a
 *    sync_file, to import into an in-syncobj;
 *  - acc_vgem_held_job(): a job of an accel file held by such a fence.
 */
#ifndef ACCELDEV_VGEM_H
#define ACCELDEV_VGEM_H

#include <glob.h>
#include <linux/dma-buf.h>

#include "acceldev_accel_test.h"

#if __has_include(<vgem_drm.h>)
#include <vgem_drm.h>
#else
/* The kernel's include/uapi/drm/vgem_drm.h (libdrm-dev lacks it). */
#define DRM_VGEM_FENCE_ATTACH	0x1
#define DRM_VGEM_FENCE_SIGNAL	0x2
struct drm_vgem_fence_attach {
	__u32 handle;
	__u32 flags;
#define VGEM_FENCE_WRITE	0x1
	__u32 out_fence;
	__u32 pad;
};

struct drm_vgem_fence_signal {
	__u32 fence;
	__u32 flags;
};
#define DRM_IOCTL_VGEM_FENCE_ATTACH	DRM_IOWR(DRM_COMMAND_BASE + \
	DRM_VGEM_FENCE_ATTACH, struct drm_vgem_fence_attach)
#define DRM_IOCTL_VGEM_FENCE_SIGNAL	DRM_IOW(DRM_COMMAND_BASE + \
	DRM_VGEM_FENCE_SIGNAL, struct drm_vgem_fence_signal)
#endif

/* A DRM card node of the vgem driver, opened; -1 if there is none. */
static inline int acc_vgem_find(void)
{
	glob_t g;
	int fd = -1;
	char name[32];

	if (glob("/dev/dri/card*", 0, NULL, &g) != 0)
		return -1;
	for (size_t i = 0; i < g.gl_pathc && fd < 0; i++) {
		fd = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);
		if (fd >= 0 && (acc_drm_try_name(fd, name, sizeof(name)) != 0 ||
				strcmp(name, "vgem"))) {
			close(fd);
			fd = -1;
		}
	}
	globfree(&g);
	return fd;
}

/*
 * An unsignalled vgem fence as a sync_file; its id in *@fence (for
 * VGEM_FENCE_SIGNAL on @vgem).
 */
static inline int acc_vgem_fence_sync_file(int vgem, uint32_t *fence)
{
	struct drm_mode_create_dumb dumb = { .height = 1, .width = 1024,
					     .bpp = 32 };
	struct drm_vgem_fence_attach att = { .flags = VGEM_FENCE_WRITE };
	struct dma_buf_export_sync_file ex = { .flags = DMA_BUF_SYNC_WRITE,
					       .fd = -1 };
	int dmabuf;

	EXPECT_OK(ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb));
	att.handle = dumb.handle;
	EXPECT_OK(ioctl(vgem, DRM_IOCTL_VGEM_FENCE_ATTACH, &att));
	*fence = att.out_fence;
	dmabuf = acc_prime_export(vgem, dumb.handle);
	EXPECT_OK(ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex));
	CHECK(close(dmabuf) == 0);
	CHECK(acc_sync_file_status(ex.fd) == 0);
	return ex.fd;
}

/* A vgem card node, opened (loading vgem if need be); skips without. */
static inline int acc_vgem_open(void)
{
	int vgem = acc_vgem_find();

	if (vgem < 0 && system("modprobe vgem 2>/dev/null") == 0) {
		usleep(500 * 1000);
		vgem = acc_vgem_find();
	}
	if (vgem < 0)
		acc_accel_skip("no vgem device (CONFIG_DRM_VGEM) for a fence "
			       "that never signals");
	return vgem;
}

/*
 * Submit on @a a job of the first two commands of its code object, held
 * by a new unsignalled vgem fence of @vgem (*@sig names it for
 * VGEM_FENCE_SIGNAL). Return: the job's fence as a sync_file; its number
 * in *@job.
 */
static inline int acc_vgem_held_job(struct acc_actx *a, int vgem,
				    struct drm_vgem_fence_signal *sig,
				    uint64_t *job)
{
	struct drm_acceldev_syncobj in_e, out_e;
	struct acc_submit sub;
	uint32_t in, out;
	int sf;

	sf = acc_vgem_fence_sync_file(vgem, &sig->fence);
	in = acc_syncobj_create(a->fd, 0);
	acc_syncobj_import_sync_file(a->fd, in, sf);
	CHECK(close(sf) == 0);
	out = acc_syncobj_create(a->fd, 0);
	in_e = (struct drm_acceldev_syncobj){ .handle = in };
	out_e = (struct drm_acceldev_syncobj){ .handle = out };
	sub = (struct acc_submit){
		.code = a->code, .size = 2 * ACC_CMD_BYTES,
		.in = &in_e, .in_count = 1, .out = &out_e, .out_count = 1,
	};
	EXPECT_OK(acc_accel_try_submit_args(a->fd, &sub));
	*job = sub.job;
	return acc_syncobj_export_sync_file(a->fd, out);
}

#endif /* ACCELDEV_VGEM_H */
