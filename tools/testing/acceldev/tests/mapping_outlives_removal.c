// SPDX-License-Identifier: GPL-2.0
/*
 * A user mapping outlives the removal of its device (DRIVER.md, "Device
 * removal while in use": existing mappings stay safe until unmapped). A
 * 64 KiB DATA buffer of /dev/acceldev1 is mapped twice and written from
 * user space, a RUN FILLs most of each page and WAIT returns; then the PCI
 * function is removed, in the first round through sysfs, in the second by
 * QEMU's device_del (hot-unplug). Both mappings must still read exactly
 * what the device and user space last wrote, share that memory (a write
 * through one is read through the other, and by a forked child, whose
 * writes come back), and so must the code buffer's mapping; none of them
 * may map a page frame that was the device's coherent memory before the
 * removal (that went back to the DMA API; pagemap); munmap and every
 * close work and the node goes away. A rescan (or device_add)
 * brings the device back and a new context works on it.
 */
// vmtest: timeout=120
#include "acceldev_removal.h"

#define DATA_BYTES (16 * 4096)
#define FRAMES (DATA_BYTES / 4096 + 1)

static void round_of(enum acc_removal_how how, int round)
{
	struct acc_removal r;
	uint32_t slot, *cmds;
	volatile uint32_t *m1, *m2;
	int ctx, code, data;
	uint64_t frames[FRAMES];
	size_t words;

	acc_removal_prepare(&r, 1, how);
	printf("round %d: %s of %s\n", round, acc_removal_name(&r), r.q.bdf);
	ctx = acc_open(1);
	code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	data = acc_create_buffer(ctx, DATA_BYTES, BUFFER_TYPE_DATA, &slot);
	cmds = acc_map(code, 4096);
	m1 = acc_map(data, DATA_BYTES);
	m2 = acc_map(data, DATA_BYTES);

	acc_mapped_user_fill(m1, DATA_BYTES);
	words = acc_mapped_put_fills(cmds, slot, DATA_BYTES, round);
	acc_run(ctx, code, 0, (uint32_t)(words * 4));
	acc_wait(ctx, 1);
	acc_mapped_check(m2, DATA_BYTES, round, "before removal");

	acc_mapped_pfns(m1, DATA_BYTES, frames);
	acc_mapped_pfns(cmds, 4096, frames + DATA_BYTES / 4096);
	acc_watchdog(90, acc_removal_name(&r));
	acc_removal_remove(&r);
	acc_mapped_after_removal(m1, m2, DATA_BYTES, round);
	CHECK_MSG(cmds[2] == slot && cmds[words - 5] ==
		  ACCELDEV_USER_CMD_TYPE_FENCE, "the code buffer's mapping "
		  "after removal: word 2 %#x, word %zu %#x", cmds[2], words - 5,
		  cmds[words - 5]);
	cmds[1000] = 0x600d;
	CHECK(cmds[1000] == 0x600d);
	acc_mapped_moved(m1, DATA_BYTES, frames,
			 DATA_BYTES / 4096, "the data mapping");
	acc_mapped_moved(cmds, 4096, frames + DATA_BYTES / 4096,
			 1, "the code mapping");

	CHECK(munmap((void *)m1, DATA_BYTES) == 0);
	CHECK(munmap((void *)m2, DATA_BYTES) == 0);
	CHECK(munmap(cmds, 4096) == 0);
	CHECK(close(data) == 0);
	CHECK(close(code) == 0);
	CHECK(close(ctx) == 0);
	CHECK_MSG(acc_wait_for_path("/dev/acceldev1", false, 10),
		  "/dev/acceldev1 still exists after %s and close",
		  acc_removal_name(&r));

	acc_removal_restore(&r);
	acc_watchdog(0, "");
	acc_check_device_works(1);
	acc_check_device_works(0);
}

int main(void)
{
	acc_require_devices(2);
	round_of(ACC_REMOVAL_SYSFS, 1);
	round_of(ACC_REMOVAL_HOTPLUG, 2);
	return 0;
}
