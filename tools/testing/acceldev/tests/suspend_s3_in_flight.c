// SPDX-License-Identifier: GPL-2.0
/*
 * suspend_resume_in_flight with a full suspend to RAM (ACPI S3) instead
 * of the kernel's test cycle: /sys/power/mem_sleep = deep, pm_test =
 * none, `echo mem > /sys/power/state`, and the host wakes the guest
 * through QEMU's monitor (system_wakeup, asked for beforehand with
 * `vmtest-monitor --on-suspend`). QEMU resets every device on the way
 * back, as a power loss does. The 300 slowed FILL + FENCE runs queued
 * before it complete after it with their data, a WAIT asleep across it
 * returns 0, and an idle context carries on. That the guest really slept
 * is seen from the clocks: CLOCK_BOOTTIME gains on CLOCK_MONOTONIC by the
 * time spent asleep. Not on QEMU's q35 machine (see suspend_to_ram()).
 */
// vmtest: timeout=150 tiers=debian,swiotlb
#include <stdbool.h>
#include <time.h>

#define SUSPEND_CYCLE suspend_to_ram

#include "acceldev_knobs.h"

/* Seconds the host waits, once QEMU reports the guest asleep. */
#define ASLEEP_S 2

/* CLOCK_BOOTTIME - CLOCK_MONOTONIC: the time spent suspended so far. */
static double time_asleep(void)
{
	struct timespec boot, mono;

	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (double)(boot.tv_sec - mono.tv_sec) +
	       (boot.tv_nsec - mono.tv_nsec) / 1e9;
}

/* With @check, skip or fail where S3 cannot run; else one S3 cycle. */
static void suspend_to_ram(bool check)
{
	char out[256];
	double asleep;

	if (check) {
		acc_require_monitor("wake the guest from S3");
		/*
		 * After a wake-up from S3, QEMU's q35 machine (the --iommu
		 * tier) no longer powers off (ACPI S5 returns) nor delivers
		 * injected AER errors: the VM would be lost for what follows.
		 */
		if (acc_file_has("/sys/class/dmi/id/product_name", "Q35"))
			SKIP("S3 leaves QEMU's q35 machine unable to power off");
		if (!acc_file_has("/sys/power/state", "mem"))
			SKIP("no suspend to memory in /sys/power/state");
		/* The bench's machines offer S3 (QEMU's disable_s3 is 0). */
		CHECK_MSG(acc_file_has("/sys/power/mem_sleep", "deep"),
			  "no \"deep\" in /sys/power/mem_sleep: no S3");
		acc_setting_write("/sys/power/mem_sleep", "deep");
		if (access("/sys/power/pm_test", W_OK) == 0)
			acc_setting_write("/sys/power/pm_test", "none");
		return;
	}
	CHECK_MSG(acc_monitor(out, sizeof(out), "--on-suspend %d system_wakeup",
			      ASLEEP_S) == 0, "vmtest-monitor --on-suspend: %s",
		  out);
	acc_watchdog(90, "suspend to RAM and resume");
	asleep = time_asleep();
	acc_write_file("/sys/power/state", "mem");
	asleep = time_asleep() - asleep;
	printf("asleep for %.1f s\n", asleep);
	CHECK_MSG(asleep >= ASLEEP_S - 1, "the guest was asleep for %.1f s "
		  "only: no S3", asleep);
}

#include "suspend_resume_in_flight.c"
