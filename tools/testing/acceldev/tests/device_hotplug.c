// SPDX-License-Identifier: GPL-2.0
/*
 * Hot-unplug and hot-plug through QEMU's monitor (the bench's
 * vmtest-monitor helper): device_del of the second device (id acc1)
 * while this process has a context on it with slow runs pending and a
 * thread asleep in WAIT. The WAIT ends with EIO or ENODEV, ioctls on the
 * old fds fail with ENODEV or EIO, mappings stay usable, closing works
 * and /dev/acceldev1 goes away. Then device_add of a new Acceldev (and a
 * PCI rescan, if ACPI hotplug did not already probe it) brings
 * /dev/acceldev1 back (number reused), and it works.
 * The device is slowed (cmd-delay-us=40000, set at run time through the
 * monitor); the new one has the same QEMU id and PCI place (slot on the
 * root bus, or root port on q35) as the old one
 * and default settings, so that the tests after this one in the same VM
 * find the VM as it was.
 */
// vmtest: timeout=180
#include <pthread.h>

#include "acceldev_knobs.h"

/* Enough slow work (>= 20 s) that removal always comes first. */
#define RUNS 1000

static int ctx;
static int wait_ret, wait_errno;

static void *waiter(void *arg)
{
	(void)arg;
	wait_ret = acc_try_wait(ctx, RUNS);
	wait_errno = errno;
	return NULL;
}

int main(void)
{
	pthread_t th;
	struct acc_qemu_dev q;
	char cmd[160], path[PATH_MAX];

	acc_require_devices(2);
	acc_require_monitor("hot-plug devices");
	acc_dev_qemu(1, &q);
	if (!acc_pci_hotpluggable(q.bdf))
		SKIP("the guest kernel has no hot-plug slot at %s (no acpiphp or pciehp, or a root bus that cannot hot-plug, as q35's)", q.bdf);
	CHECK_MSG(q.place[0], "the device at %s sits behind a bridge without "
		  "a QEMU id: a new one cannot be put in its place", q.bdf);
	acc_knob_set(1, "cmd-delay-us", "40000");

	ctx = acc_open(1);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot;
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, 4096);
	uint32_t *d = acc_map(data, 4096);

	acc_put_fence(cmds, acc_put_fill(cmds, 0, 0x1111, slot, 0, 4096));
	/*
	 * system() below blocks SIGCHLD in this thread only; the exit of its
	 * child would then wake the waiter thread. Block SIGCHLD in every
	 * thread: this test is about removal, not signals (for those, see
	 * wait_restarts_after_ignored_signal).
	 */
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	CHECK(pthread_sigmask(SIG_BLOCK, &chld, NULL) == 0);
	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, code, 0, 40);
	CHECK(pthread_create(&th, NULL, waiter, NULL) == 0);
	usleep(300 * 1000);

	acc_watchdog(150, "hot-unplug of acc1");
	/* Should the test fail from here on, the device comes back. */
	snprintf(cmd, sizeof(cmd), "device_add acceldev,id=%s,%s", q.id,
		 q.place);
	acc_knobs_readd(1, cmd);
	snprintf(cmd, sizeof(cmd), "vmtest-monitor device_del %s", q.id);
	CHECK_MSG(system(cmd) == 0, "%s failed", cmd);
	pthread_join(th, NULL);
	CHECK_MSG(wait_ret != 0, "all %d runs finished before the removal took"
		  " effect: make the backlog longer", RUNS);
	CHECK_MSG(wait_ret == -1 && (wait_errno == EIO || wait_errno == ENODEV),
		  "pending WAIT returned %d, errno %s; want EIO or ENODEV",
		  wait_ret, acc_errname(wait_errno));
	EXPECT_ERRNO2(acc_try_run(ctx, code, 0, 40), ENODEV, EIO);
	EXPECT_ERRNO2(acc_try_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, NULL),
		      ENODEV, EIO);
	d[7] = 7;
	CHECK(d[7] == 7);
	munmap(cmds, 4096);
	munmap(d, 4096);
	CHECK(close(code) == 0 && close(data) == 0 && close(ctx) == 0);
	CHECK_MSG(acc_wait_for_path("/dev/acceldev1", false, 20),
		  "/dev/acceldev1 still exists after device_del");
	acc_check_device_works(0);

	/* QEMU frees the id and the slot once the guest has ejected it. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", q.bdf);
	CHECK_MSG(acc_wait_for_path(path, false, 60), "%s still there 60 s "
		  "after device_del", path);
	snprintf(cmd, sizeof(cmd), "vmtest-monitor device_add acceldev,id=%s,"
		 "%s >/dev/null", q.id, q.place);
	for (int i = 0; system(cmd) != 0; i++) {
		CHECK_MSG(i < 60, "%s failed for 30 s", cmd);
		usleep(500 * 1000);
	}
	if (!acc_wait_for_path("/dev/acceldev1", true, 5)) {
		int fd = open("/sys/bus/pci/rescan", O_WRONLY);

		CHECK(fd >= 0 && write(fd, "1", 1) == 1);
		close(fd);
	}
	CHECK_MSG(acc_wait_for_path("/dev/acceldev1", true, 20),
		  "/dev/acceldev1 did not come back after device_add");
	acc_watchdog(0, "");
	acc_check_device_works(1);
	return 0;
}
