// SPDX-License-Identifier: GPL-2.0
/*
 * What the accel node's tests share buffers and fences with is there
 * (the bench loads drm, vgem and their dependencies before acceldev.ko on
 * Debian's kernel; the debug kernel builds them in):
 *  - the DRM core with the accel class (/sys/class/accel);
 *  - vgem, found by Debian's libdrm (statically linked, as the accel
 *    tests link it): drmGetVersion() names "vgem" on a /dev/dri/card*;
 *  - a foreign fence: a vgem buffer exported with drmPrimeHandleToFD(),
 *    a vgem write fence attached to it, the dma-buf's sync_file
 *    (DMA_BUF_IOCTL_EXPORT_SYNC_FILE) pending until VGEM_FENCE_SIGNAL,
 *    then signalled;
 *  - /dev/dma_heap/system and /dev/udmabuf each give a dma-buf.
 * Under the bench (VMTEST set) anything missing fails; elsewhere a
 * missing node or driver skips.
 */
// vmtest: timeout=30 cflags=-I/usr/include/libdrm libs=-ldrm tiers=debian,debug
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <poll.h>
#include <xf86drm.h>

#include "acceldev_test.h"

/* The kernel's include/uapi/drm/vgem_drm.h, which no Debian package ships. */
#define DRM_VGEM_FENCE_ATTACH 0x1
#define DRM_VGEM_FENCE_SIGNAL 0x2
#define VGEM_FENCE_WRITE 0x1
struct drm_vgem_fence_attach {
	__u32 handle;
	__u32 flags;
	__u32 out_fence;
	__u32 pad;
};

struct drm_vgem_fence_signal {
	__u32 fence;
	__u32 flags;
};

#define DRM_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGEM_FENCE_ATTACH, \
		 struct drm_vgem_fence_attach)
#define DRM_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VGEM_FENCE_SIGNAL, \
		struct drm_vgem_fence_signal)

static bool under_bench;

#define MISSING(...)					\
	do {						\
		if (under_bench)			\
			FAIL(__VA_ARGS__);		\
		SKIP(__VA_ARGS__);			\
	} while (0)

/* the /dev/dri/card* that libdrm says is vgem's, or -1 */
static int open_vgem(void)
{
	struct dirent *de;
	DIR *dir = opendir("/dev/dri");
	int found = -1;

	if (!dir)
		return -1;
	while (found < 0 && (de = readdir(dir))) {
		char path[300];
		drmVersionPtr v;
		int fd;

		if (strncmp(de->d_name, "card", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, "vgem")) {
			printf("%s: %s %d.%d.%d (%s)\n", path, v->name,
			       v->version_major, v->version_minor,
			       v->version_patchlevel, v->desc);
			found = fd;
		} else {
			close(fd);
		}
		drmFreeVersion(v);
	}
	closedir(dir);
	return found;
}

static void check_vgem_fence(int vgem)
{
	struct drm_mode_create_dumb dumb = {
		.width = 1024, .height = 1, .bpp = 32,
	};
	struct drm_vgem_fence_attach attach = { 0 };
	struct drm_vgem_fence_signal sig = { 0 };
	struct dma_buf_export_sync_file exp = { .flags = DMA_BUF_SYNC_READ };
	struct pollfd pfd = { .events = POLLIN };
	int dmabuf;

	EXPECT_OK(drmIoctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb));
	EXPECT_OK(drmPrimeHandleToFD(vgem, dumb.handle, DRM_CLOEXEC | DRM_RDWR,
				     &dmabuf));
	attach.handle = dumb.handle;
	attach.flags = VGEM_FENCE_WRITE;
	EXPECT_OK(drmIoctl(vgem, DRM_IOCTL_VGEM_FENCE_ATTACH, &attach));

	/* a read must wait for vgem's write: its fence is in the sync_file */
	EXPECT_OK(ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &exp));
	pfd.fd = exp.fd;
	CHECK_MSG(poll(&pfd, 1, 0) == 0,
		  "the sync_file is signalled before vgem signalled its fence");

	/* (vgem also signals it by itself after 10 s) */
	sig.fence = attach.out_fence;
	EXPECT_OK(drmIoctl(vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig));
	CHECK_MSG(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN),
		  "the sync_file is not signalled after VGEM_FENCE_SIGNAL");
	close(exp.fd);
	close(dmabuf);
}

static void check_dma_heap(void)
{
	struct dma_heap_allocation_data alloc = {
		.len = 4096, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);

	if (heap < 0)
		MISSING("/dev/dma_heap/system: %s", strerror(errno));
	EXPECT_OK(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc));
	close(alloc.fd);
	close(heap);
}

static void check_udmabuf(void)
{
	struct udmabuf_create create = { .size = 4096 };
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	int memfd, buf;

	if (dev < 0)
		MISSING("/dev/udmabuf: %s", strerror(errno));
	memfd = memfd_create("drm_vgem_present", MFD_ALLOW_SEALING);
	CHECK(memfd >= 0);
	EXPECT_OK(ftruncate(memfd, 4096));
	EXPECT_OK(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	create.memfd = memfd;
	buf = ioctl(dev, UDMABUF_CREATE, &create);
	CHECK_MSG(buf >= 0, "UDMABUF_CREATE: %s", strerror(errno));
	close(buf);
	close(memfd);
	close(dev);
}

int main(void)
{
	struct stat st;
	int vgem;

	under_bench = getenv("VMTEST") != NULL;
	if (stat("/sys/class/accel", &st) != 0)
		MISSING("/sys/class/accel: no DRM core with the accel class");
	vgem = open_vgem();
	if (vgem < 0)
		MISSING("no /dev/dri/card* whose driver is vgem");
	check_vgem_fence(vgem);
	close(vgem);
	check_dma_heap();
	check_udmabuf();
	return 0;
}
