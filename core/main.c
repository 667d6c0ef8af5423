// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev PCI driver: module, PCI probe/remove, character devices.
 *
 * Every Acceldev PCI function gets /dev/acceldevN, N the lowest number
 * free at probe time (so a removed device's number is reused). The
 * &struct acceldev_device is reference-counted: the PCI binding holds one
 * reference from probe to remove, each open context one more, and the
 * memory goes with the last.
 */

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "acceldev.h"
#include "regs.h"

/* The kernel's view of the config entry must match the ABI's, byte for byte. */
static_assert(sizeof(struct acceldev_hw_context) ==
	      sizeof(struct acceldev_context_on_device_config));
static_assert(offsetof(struct acceldev_hw_context, fence_counter) ==
	      offsetof(struct acceldev_context_on_device_config, fence_counter));
static_assert(offsetof(struct acceldev_hw_context, status) ==
	      offsetof(struct acceldev_context_on_device_config, status));

static dev_t acceldev_devt;

static const struct class acceldev_class = {
	.name = ACCELDEV_NAME,
	.dev_groups = acceldev_sysfs_groups,
};

/* Protects acceldev_minors[]: the devices that can be opened, by minor. */
static DEFINE_MUTEX(acceldev_minors_lock);
static struct acceldev_device *acceldev_minors[ACCELDEV_MAX_DEVICES];

static void acceldev_device_release(struct kref *ref)
{
	/* SAFETY: @ref is embedded in a device. */
	struct acceldev_device *adev =
		container_of(ref, struct acceldev_device, ref);

	if (adev->wq)
		destroy_workqueue(adev->wq);
	ida_destroy(&adev->ctx_ids);
	mutex_destroy(&adev->lock);
	pci_dev_put(adev->pdev);
	kfree(adev);
}

/**
 * acceldev_device_put() - drop a reference on a device
 * @adev: the device.
 *
 * Context: process; the last reference flushes the workqueue (sleeps).
 */
void acceldev_device_put(struct acceldev_device *adev)
{
	kref_put(&adev->ref, acceldev_device_release);
}

/**
 * acceldev_device_lookup() - find the device behind a minor, for open
 * @minor: minor number of /dev/acceldevN.
 *
 * Context: process, takes acceldev_minors_lock.
 * Return: the device with a new reference the caller must put, or NULL if
 * no device has that number (any more).
 */
struct acceldev_device *acceldev_device_lookup(unsigned int minor)
{
	struct acceldev_device *adev = NULL;

	mutex_lock(&acceldev_minors_lock);
	if (minor < ACCELDEV_MAX_DEVICES && acceldev_minors[minor]) {
		adev = acceldev_minors[minor];
		kref_get(&adev->ref);
	}
	mutex_unlock(&acceldev_minors_lock);
	return adev;
}

/**
 * acceldev_hw_start() - the start-up sequence of DEVICE.md section 7
 * @adev: the device; stopped.
 *
 * Context: process; probe, or the work with &acceldev_device.lock held.
 */
void acceldev_hw_start(struct acceldev_device *adev)
{
	acceldev_write(adev, ACCELDEV_INTR, U32_MAX);
	acceldev_hw_restart(adev);
}

/**
 * acceldev_hw_restart() - the start-up sequence without clearing INTR
 * @adev: the device; stopped.
 *
 * After a device-level error the bits in INTR are real events (the
 * command being executed when the device stopped was finished): they
 * raise the interrupt as soon as it is enabled.
 *
 * Context: process; the work with &acceldev_device.lock held.
 */
void acceldev_hw_restart(struct acceldev_device *adev)
{
	acceldev_write(adev, ACCELDEV_INTR_ENABLE, ACCELDEV_INTR_ALL);
	acceldev_write(adev, ACCELDEV_CONTEXTS_CONFIGS,
		       lower_32_bits(adev->configs_dma));
	acceldev_write(adev, ACCELDEV_CONTEXTS_CONFIGS + sizeof(u32),
		       upper_32_bits(adev->configs_dma));
	acceldev_write(adev, ACCELDEV_ENABLE, 1);
	acceldev_write(adev, ACCELDEV_CMD_FENCE_WAIT, adev->fence_val);
}

/**
 * acceldev_hw_stop() - stop processing and interrupts
 * @adev: the device.
 *
 * Context: process; probe/remove, or the work with the lock held.
 */
void acceldev_hw_stop(struct acceldev_device *adev)
{
	acceldev_write(adev, ACCELDEV_ENABLE, 0);
	acceldev_write(adev, ACCELDEV_INTR_ENABLE, 0);
}

/* Longest a drain may take: a full queue of slow commands, and then some. */
#define ACCELDEV_DRAIN_TIMEOUT_US	(30 * USEC_PER_SEC)
/* FENCEs a drain feeds before it gives up on a device dropping them all. */
#define ACCELDEV_DRAIN_FEEDS		8

static bool acceldev_drained(struct acceldev_device *adev, u32 val)
{
	/* All ones from INTR: the device is gone and does no more DMA. */
	return acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST) == val ||
	       acceldev_read(adev, ACCELDEV_INTR) == U32_MAX;
}

/**
 * acceldev_hw_drain() - empty the device queue without running anything
 * @adev: the device; nobody else touches the hardware (probe, or remove
 *        after the IRQ was freed and the work cancelled).
 *
 * The device queue outlives the driver: commands left in it by a removed
 * driver instance would run against the next one's contexts, through
 * page tables long freed. So every context is marked in error (the device
 * skips their RUNs) and unbound, a FENCE is fed behind whatever is queued
 * (again if the device dropped it with FEED_ERROR), and we sleep until it
 * executed. Polled: interrupts are off here.
 *
 * Context: process, may sleep (up to %ACCELDEV_DRAIN_TIMEOUT_US, and as
 * long again for each FENCE fed while there is no room).
 * Return: 0 once the device is idle and stopped, -ETIMEDOUT if it never
 * drained; then its DMA memory must not be freed.
 */
static int acceldev_hw_drain(struct acceldev_device *adev)
{
	unsigned int id, tries;
	bool drained;
	u32 free, val;

	acceldev_hw_stop(adev);
	/* Stopped: entries may be rewritten (DEVICE.md section 3). */
	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++) {
		memset(&adev->configs[id], 0, sizeof(adev->configs[id]));
		adev->configs[id].status = ACCELDEV_CONTEXT_STATUS_ERROR;
	}
	acceldev_write(adev, ACCELDEV_CONTEXTS_CONFIGS,
		       lower_32_bits(adev->configs_dma));
	acceldev_write(adev, ACCELDEV_CONTEXTS_CONFIGS + sizeof(u32),
		       upper_32_bits(adev->configs_dma));
	acceldev_write(adev, ACCELDEV_ENABLE, 1);

	for (tries = 0; tries < ACCELDEV_DRAIN_FEEDS; tries++) {
		/*
		 * Room for the FENCE: FREE above the reserve means a real
		 * free entry even on a device that over-reports by one.
		 */
		read_poll_timeout(acceldev_read, free,
				  free > ACCELDEV_QUEUE_RESERVE, USEC_PER_MSEC,
				  ACCELDEV_DRAIN_TIMEOUT_US, false,
				  adev, CMD_MANUAL_FREE);
		acceldev_write(adev, ACCELDEV_INTR, U32_MAX);
		val = ++adev->fence_val;
		acceldev_feed_fence_cmd(adev, val);
		/* A FENCE the device dropped never executes: feed another. */
		if (!(acceldev_read(adev, ACCELDEV_INTR) &
		      ACCELDEV_INTR_FEED_ERROR))
			break;
	}
	read_poll_timeout(acceldev_drained, drained, drained,
			  USEC_PER_MSEC, ACCELDEV_DRAIN_TIMEOUT_US, false,
			  adev, val);

	acceldev_hw_stop(adev);
	acceldev_write(adev, ACCELDEV_INTR, U32_MAX);
	memset(adev->configs, 0,
	       sizeof(*adev->configs) * ACCELDEV_MAX_CONTEXTS);
	return drained ? 0 : -ETIMEDOUT;
}

static int acceldev_chardev_register(struct acceldev_device *adev)
{
	struct device *chardev;
	dev_t devt;
	int minor, ret;

	mutex_lock(&acceldev_minors_lock);
	for (minor = 0; minor < ACCELDEV_MAX_DEVICES; minor++)
		if (!acceldev_minors[minor])
			break;
	if (minor == ACCELDEV_MAX_DEVICES) {
		ret = -EBUSY;
		goto out_unlock;
	}
	devt = MKDEV(MAJOR(acceldev_devt), minor);

	/* Allocated apart: open files keep the cdev alive after removal. */
	adev->cdev = cdev_alloc();
	if (!adev->cdev) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	adev->cdev->owner = THIS_MODULE;
	adev->cdev->ops = &acceldev_fops;
	ret = cdev_add(adev->cdev, devt, 1);
	if (ret)
		goto err_cdev;

	chardev = device_create(&acceldev_class, &adev->pdev->dev, devt, adev,
				ACCELDEV_NAME "%d", minor);
	if (IS_ERR(chardev)) {
		ret = PTR_ERR(chardev);
		goto err_cdev;
	}
	adev->chardev = chardev;
	adev->minor = minor;
	acceldev_minors[minor] = adev;
	mutex_unlock(&acceldev_minors_lock);
	return 0;

err_cdev:
	cdev_del(adev->cdev);
out_unlock:
	mutex_unlock(&acceldev_minors_lock);
	return ret;
}

static void acceldev_chardev_unregister(struct acceldev_device *adev)
{
	mutex_lock(&acceldev_minors_lock);
	acceldev_minors[adev->minor] = NULL;
	device_destroy(&acceldev_class, adev->chardev->devt);
	cdev_del(adev->cdev);
	mutex_unlock(&acceldev_minors_lock);
}

static int acceldev_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct acceldev_device *adev;
	int ret;

	adev = kzalloc(sizeof(*adev), GFP_KERNEL);
	if (!adev)
		return -ENOMEM;
	kref_init(&adev->ref);
	mutex_init(&adev->lock);
	ida_init(&adev->ctx_ids);
	INIT_LIST_HEAD(&adev->buffers);
	acceldev_dispatch_init(adev);
	adev->pdev = pci_dev_get(pdev);

	adev->wq = alloc_ordered_workqueue("acceldev/%s", 0, pci_name(pdev));
	if (!adev->wq) {
		ret = -ENOMEM;
		goto err_free;
	}

	ret = pci_enable_device(pdev);
	if (ret)
		goto err_wq;
	ret = pci_request_regions(pdev, ACCELDEV_NAME);
	if (ret)
		goto err_disable;
	adev->regs = pci_iomap(pdev, 0, ACCELDEV_BAR_SIZE);
	if (!adev->regs) {
		ret = -ENOMEM;
		goto err_regions;
	}
	/* Pages and page tables must lie below 1 TiB (40-bit PTEs). */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(40));
	if (ret)
		goto err_iounmap;
	pci_set_master(pdev);

	adev->configs = dma_alloc_coherent(&pdev->dev,
					   sizeof(*adev->configs) *
					   ACCELDEV_MAX_CONTEXTS,
					   &adev->configs_dma, GFP_KERNEL);
	if (!adev->configs) {
		ret = -ENOMEM;
		goto err_master;
	}

	/* Commands a previous driver instance left behind must not run. */
	ret = acceldev_hw_drain(adev);
	if (ret) {
		dev_err(&pdev->dev, "device does not drain its queue\n");
		goto err_configs;
	}

	/* Stopped with INTR clear until the handler is in place. */
	ret = request_irq(pdev->irq, acceldev_irq_handler, IRQF_SHARED,
			  ACCELDEV_NAME, adev);
	if (ret)
		goto err_configs;

	acceldev_write(adev, ACCELDEV_CMD_FENCE_LAST, adev->fence_val);
	acceldev_hw_start(adev);

	pci_set_drvdata(pdev, adev);
	ret = acceldev_chardev_register(adev);
	if (ret)
		goto err_stop;

	acceldev_debugfs_add(adev);
	dev_info(&pdev->dev, "acceldev%d ready\n", adev->minor);
	return 0;

err_stop:
	acceldev_hw_stop(adev);
	free_irq(pdev->irq, adev);
err_configs:
	dma_free_coherent(&pdev->dev,
			  sizeof(*adev->configs) * ACCELDEV_MAX_CONTEXTS,
			  adev->configs, adev->configs_dma);
err_master:
	pci_clear_master(pdev);
err_iounmap:
	pci_iounmap(pdev, adev->regs);
err_regions:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_wq:
err_free:
	acceldev_device_put(adev);
	return ret;
}

/*
 * acceldev_remove() - the device goes away, possibly while in use
 *
 * Order matters: first no new opens; then, under the device lock, mark it
 * gone, drop the pending list and wake every sleeper (sync waiters with
 * -ENODEV, WAITs with -ENODEV) and mask interrupts; then make sure the
 * interrupt handler and the work are finished; then drain the device
 * queue, so that no command fed earlier can still touch memory; then take
 * the DMA mappings away from buffers that are still open (their pages stay
 * for user mappings) and free the config array. Open files keep the
 * structure until they close.
 */
static void acceldev_remove(struct pci_dev *pdev)
{
	struct acceldev_device *adev = pci_get_drvdata(pdev);
	struct acceldev_buffer *buf, *tmp;
	struct acceldev_context *ctx;
	unsigned int id;

	acceldev_debugfs_remove(adev);
	acceldev_chardev_unregister(adev);

	mutex_lock(&adev->lock);
	spin_lock(&adev->queue_lock);
	adev->gone = true;
	acceldev_dispatch_abort(adev);
	spin_unlock(&adev->queue_lock);

	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++) {
		ctx = adev->contexts[id];
		if (!ctx)
			continue;
		spin_lock(&ctx->lock);
		ctx->detached = true;
		acceldev_context_fail_waiters_locked(ctx, -ENODEV);
		spin_unlock(&ctx->lock);
	}
	acceldev_write(adev, ACCELDEV_INTR_ENABLE, 0);
	mutex_unlock(&adev->lock);

	free_irq(pdev->irq, adev);
	/* Queued again after this? It will see @gone and do nothing. */
	cancel_work_sync(&adev->work);

	/*
	 * Runs already fed may still be executing: only once the queue is
	 * drained may their memory go. A device that never drains keeps its
	 * DMA memory for good rather than scribbling over freed pages.
	 */
	if (acceldev_hw_drain(adev)) {
		dev_err(&pdev->dev,
			"device does not drain its queue; leaking its DMA memory\n");
		goto out_release;
	}

	mutex_lock(&adev->lock);
	list_for_each_entry_safe(buf, tmp, &adev->buffers, node)
		acceldev_buffer_unmap_locked(buf);
	dma_free_coherent(&pdev->dev,
			  sizeof(*adev->configs) * ACCELDEV_MAX_CONTEXTS,
			  adev->configs, adev->configs_dma);
	adev->configs = NULL;
	mutex_unlock(&adev->lock);

out_release:

	pci_clear_master(pdev);
	pci_iounmap(pdev, adev->regs);
	pci_release_regions(pdev);
	pci_disable_device(pdev);

	dev_info(&pdev->dev, "acceldev%d removed\n", adev->minor);
	acceldev_device_put(adev);
}

static const struct pci_device_id acceldev_pci_ids[] = {
	{ PCI_DEVICE(ACCELDEV_VENDOR_ID, ACCELDEV_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, acceldev_pci_ids);

static struct pci_driver acceldev_pci_driver = {
	.name = ACCELDEV_NAME,
	.id_table = acceldev_pci_ids,
	.probe = acceldev_probe,
	.remove = acceldev_remove,
};

static int __init acceldev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&acceldev_devt, 0, ACCELDEV_MAX_DEVICES,
				  ACCELDEV_NAME);
	if (ret)
		return ret;
	acceldev_debugfs_init();
	ret = class_register(&acceldev_class);
	if (ret)
		goto err_region;
	ret = pci_register_driver(&acceldev_pci_driver);
	if (ret)
		goto err_class;
	return 0;

err_class:
	class_unregister(&acceldev_class);
err_region:
	acceldev_debugfs_exit();
	unregister_chrdev_region(acceldev_devt, ACCELDEV_MAX_DEVICES);
	return ret;
}

static void __exit acceldev_exit(void)
{
	pci_unregister_driver(&acceldev_pci_driver);
	class_unregister(&acceldev_class);
	acceldev_debugfs_exit();
	unregister_chrdev_region(acceldev_devt, ACCELDEV_MAX_DEVICES);
}

module_init(acceldev_init);
module_exit(acceldev_exit);

MODULE_DESCRIPTION("Acceldev PCI machine-learning accelerator");
MODULE_LICENSE("GPL");
