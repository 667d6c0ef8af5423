// SPDX-License-Identifier: GPL-2.0
/*
 * A dma-buf from another exporter, the system dma-heap
 * (/dev/dma_heap/system, DMA_HEAP_IOCTL_ALLOC), imported into an accel
 * file (PRIME_FD_TO_HANDLE): a DATA object of the buffer's size bound to
 * a slot (BO_INFO); what the CPU wrote through the heap fd's mapping is
 * kept where the device does not write; the device's FILL of the middle
 * 32 KiB is seen through that mapping (DMA_BUF_IOCTL_SYNC around CPU
 * access). Into a file whose 16 slots are taken, the import fails with
 * ENOSPC and leaves nothing behind (the debug kernel's KASAN and kmemleak
 * watch the unwinding). Skipped without the heap.
 */
// vmtest: timeout=60
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#include "acceldev_accel_test.h"

#define SIZE (64 * 1024)

static void cpu_access(int buf, bool start)
{
	struct dma_buf_sync s = {
		.flags = DMA_BUF_SYNC_RW |
			 (start ? DMA_BUF_SYNC_START : DMA_BUF_SYNC_END),
	};

	EXPECT_OK(ioctl(buf, DMA_BUF_IOCTL_SYNC, &s));
}

int main(void)
{
	struct dma_heap_allocation_data alloc = {
		.len = SIZE, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	struct drm_acceldev_bo_info info;
	struct acc_actx a;
	uint32_t imp = 0, *p;
	int heap;

	acc_accel_require(1);
	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		acc_accel_skip("/dev/dma_heap/system: %s", acc_errname(errno));
	EXPECT_OK(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc));
	p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, alloc.fd, 0);
	CHECK_MSG(p != MAP_FAILED, "mmap of the heap buffer: %s",
		  acc_errname(errno));
	cpu_access(alloc.fd, true);
	for (int i = 0; i < SIZE / 4; i++)
		p[i] = 0x4ea90000u + (uint32_t)i;
	cpu_access(alloc.fd, false);

	acc_actx_open(&a, 0, 4096, 4096);
	acc_watchdog(50, "a dma-heap buffer imported into the accel node");
	EXPECT_OK(acc_prime_try_import(a.fd, alloc.fd, &imp));
	info = acc_accel_bo_info(a.fd, imp);
	CHECK_MSG(info.type == DRM_ACCELDEV_BO_DATA && info.size == SIZE &&
		  info.slot < ACCELDEV_NUM_BUFFERS && info.slot != a.slot,
		  "import: type %u size %llu slot %u", info.type,
		  (unsigned long long)info.size, info.slot);
	acc_put_fence(a.cmds, acc_put_fill(a.cmds, 0, 0xf111, info.slot,
					   16 * 1024, 32 * 1024));
	acc_accel_submit(a.fd, a.code, 0, 2 * ACC_CMD_BYTES, 0);
	acc_accel_wait(a.fd, 1);
	cpu_access(alloc.fd, true);
	for (int i = 0; i < SIZE / 4; i++) {
		uint32_t want = i >= 4096 && i < 12288 ? 0xf111 :
				0x4ea90000u + (uint32_t)i;

		CHECK_MSG(p[i] == want, "word %d is %#x, want %#x", i, p[i],
			  want);
	}
	cpu_access(alloc.fd, false);
	acc_gem_close(a.fd, imp);

	/* No slot left: ENOSPC, twice (nothing cached from the first). */
	for (int i = 0; i < ACCELDEV_NUM_BUFFERS - 1; i++)
		CHECK(acc_accel_try_bo_create(a.fd, 4096, DRM_ACCELDEV_BO_DATA,
					      0, NULL, NULL) == 0);
	EXPECT_ERRNO(acc_prime_try_import(a.fd, alloc.fd, &imp), ENOSPC);
	EXPECT_ERRNO(acc_prime_try_import(a.fd, alloc.fd, &imp), ENOSPC);
	acc_watchdog(0, "");
	acc_actx_close(&a);
	munmap(p, SIZE);
	CHECK(close(alloc.fd) == 0);
	CHECK(close(heap) == 0);
	return 0;
}
