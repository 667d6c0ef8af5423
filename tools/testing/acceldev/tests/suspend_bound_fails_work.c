// SPDX-License-Identifier: GPL-2.0
/*
 * System suspend with work in flight that cannot finish within the
 * driver's bound (Documentation/acceldev.rst, "System sleep": suspend
 * waits at most 5 s, ACCELDEV_SUSPEND_WAIT_MS, for the commands fed). As
 * function_reset_in_flight, the event being this suspend: context A's
 * runs are fed to a device then slowed to 30 s a command, a thread of A
 * sleeps in WAIT; the suspend (the kernel's test cycle, /sys/power/pm_test
 * = core, as in suspend_resume_in_flight, its own 5 s pause set to 0
 * where the kernel has pm_test_delay) still completes, after about the
 * bound; D3hot resets the device. After the resume A's WAIT ends with EIO
 * and its next RUN is EIO; an idle context carries on; new contexts work.
 */
// vmtest: timeout=90 tiers=debian,swiotlb,iommu
#include <stdbool.h>

#define EVENT_NAME "suspend beyond its bound"
#define EVENT_IN_FLIGHT suspend_too_slow

#include "acceldev_knobs.h"

/* ACCELDEV_SUSPEND_WAIT_MS, in seconds. */
#define SUSPEND_BOUND_S 5.0
#define PM_TEST_DELAY "/sys/module/suspend/parameters/pm_test_delay"

static void suspend_too_slow(const char *bdf, bool check)
{
	double t0, dt;

	(void)bdf;
	if (check) {
		if (!acc_file_has("/sys/power/state", "mem") ||
		    access("/sys/power/pm_test", W_OK) != 0)
			SKIP("no suspend to memory, or no /sys/power/pm_test");
		if (access(PM_TEST_DELAY, W_OK) == 0)
			acc_setting_write(PM_TEST_DELAY, "0");
		return;
	}
	/* The command being executed now waits 30 s before it starts. */
	acc_knob_set(0, "cmd-delay-us", "30000000");
	acc_setting_write("/sys/power/pm_test", "core");
	t0 = acc_now();
	acc_write_file("/sys/power/state", "mem");
	dt = acc_now() - t0;
	acc_setting_write("/sys/power/pm_test", "none");
	printf("suspend and resume took %.1f s\n", dt);
	CHECK_MSG(dt >= SUSPEND_BOUND_S - 0.5, "suspend returned after %.1f s:"
		  " it did not wait for the work in flight", dt);
}

#include "function_reset_in_flight.c"
