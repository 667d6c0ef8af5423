// SPDX-License-Identifier: GPL-2.0
/*
 * mapping_outlives_removal through the accel node (DRIVER.md, "The accel
 * node": the same removal rules): a 64 KiB DATA BO of /dev/acceldev1's
 * function, mapped twice through BO_INFO's offset and written from user
 * space, is FILLed by a SUBMIT and WAIT returns; then the function is
 * removed (through sysfs, then by QEMU's device_del). Both mappings still
 * read exactly what the device and user space last wrote, share that
 * memory (also with a forked child), and so do the CODE BO's mapping and
 * a mapping of the DATA BO exported as a dma-buf; none of them maps a
 * page frame that was the device's coherent memory before the removal
 * (that went back to the DMA API); munmap and close work and the accel
 * node goes away. A rescan (or
 * device_add) brings the function back with an accel node that works.
 */
// vmtest: timeout=120 cflags=-I/usr/include/libdrm libs=-ldrm
#include "acceldev_removal.h"
#include "acceldev_accel_test.h"
#include <xf86drm.h>

#define DATA_BYTES (16 * 4096)
#define FRAMES (DATA_BYTES / 4096 + 1)

static void round_of(enum acc_removal_how how, int round)
{
	struct acc_removal r;
	struct acc_actx a;
	volatile uint32_t *m2, *m3;
	int dmabuf;
	char node[64];
	uint64_t frames[FRAMES];
	size_t words;

	acc_removal_prepare(&r, 1, how);
	CHECK(acc_accel_path(1, node, sizeof(node)));
	printf("round %d: %s of %s (%s)\n", round, acc_removal_name(&r),
	       r.q.bdf, node);
	acc_actx_open(&a, 1, 4096, DATA_BYTES);
	m2 = acc_accel_map(a.fd, a.data, DATA_BYTES);

	acc_mapped_user_fill(a.d, DATA_BYTES);
	words = acc_mapped_put_fills(a.cmds, a.slot, DATA_BYTES, round);
	acc_accel_submit(a.fd, a.code, 0, (uint32_t)(words * 4), 0);
	acc_accel_wait(a.fd, 1);
	acc_mapped_check(m2, DATA_BYTES, round, "before removal");
	CHECK(drmPrimeHandleToFD(a.fd, a.data, DRM_CLOEXEC | DRM_RDWR,
				 &dmabuf) == 0);
	m3 = mmap(NULL, DATA_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf,
		  0);
	CHECK_MSG(m3 != MAP_FAILED, "mmap of the dma-buf: %s",
		  acc_errname(errno));
	acc_mapped_check(m3, DATA_BYTES, round, "the dma-buf before removal");

	acc_mapped_pfns(a.d, DATA_BYTES, frames);
	acc_mapped_pfns(a.cmds, 4096, frames + DATA_BYTES / 4096);
	acc_watchdog(90, acc_removal_name(&r));
	acc_removal_remove(&r);
	acc_mapped_after_removal(a.d, m2, DATA_BYTES, round);
	CHECK_MSG(a.cmds[2] == a.slot && a.cmds[words - 5] ==
		  ACCELDEV_USER_CMD_TYPE_FENCE, "the CODE BO's mapping after "
		  "removal: word 2 %#x, word %zu %#x", a.cmds[2], words - 5,
		  a.cmds[words - 5]);
	a.cmds[1000] = 0x600d;
	CHECK(a.cmds[1000] == 0x600d);
	acc_mapped_moved(a.d, DATA_BYTES, frames,
			 DATA_BYTES / 4096, "the data mapping");
	for (size_t i = 0; i < DATA_BYTES / 4; i++)
		CHECK_MSG(m3[i] == a.d[i], "word %zu of the dma-buf's mapping "
			  "after removal is %#x, the BO's %#x", i, m3[i],
			  a.d[i]);
	acc_mapped_moved(m3, DATA_BYTES, frames,
			 DATA_BYTES / 4096, "the dma-buf mapping");
	CHECK(munmap((void *)m3, DATA_BYTES) == 0);
	CHECK(close(dmabuf) == 0);
	acc_mapped_moved(a.cmds, 4096, frames + DATA_BYTES / 4096,
			 1, "the code mapping");

	CHECK(munmap((void *)m2, DATA_BYTES) == 0);
	acc_actx_close(&a);
	CHECK_MSG(acc_wait_for_path(node, false, 10), "%s still exists after "
		  "%s and close", node, acc_removal_name(&r));

	acc_removal_restore(&r);
	acc_watchdog(0, "");
	CHECK_MSG(acc_accel_path(1, node, sizeof(node)) &&
		  acc_wait_for_path(node, true, 10),
		  "no accel node for /dev/acceldev1 after %s",
		  how == ACC_REMOVAL_SYSFS ? "the rescan" : "device_add");
	acc_accel_check_device_works(1);
	acc_accel_check_device_works(0);
}

int main(void)
{
	acc_accel_require(2);
	round_of(ACC_REMOVAL_SYSFS, 1);
	round_of(ACC_REMOVAL_HOTPLUG, 2);
	return 0;
}
