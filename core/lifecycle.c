// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev life-cycle events of the PCI function besides probe and
 * remove: system sleep, PCI errors, function resets and shutdown. A
 * device that lost its state goes through the one recovery path
 * (Documentation/acceldev.rst, "Life cycle").
 */

#include <linux/pci.h>
#include <linux/pm.h>

#include "acceldev.h"

/* How long suspend lets work in flight finish before it is failed. */
#define ACCELDEV_SUSPEND_WAIT_MS	5000

/*
 * Take the hardware from the work and the watchdog; with @stop, also stop
 * the device (not while a PCI error may have cut it off).
 *
 * Context: process; takes adev->lock.
 */
static void acceldev_freeze(struct acceldev_device *adev, bool stop)
{
	mutex_lock(&adev->lock);
	adev->frozen = true;
	if (stop)
		acceldev_hw_stop(adev);
	mutex_unlock(&adev->lock);
	cancel_delayed_work_sync(&adev->hang_work);
}

/*
 * Give the hardware back: restart a device that kept its state; one that
 * lost it (a reset, D3hot) fails the work it held and starts afresh. With
 * @suspect (a PCI error: a transfer may have been lost), work in flight
 * fails even where the device kept its queue.
 *
 * Context: process; takes adev->lock.
 */
static void acceldev_thaw(struct acceldev_device *adev, const char *why,
			  bool suspect)
{
	u64 done;

	mutex_lock(&adev->lock);
	adev->suspending = false;
	done = READ_ONCE(adev->done_seq);
	if (!acceldev_hw_configured(adev))
		acceldev_recover_reset_locked(adev, why);
	else if (suspect && adev->feed.fed_seq > done)
		acceldev_recover_locked(adev, why, done, false);
	else
		acceldev_hw_restart(adev);
	adev->frozen = false;
	mutex_unlock(&adev->lock);
	acceldev_dispatch_kick(adev);
}

static int acceldev_suspend(struct device *dev)
{
	struct acceldev_device *adev = dev_get_drvdata(dev);
	u64 seq;
	int ret;

	mutex_lock(&adev->lock);
	adev->suspending = true;
	seq = adev->feed.fed_seq;
	mutex_unlock(&adev->lock);

	ret = acceldev_sync_timeout(adev, seq,
				    msecs_to_jiffies(ACCELDEV_SUSPEND_WAIT_MS));
	if (ret)
		dev_warn(dev, "suspended with work in flight (%d)\n", ret);
	acceldev_freeze(adev, true);
	return 0;
}

static int acceldev_resume(struct device *dev)
{
	acceldev_thaw(dev_get_drvdata(dev), "resume with work in flight", false);
	return 0;
}

DEFINE_SIMPLE_DEV_PM_OPS(acceldev_pm_ops, acceldev_suspend, acceldev_resume);

static pci_ers_result_t acceldev_error_detected(struct pci_dev *pdev,
						pci_channel_state_t state)
{
	if (state == pci_channel_io_perm_failure)
		return PCI_ERS_RESULT_DISCONNECT;
	acceldev_freeze(pci_get_drvdata(pdev), state == pci_channel_io_normal);
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t acceldev_slot_reset(struct pci_dev *pdev)
{
	pci_restore_state(pdev);
	pci_save_state(pdev);
	return PCI_ERS_RESULT_RECOVERED;
}

static void acceldev_error_resume(struct pci_dev *pdev)
{
	acceldev_thaw(pci_get_drvdata(pdev), "PCI error", true);
}

static void acceldev_reset_prepare(struct pci_dev *pdev)
{
	acceldev_freeze(pci_get_drvdata(pdev), true);
}

static void acceldev_reset_done(struct pci_dev *pdev)
{
	acceldev_thaw(pci_get_drvdata(pdev), "function reset", false);
}

const struct pci_error_handlers acceldev_err_handlers = {
	.error_detected = acceldev_error_detected,
	.slot_reset = acceldev_slot_reset,
	.resume = acceldev_error_resume,
	.reset_prepare = acceldev_reset_prepare,
	.reset_done = acceldev_reset_done,
};

/**
 * acceldev_shutdown() - reboot or kexec: the device stops for good
 * @pdev: the PCI function.
 *
 * Drains the device queue (every context marked in error first, so that
 * nothing queued runs) and turns bus mastering off: the next kernel's
 * memory is safe from anything this one gave the device.
 *
 * Context: process (device_shutdown()).
 */
void acceldev_shutdown(struct pci_dev *pdev)
{
	struct acceldev_device *adev = pci_get_drvdata(pdev);

	acceldev_freeze(adev, false);
	if (acceldev_hw_drain(adev) == -ETIMEDOUT)
		dev_warn(&pdev->dev, "device did not drain its queue at shutdown\n");
	pci_clear_master(pdev);
}
