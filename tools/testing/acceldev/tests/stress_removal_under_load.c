// SPDX-License-Identifier: GPL-2.0
/*
 * Removal and hot-plug under load. Each round, the load engine
 * (acceldev_stress.h, removal mode: 2 processes x 3 threads, own and
 * shared contexts on both devices, several runs in flight, buffers
 * mapped) runs while one device is taken away and brought back:
 *  - even rounds: sysfs remove of its PCI function, then a PCI rescan;
 *  - odd rounds: device_del from the host through QEMU's monitor
 *    (vmtest-monitor), then device_add of a new Acceldev in the same
 *    place (plus a rescan if ACPI did not probe it); sysfs instead if
 *    there is no monitor or no hot-plug slot there.
 * The device removed alternates between /dev/acceldev1 and 0. The load's
 * processes must see only clean errors (ENODEV or EIO from ioctls, open
 * failing while the node is absent), read their old mappings without
 * faulting (failed runs' words hold the old value or the run's), never
 * hang (watchdog) and exit 0; every run whose WAIT returned 0 is verified.
 * Between rounds the module is unloaded and loaded again
 * ($ACCELDEV_MODULE), and after every round both devices work.
 * Rounds: 8 (each device both ways twice, 7 reloads; 2 on a debug
 * kernel, where a round takes a minute); ACCELDEV_LONG=1: 20.
 */
// vmtest: timeout=300
#include "acceldev_knobs.h"

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void wait_node(int dev, bool present, int seconds, const char *what)
{
	char path[64];

	acc_dev_path(path, sizeof(path), dev);
	CHECK_MSG(acc_wait_for_path(path, present, seconds), "%s %s after %s",
		  path, present ? "did not come back" : "still there", what);
}

int main(void)
{
	const char *ko = getenv("ACCELDEV_MODULE") ?: "/acceldev.ko";
	int rounds = ACC_SETTING(acc_debug_kernel() ? 2 : 8, 20);
	bool monitor;
	/*
	 * QEMU's functions and their ids. A rescan re-adds a function at the
	 * end of the bus's list, so after a reload the numbers of the devices
	 * may swap: the id to device_del is found from the node's PCI
	 * address. An earlier run in the same VM may have replaced the
	 * bench's acc0 and acc1, so the ids come from the monitor.
	 */
	struct acc_qemu_pci pci;
	struct acc_qemu_fn *fn;
	char place[64];
	unsigned int bus, slot;
	int by_sysfs = 0, by_monitor = 0, reloads = 0;
	struct acc_load L = {
		.mode = ACC_LOAD_REMOVAL,
		.procs = 2,
		.threads = 3,
		.ndevs = 2,
		.seconds = 3600,	/* stopped by us */
		.seed = acc_seed("ACCELDEV_LOAD_SEED"),
	};
	char cmd[160], bdf[64], path[PATH_MAX];
	double t0 = acc_now(), t_rm;

	acc_require_devices(2);
	if (access(ko, R_OK) != 0)
		SKIP("%s not found: cannot reload the module", ko);
	monitor = acc_have_monitor();
	printf("stress_removal_under_load: seed=%#llx monitor=%s\n",
	       (unsigned long long)L.seed, monitor ? "yes" : "no");
	L.st = acc_shared(sizeof(*L.st));
	L.stop = acc_shared(sizeof(*L.stop));
	if (monitor)
		acc_monitor_pci(&pci);

	for (int round = 0; round < rounds; round++) {
		int dev = round / 2 % 2 ? 0 : 1;
		bool by_mon = false;
		uint64_t runs0 = L.st->runs_done;

		acc_watchdog(150, "a removal round");
		*L.stop = 0;
		acc_load_start(&L);
		usleep(1500 * 1000);
		CHECK(acc_dev_bdf(dev, bdf, sizeof(bdf)));
		acc_bdf_split(bdf, &bus, &slot);
		if (monitor && round % 2 && acc_pci_hotpluggable(bdf)) {
			by_mon = true;
			fn = acc_qemu_fn_at(&pci, bus, slot);
			CHECK_MSG(fn && fn->id[0], "no QEMU id for %s", bdf);
			CHECK_MSG(acc_qemu_place(&pci, bus, slot, place,
						 sizeof(place)),
				  "no place for a new device at %s", bdf);
		}
		t_rm = acc_now();
		if (by_mon) {
			/* The new device takes the old one's place. */
			snprintf(cmd, sizeof(cmd), "vmtest-monitor device_del %s"
				 " >/dev/null", fn->id);
			CHECK_MSG(sh(cmd) == 0, "%s failed", cmd);
			wait_node(dev, false, 30, "device_del");
			/* QEMU frees the slot once the guest has ejected it,
			 * after the driver's remove: retry until then. */
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s",
				 bdf);
			CHECK_MSG(acc_wait_for_path(path, false, 60), "%s still "
				  "there 60 s after device_del", path);
			snprintf(fn->id, sizeof(fn->id), "acc%dr%d",
				 (int)getpid(), round);
			snprintf(cmd, sizeof(cmd), "vmtest-monitor device_add "
				 "acceldev,id=%s,%s >/dev/null", fn->id, place);
			for (int i = 0; sh(cmd) != 0; i++) {
				CHECK_MSG(i < 60, "%s failed for 30 s", cmd);
				usleep(500 * 1000);
			}
			if (!acc_wait_for_path(dev ? "/dev/acceldev1" :
					       "/dev/acceldev0", true, 5))
				acc_write_file("/sys/bus/pci/rescan", "1");
			by_monitor++;
		} else {
			snprintf(path, sizeof(path),
				 "/sys/bus/pci/devices/%s/remove", bdf);
			acc_write_file(path, "1");
			wait_node(dev, false, 30, "sysfs remove");
			usleep(500 * 1000);
			acc_write_file("/sys/bus/pci/rescan", "1");
			by_sysfs++;
		}
		wait_node(dev, true, 30, "re-adding");
		t_rm = acc_now() - t_rm;
		usleep(1000 * 1000);	/* load on the new device too */
		acc_load_stop(&L);
		acc_load_finish(&L);
		printf("stress_removal_under_load: round=%d removed=acceldev%d "
		       "how=%s remove_readd_s=%.1f runs_completed=%llu\n",
		       round, dev, by_mon ? "device_del" : "sysfs", t_rm,
		       (unsigned long long)(L.st->runs_done - runs0));
		acc_check_device_works(0);
		acc_check_device_works(1);
		if (round == rounds - 1)
			break;
		CHECK_MSG(sh("rmmod acceldev") == 0, "rmmod acceldev failed");
		wait_node(0, false, 10, "rmmod");
		wait_node(1, false, 10, "rmmod");
		snprintf(cmd, sizeof(cmd), "insmod %s", ko);
		CHECK_MSG(sh(cmd) == 0, "%s failed", cmd);
		wait_node(0, true, 10, "insmod");
		wait_node(1, true, 10, "insmod");
		reloads++;
	}
	acc_watchdog(0, "");
	acc_load_print("stress_removal_under_load", &L);
	printf("stress_removal_under_load: rounds=%d removals_sysfs=%d "
	       "removals_device_del=%d module_reloads=%d wall_s=%.1f\n",
	       rounds, by_sysfs, by_monitor, reloads, acc_now() - t0);
	CHECK_MSG(L.st->enodev > 0, "the load never saw ENODEV: removals "
		  "happened while nothing used the device?");
	CHECK_MSG(L.st->runs_done > 100, "only %llu runs completed",
		  (unsigned long long)L.st->runs_done);
	return 0;
}
