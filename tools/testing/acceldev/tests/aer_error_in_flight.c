// SPDX-License-Identifier: GPL-2.0
/*
 * An uncorrectable PCI Express error reported by the function while a
 * context has work on the device (DRIVER.md, Life cycle): the kernel's
 * AER recovery resets the link, and the driver's error handlers take the
 * one recovery path. As function_reset_in_flight: the busy context fails
 * with EIO, an idle one carries on, new contexts work. The error comes
 * from QEMU's pcie_aer_inject_error through the bench's monitor; it needs
 * a function behind a PCIe port with AER (the --iommu tier).
 */
// vmtest: timeout=90 tiers=iommu
#include <stdbool.h>

#define EVENT_NAME "PCIe uncorrectable error"
#define EVENT_IN_FLIGHT inject_aer_error

#include "acceldev_knobs.h"

static void inject_aer_error(const char *bdf, bool check)
{
	struct acc_qemu_dev q;
	char path[160], out[256];

	if (check) {
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/aer_dev_nonfatal", bdf);
		if (access(path, R_OK) != 0)
			SKIP("%s reports no AER (not behind a PCIe port)", bdf);
		acc_require_monitor("inject a PCIe error");
		return;
	}
	acc_dev_qemu(0, &q);
	CHECK_MSG(acc_monitor(out, sizeof(out), "pcie_aer_inject_error %s %s",
			      q.id, "UNSUP") == 0,
		  "pcie_aer_inject_error: %s", out);
}

#include "function_reset_in_flight.c"
