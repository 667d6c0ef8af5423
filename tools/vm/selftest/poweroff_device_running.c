// Bench self-test of "after-poweroff=devices-stopped": a test that powers
// the guest off leaving a device enabled and mastering the bus (set up
// here through sysfs: the self-tests run without acceldev.ko) must get
// the host's check of the device model as a FAIL naming that device.
// vmtest-expect: FAIL after poweroff: acc0: ENABLE=1
// vmtest: timeout=30 after-poweroff=devices-stopped
#include <sys/reboot.h>

#include "acceldev_raw.h"

int main(void)
{
	volatile uint32_t *bar;
	char bdf[32];
	int kmsg;

	/* acc0: the first function in PCI address order */
	CHECK_MSG(acc_raw_find(0, bdf, sizeof(bdf)), "no Acceldev function");
	acc_raw_command(bdf, ACC_PCI_COMMAND_MEMORY | ACC_PCI_COMMAND_MASTER,
			true);
	bar = acc_raw_map_bar(bdf);
	acc_raw_wr(bar, ACCELDEV_ENABLE, 1);
	CHECK(acc_raw_rd(bar, ACCELDEV_ENABLE) == 1);
	printf("selftest: %s enabled, bus mastering on: powering off\n", bdf);
	fflush(NULL);
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	CHECK(kmsg >= 0 && write(kmsg, "@@VMTEST-POWEROFF\n", 18) == 18);
	sync();
	reboot(RB_POWER_OFF);
	FAIL("reboot(RB_POWER_OFF): %s", acc_errname(errno));
}
