// SPDX-License-Identifier: GPL-2.0
/*
 * A function reset through sysfs while a context has work on the device
 * (DRIVER.md, Life cycle): it goes through the one recovery path. The
 * busy context's WAIT ends with EIO within seconds and its next RUN is
 * EIO; a context that was idle carries on; new contexts work. The kernel
 * resets the function by its reset_method: on the pc machine the D3hot
 * transition of the PCI power-management capability, on q35 FLR.
 */
// vmtest: timeout=90
#include "acceldev_knobs.h"
#include "acceldev_stress.h"

#define RUNS 40

/*
 * aer_error_in_flight.c and suspend_bound_fails_work.c define
 * EVENT_IN_FLIGHT (and EVENT_NAME) to their own event and include this
 * file.
 */
#ifndef EVENT_IN_FLIGHT
#define EVENT_NAME "function reset"
#define EVENT_IN_FLIGHT reset_function

/* Skips the test where the function has no reset method. */
static void reset_function_check(const char *bdf)
{
	char path[160], method[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method",
		 bdf);
	f = fopen(path, "r");
	if (!f || !fgets(method, sizeof(method), f) || !method[0])
		SKIP("%s has no reset method", bdf);
	fclose(f);
	printf("reset_method: %s", method);
}

static void reset_function(const char *bdf, bool check)
{
	char path[160];

	if (check) {
		reset_function_check(bdf);
		return;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset", bdf);
	acc_write_file(path, "1");
}
#endif

int main(void)
{
	int a = acc_open(0), b = acc_open(0);
	int acode = acc_create_buffer(a, 4096, BUFFER_TYPE_CODE, NULL);
	int bcode = acc_create_buffer(b, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t aslot, bslot, *ac = acc_map(acode, 4096);
	uint32_t *bc = acc_map(bcode, 4096);
	int adata = acc_create_buffer(a, 4096, BUFFER_TYPE_DATA, &aslot);
	int bdata = acc_create_buffer(b, 4096, BUFFER_TYPE_DATA, &bslot);
	volatile uint32_t *bw = acc_map(bdata, 4096);
	struct acc_sleeper s = { .fd = -1, .ctx = a, .fence = RUNS };
	char bdf[64];

	CHECK(acc_dev_bdf(0, bdf, sizeof(bdf)));
	EVENT_IN_FLIGHT(bdf, true);

	acc_put_fence(bc, acc_put_fill(bc, 0, 0xb1, bslot, 0, 4096));
	acc_run(b, bcode, 0, 2 * ACC_CMD_BYTES);
	acc_wait(b, 1);

	acc_put_fence(ac, acc_put_fill(ac, 0, 0xa1, aslot, 0, 4096));
	acc_knob_set(0, "cmd-delay-us", "100000");
	for (int i = 0; i < RUNS; i++)
		acc_run(a, acode, 0, 2 * ACC_CMD_BYTES);
	acc_sleeper_start(&s);
	usleep(300 * 1000);

	EVENT_IN_FLIGHT(bdf, false);
	acc_knob_set(0, "cmd-delay-us", "0");

	acc_watchdog(30, "WAIT across a " EVENT_NAME);
	acc_sleeper_join(&s);
	CHECK_MSG(s.ret == -1 && s.err == EIO, "A's WAIT(%d): %s", RUNS,
		  s.ret ? acc_errname(s.err) : "0");
	EXPECT_ERRNO(acc_try_run(a, acode, 0, 2 * ACC_CMD_BYTES), EIO);

	acc_put_fence(bc, acc_put_fill(bc, 0, 0xb2, bslot, 0, 4096));
	acc_run(b, bcode, 0, 2 * ACC_CMD_BYTES);
	acc_wait(b, 2);
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(bw[i] == 0xb2, "B's word %d: %#x", i, bw[i]);
	acc_check_device_works(0);
	acc_watchdog(0, "");
	close(adata);
	return 0;
}
