// SPDX-License-Identifier: GPL-2.0
/*
 * An outside client: Debian's libdrm, unchanged, on the accel node
 * (DRIVER.md, "The accel node"). Everything generic goes through libdrm:
 * drmGetVersion() names the driver, drmSyncobjCreate() makes the
 * out-syncobj, drmIoctl() carries our own ioctls, drmSyncobjWait() waits
 * for the job, drmPrimeHandleToFD() exports the DATA object, whose
 * dma-buf mapping (bracketed by DMA_BUF_IOCTL_SYNC) shows the FILL.
 */
// vmtest: timeout=30 cflags=-I/usr/include/libdrm libs=-ldrm
#include <linux/dma-buf.h>
#include <stdint.h>
#include <xf86drm.h>

#include "acceldev_accel_test.h"

int main(void)
{
	struct drm_acceldev_bo_create code = {
		.size = 4096, .type = DRM_ACCELDEV_BO_CODE,
	};
	struct drm_acceldev_bo_create data = {
		.size = 8192, .type = DRM_ACCELDEV_BO_DATA,
	};
	struct drm_acceldev_syncobj out = { 0 };
	struct drm_acceldev_submit sub = { 0 };
	struct drm_acceldev_bo_info info = { 0 };
	struct dma_buf_sync sync = { 0 };
	uint32_t syncobj, first;
	drmVersionPtr v;
	uint32_t *cmds, *d;
	char path[64];
	int fd, dmabuf;
	size_t w;

	acc_watchdog(25, "the libdrm client");
	acc_accel_require(1);
	acc_accel_path(0, path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	CHECK_MSG(fd >= 0, "open(%s)", path);

	v = drmGetVersion(fd);
	CHECK_MSG(v && !strcmp(v->name, "acceldev"), "drmGetVersion: %s",
		  v ? v->name : "NULL");
	drmFreeVersion(v);

	EXPECT_OK(drmIoctl(fd, DRM_IOCTL_ACCELDEV_BO_CREATE, &code));
	EXPECT_OK(drmIoctl(fd, DRM_IOCTL_ACCELDEV_BO_CREATE, &data));
	CHECK(data.slot < 16);
	info.handle = code.handle;
	EXPECT_OK(drmIoctl(fd, DRM_IOCTL_ACCELDEV_BO_INFO, &info));
	cmds = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    info.mmap_offset);
	CHECK(cmds != MAP_FAILED);
	w = acc_put_fill(cmds, 0, 0x11b0, data.slot, 0, 8192);
	w = acc_put_fence(cmds, w);

	EXPECT_OK(drmSyncobjCreate(fd, 0, &syncobj));
	out.handle = syncobj;
	sub.code_handle = code.handle;
	sub.size = w * 4;
	sub.out_syncobjs = (uintptr_t)&out;
	sub.out_count = 1;
	EXPECT_OK(drmIoctl(fd, DRM_IOCTL_ACCELDEV_SUBMIT, &sub));
	CHECK(sub.job == 1);
	EXPECT_OK(drmSyncobjWait(fd, &syncobj, 1, INT64_MAX,
				 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, &first));

	EXPECT_OK(drmPrimeHandleToFD(fd, data.handle, DRM_CLOEXEC | DRM_RDWR,
				     &dmabuf));
	d = mmap(NULL, 8192, PROT_READ, MAP_SHARED, dmabuf, 0);
	CHECK(d != MAP_FAILED);
	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ;
	EXPECT_OK(ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync));
	for (size_t i = 0; i < 8192 / 4; i++)
		CHECK_MSG(d[i] == 0x11b0, "word %zu is %#x", i, d[i]);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	EXPECT_OK(ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync));

	munmap(d, 8192);
	munmap(cmds, 4096);
	close(dmabuf);
	EXPECT_OK(drmSyncobjDestroy(fd, syncobj));
	drmClose(fd);
	printf("accel_libdrm_client: ok\n");
	return 0;
}
