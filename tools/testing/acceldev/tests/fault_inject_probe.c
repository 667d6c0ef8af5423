// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation-failure injection in probe: /dev/acceldev1's function is
 * unbound from the driver, then bound again by writing its address to
 * the driver's "bind" file, whose write runs the probe in this thread,
 * with the n-th allocation of that write made to fail
 * (/proc/thread-self/fail-nth, acceldev_fault.h). Each time the bind
 * either succeeds (/dev/acceldev1 comes back) or fails with ENOMEM and
 * leaves the function unbound, with no kernel report; then the next
 * round. Afterwards both devices work, and the VM's kmemleak scan shows
 * whether an error path of probe leaked. Skipped without fail-nth (exit
 * 4).
 *
 * A bind makes about 5900 allocations on the debug kernel, nearly all of
 * them in pcim_enable_device(): ACPI evaluates the _PRT method for the
 * INTx routing. Failures injected there are ACPICA's error paths, not
 * the driver's, and one of them is a use-after-free (KASAN:
 * slab-use-after-free in acpi_ns_check_package after "_PRT: Found
 * unexpected NULL package element", 6.12.118). By default the walk
 * injects the first HEAD points (kernfs, the driver core's links, the
 * device struct, the workqueue), which stay clear of it. With
 * ACCELDEV_LONG=1 it also takes every point of the last TAIL_SPAN of the
 * smaller of two binds' counts (the BAR, the config array, the IRQ, the
 * character device, debugfs, the driver core's uevent) until a bind
 * completes without reaching its n-th allocation: the count varies by a
 * hundred or so from bind to bind, so that tail may begin inside ACPI
 * and meet its bug. A bind with the unbind costs 2 to 5 s on the debug
 * kernel under TCG.
 */
// vmtest: timeout=120 tiers=debug
#include "acceldev_fault.h"

#define HEAD 12
#define TAIL_SPAN 200
#define PROBE_N (1u << 30)

static char bdf[32];

static bool bound(void)
{
	return access("/dev/acceldev1", F_OK) == 0;
}

static void unbind(void)
{
	acc_write_file(ACC_DRIVER_DIR "/unbind", bdf);
	CHECK_MSG(acc_wait_for_path("/dev/acceldev1", false, 30),
		  "/dev/acceldev1 still there after unbind");
}

/* Bind with the n-th allocation failing; true if it was injected. */
static bool bind_failing(unsigned int n, unsigned int *failed)
{
	int fd = open(ACC_DRIVER_DIR "/bind", O_WRONLY | O_CLOEXEC);
	ssize_t ret;
	bool inj;
	int err;

	CHECK_MSG(fd >= 0, "open bind: %s", acc_errname(errno));
	acc_fault_arm(n);
	ret = write(fd, bdf, strlen(bdf));
	err = errno;
	inj = acc_fault_disarm();
	close(fd);
	if (ret >= 0) {
		CHECK_MSG(acc_wait_for_path("/dev/acceldev1", true, 30),
			  "bind (n=%u) succeeded, no /dev/acceldev1", n);
		return inj;
	}
	CHECK_MSG(inj, "bind failed with %s although no allocation was made "
		  "to fail (n=%u, %u left)", acc_errname(err), n,
		  acc_fault_left);
	CHECK_MSG(err == ENOMEM, "bind with allocation %u made to fail: %s, "
		  "expected ENOMEM", n, acc_errname(err));
	CHECK_MSG(!bound(), "bind failed (n=%u) but /dev/acceldev1 exists", n);
	(*failed)++;
	return true;
}

/* Put the function back on the driver, whatever happened. */
static void rebind(void)
{
	if (bdf[0] && !bound()) {
		acc_try_write_file(ACC_DRIVER_DIR "/bind", bdf);
		acc_wait_for_path("/dev/acceldev1", true, 30);
	}
}

int main(void)
{
	unsigned int n, points = 0, failed = 0, total;
	double t0 = acc_now();

	acc_fault_setup();
	acc_require_devices(2);
	CHECK(acc_dev_bdf(1, bdf, sizeof(bdf)));
	atexit(rebind);

	/*
	 * How many allocations a bind makes when none fails: the fewer of
	 * two binds (the count varies by a hundred or so from bind to bind).
	 */
	total = PROBE_N;
	for (int i = 0; i < 2; i++) {
		unbind();
		CHECK_MSG(!bind_failing(PROBE_N, &failed), "a bind with %u "
			  "allocations?", PROBE_N);
		if (PROBE_N - acc_fault_left < total)
			total = PROBE_N - acc_fault_left;
	}
	CHECK_MSG(total > HEAD + TAIL_SPAN, "a bind with %u allocations",
		  total);
	for (n = 1; ; n++) {
		if (n == HEAD + 1 && !acc_long())
			break;
		if (n == HEAD + 1)
			n = total - TAIL_SPAN;
		if (bound())
			unbind();
		if (!bind_failing(n, &failed))
			break;
		points++;
		CHECK_MSG(n < total + 10000, "bind still failing at n=%u", n);
	}
	rebind();
	CHECK(bound());
	acc_check_device_works(1);
	acc_check_device_works(0);
	printf("fault_inject_probe: %u injection points of about %u "
	       "allocations in a bind, %u ENOMEM, %u absorbed, %.1f s\n",
	       points, total, failed, points - failed, acc_now() - t0);
	return 0;
}
