// SPDX-License-Identifier: GPL-2.0
/*
 * System suspend and resume with work in flight (DRIVER.md, Life cycle):
 * the device loses its state in D3hot (DEVICE.md section 10), yet RUNs
 * submitted before the suspend complete after it, a WAIT sleeping across
 * it returns 0, and a context that was idle carries on. The suspend is
 * the kernel's own test cycle (/sys/power/pm_test = core: devices go
 * through every suspend phase, D3hot included, and the platform is not
 * entered), on a slowed device with 300 FILL + FENCE runs queued, more
 * than the device queue holds; those the device holds take about 0.5 s,
 * well within the 5 s suspend waits for them.
 */
// vmtest: timeout=150 tiers=debian,swiotlb,iommu
#include "acceldev_knobs.h"
#include "acceldev_stress.h"

#define RUNS 300
#define RUN_BYTES (2 * ACC_CMD_BYTES)

/*
 * suspend_s3_in_flight.c defines SUSPEND_CYCLE to its own suspend and
 * includes this file.
 */
#ifndef SUSPEND_CYCLE
#define SUSPEND_CYCLE suspend_test_cycle

/* With @check, skip where the cycle cannot run; else one cycle. */
static void suspend_test_cycle(bool check)
{
	if (check) {
		if (!acc_file_has("/sys/power/state", "mem") ||
		    access("/sys/power/pm_test", W_OK) != 0)
			SKIP("no suspend to memory, or no /sys/power/pm_test");
		return;
	}
	acc_write_file("/sys/power/pm_test", "core");
	acc_write_file("/sys/power/state", "mem");
	acc_write_file("/sys/power/pm_test", "none");
}
#endif

int main(void)
{
	int a = acc_open(0), b = acc_open(0);
	int acode = acc_create_buffer(a, RUNS * RUN_BYTES, BUFFER_TYPE_CODE,
				      NULL);
	int bcode = acc_create_buffer(b, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t aslot, bslot, *ac = acc_map(acode, RUNS * RUN_BYTES);
	uint32_t *bc = acc_map(bcode, 4096);
	int adata = acc_create_buffer(a, RUNS * 4, BUFFER_TYPE_DATA, &aslot);
	int bdata = acc_create_buffer(b, 4096, BUFFER_TYPE_DATA, &bslot);
	volatile uint32_t *aw = acc_map(adata, RUNS * 4);
	volatile uint32_t *bw = acc_map(bdata, 4096);
	struct acc_sleeper s = { .fd = -1, .ctx = a, .fence = RUNS };
	double t0;

	SUSPEND_CYCLE(true);

	acc_put_fence(bc, acc_put_fill(bc, 0, 0xb1, bslot, 0, 4096));
	acc_run(b, bcode, 0, 2 * ACC_CMD_BYTES);
	acc_wait(b, 1);

	for (uint32_t i = 0; i < RUNS; i++)
		acc_put_fence(ac, acc_put_fill(ac, i * RUN_BYTES / 4,
					       0xa000 + i, aslot, 4 * i, 4));
	acc_knob_set(0, "cmd-delay-us", "2000");
	for (uint32_t i = 0; i < RUNS; i++)
		acc_run(a, acode, i * RUN_BYTES, RUN_BYTES);
	acc_sleeper_start(&s);

	t0 = acc_now();
	SUSPEND_CYCLE(false);
	printf("suspend and resume took %.1f s\n", acc_now() - t0);
	acc_knob_set(0, "cmd-delay-us", "0");

	acc_watchdog(60, "WAIT after the resume");
	acc_sleeper_join(&s);
	CHECK_MSG(s.ret == 0, "WAIT(%d) across the suspend: %s", RUNS,
		  acc_errname(s.err));
	for (int i = 0; i < RUNS; i++)
		CHECK_MSG(aw[i] == 0xa000u + i, "A's word %d: %#x", i, aw[i]);

	acc_put_fence(bc, acc_put_fill(bc, 0, 0xb2, bslot, 0, 4096));
	acc_run(b, bcode, 0, 2 * ACC_CMD_BYTES);
	acc_wait(b, 2);
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(bw[i] == 0xb2, "B's word %d: %#x", i, bw[i]);
	acc_check_device_works(0);
	acc_watchdog(0, "");
	return 0;
}
