// SPDX-License-Identifier: GPL-2.0
/*
 * Sharing a DATA object through PRIME (DRIVER.md, "The accel node"; the
 * DRM core's PRIME ioctls). A 16 KiB DATA object of a device-0 file:
 *  - exported (PRIME_HANDLE_TO_FD), the dma-buf fd maps and shows the
 *    device's FILL;
 *  - imported back into the same file, it is the same handle;
 *  - imported into a file of device 1 (PRIME_FD_TO_HANDLE) it is a DATA
 *    object of that file bound to one of its slots (BO_INFO: type, size,
 *    slot), device 1 FILLs it through that slot and device 0's mapping
 *    and the dma-buf mapping see the data, read between
 *    DMA_BUF_IOCTL_SYNC START and END (the dma-buf rule: device 1 maps
 *    the pages by the streaming DMA API, and under swiotlb=force writes
 *    a bounce copy that the sync brings back);
 *  - after the exporter's handle, mapping and file and the dma-buf fd are
 *    gone, the import still works: another device-1 FILL lands, seen
 *    through a mapping of the import (synced through the dma-buf the
 *    import exports again).
 */
// vmtest: timeout=60
#include <linux/dma-buf.h>

#include "acceldev_accel_test.h"

#define SIZE (16 * 1024)

/* DMA_BUF_IOCTL_SYNC for reading: START before, END after. */
static void cpu_access(int dmabuf, uint64_t when)
{
	struct dma_buf_sync s = { .flags = when | DMA_BUF_SYNC_READ };

	EXPECT_OK(ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &s));
}

static void check_words(const uint32_t *p, uint32_t value, const char *what)
{
	for (int i = 0; i < SIZE / 4; i++)
		CHECK_MSG(p[i] == value, "%s: word %d is %#x, want %#x", what,
			  i, p[i], value);
}

int main(void)
{
	struct acc_actx a, b;
	struct drm_acceldev_bo_info info;
	uint32_t imp = 0, same = 0;
	uint32_t *viabuf, *viab;
	int dmabuf;

	acc_accel_require(2);
	acc_actx_open(&a, 0, 4096, SIZE);
	acc_actx_open(&b, 1, 4096, 4096);
	acc_watchdog(50, "PRIME sharing between the accel nodes");

	dmabuf = acc_prime_export(a.fd, a.data);
	viabuf = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf,
		      0);
	CHECK_MSG(viabuf != MAP_FAILED, "mmap of the dma-buf: %s",
		  acc_errname(errno));
	acc_actx_fill_fence(&a, 0xa0a0, 0);
	acc_accel_wait(a.fd, 1);
	check_words(viabuf, 0xa0a0, "dma-buf mapping after device 0's FILL");

	EXPECT_OK(acc_prime_try_import(a.fd, dmabuf, &same));
	CHECK_MSG(same == a.data, "re-import gave handle %u, not %u", same,
		  a.data);

	EXPECT_OK(acc_prime_try_import(b.fd, dmabuf, &imp));
	info = acc_accel_bo_info(b.fd, imp);
	CHECK_MSG(info.type == DRM_ACCELDEV_BO_DATA && info.size == SIZE &&
		  info.slot < ACCELDEV_NUM_BUFFERS && info.slot != b.slot,
		  "import: type %u size %llu slot %u (b's own DATA BO: slot %u)",
		  info.type, (unsigned long long)info.size, info.slot, b.slot);
	acc_put_fence(b.cmds, acc_put_fill(b.cmds, 0, 0xb1b1, info.slot, 0,
					   SIZE));
	acc_accel_submit(b.fd, b.code, 0, 2 * ACC_CMD_BYTES, 0);
	acc_accel_wait(b.fd, 1);
	cpu_access(dmabuf, DMA_BUF_SYNC_START);
	check_words(a.d, 0xb1b1, "device 0's mapping after device 1's FILL");
	check_words(viabuf, 0xb1b1, "dma-buf mapping after device 1's FILL");
	cpu_access(dmabuf, DMA_BUF_SYNC_END);

	/* The exporter goes; the import lives on. */
	munmap(viabuf, SIZE);
	CHECK(close(dmabuf) == 0);
	acc_actx_close(&a);
	viab = acc_accel_map(b.fd, imp, SIZE);
	/* An import exports the dma-buf it came from: sync through it. */
	dmabuf = acc_prime_export(b.fd, imp);
	cpu_access(dmabuf, DMA_BUF_SYNC_START);
	check_words(viab, 0xb1b1, "the import's mapping");
	cpu_access(dmabuf, DMA_BUF_SYNC_END);
	acc_put_fence(b.cmds, acc_put_fill(b.cmds, 10, 0xb2b2, info.slot, 0,
					   SIZE));
	acc_accel_submit(b.fd, b.code, 40, 2 * ACC_CMD_BYTES, 0);
	acc_accel_wait(b.fd, 2);
	cpu_access(dmabuf, DMA_BUF_SYNC_START);
	check_words(viab, 0xb2b2, "the import after the exporter closed");
	cpu_access(dmabuf, DMA_BUF_SYNC_END);
	CHECK(close(dmabuf) == 0);
	CHECK(acc_accel_bo_info(b.fd, imp).slot == info.slot);
	munmap(viab, SIZE);
	acc_watchdog(0, "");
	acc_actx_close(&b);
	return 0;
}
