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

#include <linux/cc_platform.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "accel.h"
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
	struct acceldev_device *adev =
		container_of(ref, struct acceldev_device, ref);

	if (adev->wq)
		destroy_workqueue(adev->wq);
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

/*
 * How long the device may make no progress on the work it holds before the
 * driver gives up on it: the dispatcher's watchdog then declares it hung
 * (acceldev_hang_work()), and removal and probe stop waiting for it to
 * drain.
 */
unsigned int acceldev_hang_timeout_ms = 30000;
module_param_named(hang_timeout_ms, acceldev_hang_timeout_ms, uint, 0644);
MODULE_PARM_DESC(hang_timeout_ms,
		 "Declare a device hung after this long without progress on work it holds (ms, default 30000, at least 100)");

unsigned int acceldev_run_backlog = 4096;
module_param_named(run_backlog, acceldev_run_backlog, uint, 0444);
MODULE_PARM_DESC(run_backlog,
		 "RUNs one context may have waiting in the driver; a RUN beyond them sleeps (default 4096, at least 1)");

/**
 * acceldev_hang_timeout() - hang_timeout_ms in jiffies
 *
 * Context: any.
 * Return: the timeout, at least 100 ms.
 */
unsigned long acceldev_hang_timeout(void)
{
	return msecs_to_jiffies(max(READ_ONCE(acceldev_hang_timeout_ms), 100U));
}

/* Enable interrupt bits, and tell the IRQ handler which bits are ours. */
static void acceldev_hw_set_intr(struct acceldev_device *adev, u32 mask)
{
	WRITE_ONCE(adev->intr_mask, mask);
	acceldev_write(adev, ACCELDEV_INTR_ENABLE, mask);
}

/* Point CONTEXTS_CONFIGS at our array. Context: the device is stopped. */
static void acceldev_hw_set_configs(struct acceldev_device *adev)
{
	acceldev_write(adev, ACCELDEV_CONTEXTS_CONFIGS,
		       lower_32_bits(adev->configs_dma));
	acceldev_write(adev, ACCELDEV_CONTEXTS_CONFIGS + sizeof(u32),
		       upper_32_bits(adev->configs_dma));
}

/**
 * acceldev_hw_configured() - does the device still hold our registers?
 * @adev: the device.
 *
 * A reset (D3hot to D0, FLR, a bus reset) returns CONTEXTS_CONFIGS to 0;
 * our array is never at bus address 0.
 *
 * Context: any.
 * Return: false if the device lost its state since it was started.
 */
bool acceldev_hw_configured(struct acceldev_device *adev)
{
	return acceldev_read(adev, ACCELDEV_CONTEXTS_CONFIGS) ==
	       lower_32_bits(adev->configs_dma) &&
	       acceldev_read(adev, ACCELDEV_CONTEXTS_CONFIGS + sizeof(u32)) ==
	       upper_32_bits(adev->configs_dma);
}

/*
 * acceldev_hw_fresh_configs() - every context in error, every slot empty
 *
 * Context: the device is stopped (DEVICE.md section 3); probe, drain.
 */
static void acceldev_hw_fresh_configs(struct acceldev_device *adev)
{
	unsigned int id;

	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++) {
		memset(&adev->configs[id], 0, sizeof(adev->configs[id]));
		adev->configs[id].status = ACCELDEV_CONTEXT_STATUS_ERROR;
	}
	acceldev_hw_set_configs(adev);
}

/**
 * acceldev_hw_start() - the start-up sequence of DEVICE.md section 7
 * @adev: the device; stopped, its queue empty.
 *
 * Clears INTR first: a bit may be set at power-on, and after a drain or a
 * reset nothing in it is an event the dispatcher must see. FENCE
 * numbering goes on from &acceldev_feed.fence_val.
 *
 * Context: process; probe before the device is visible, or after a reset
 * with adev->lock held.
 */
void acceldev_hw_start(struct acceldev_device *adev)
{
	acceldev_write(adev, ACCELDEV_INTR, U32_MAX);
	acceldev_write(adev, ACCELDEV_CMD_FENCE_LAST, adev->feed.fence_val);
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
 * Context: process; probe (through acceldev_hw_start()), or the work, the
 * watchdog or a life-cycle callback with &acceldev_device.lock held.
 */
void acceldev_hw_restart(struct acceldev_device *adev)
{
	acceldev_hw_set_intr(adev, ACCELDEV_INTR_ALL);
	acceldev_hw_set_configs(adev);
	acceldev_write(adev, ACCELDEV_ENABLE, 1);
	acceldev_write(adev, ACCELDEV_CMD_FENCE_WAIT, adev->feed.fence_val);
	adev->feed.fence_armed = adev->feed.fence_val;
	adev->feed.arm_floor = adev->feed.fence_val;
	adev->feed.run_boundary = -1;
}

/**
 * acceldev_hw_stop() - stop starting commands, and interrupts
 * @adev: the device.
 *
 * The command being executed, if any, still runs to its end: this alone
 * does not keep the device from memory (see acceldev_remove()).
 *
 * Context: process; probe/remove, or the work, the watchdog or a
 * life-cycle callback with &acceldev_device.lock held.
 */
void acceldev_hw_stop(struct acceldev_device *adev)
{
	acceldev_write(adev, ACCELDEV_ENABLE, 0);
	acceldev_hw_set_intr(adev, 0);
}

/* FENCEs a drain feeds before it gives up on a device dropping them all. */
#define ACCELDEV_DRAIN_FEEDS		8
/* How often a drain looks at FREE when no FENCE can tell it of room. */
#define ACCELDEV_DRAIN_POLL_MS		10

/**
 * struct acceldev_drain_watch - is a draining device making progress?
 * @deadline: when the device is declared hung unless it moved.
 * @free: CMD_MANUAL_FREE when last looked at.
 * @last: CMD_FENCE_LAST when last looked at.
 *
 * Owner: acceldev_hw_drain(), on its stack.
 */
struct acceldev_drain_watch {
	unsigned long deadline;
	u32 free;
	u32 last;
};

static void acceldev_drain_watch_init(struct acceldev_device *adev,
				      struct acceldev_drain_watch *w)
{
	w->free = acceldev_read(adev, CMD_MANUAL_FREE);
	w->last = acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST);
	w->deadline = jiffies + acceldev_hang_timeout();
}

/* Return: false once the device made no progress for hang_timeout_ms. */
static bool acceldev_drain_alive(struct acceldev_device *adev,
				 struct acceldev_drain_watch *w)
{
	u32 free = acceldev_read(adev, CMD_MANUAL_FREE);
	u32 last = acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST);

	if (free != w->free || last != w->last) {
		w->free = free;
		w->last = last;
		w->deadline = jiffies + acceldev_hang_timeout();
	}
	return time_before(jiffies, w->deadline);
}

/*
 * acceldev_hw_wait_fence() - sleep until FENCE @val has executed
 *
 * CMD_FENCE_WAIT is @val; the IRQ handler completes @drained for it. A
 * completion left over from an earlier FENCE costs one more look.
 *
 * Return: 0 once it executed (or the device left the bus), -ETIMEDOUT if
 * it made no progress for hang_timeout_ms.
 */
static int acceldev_hw_wait_fence(struct acceldev_device *adev, u32 val,
				  struct acceldev_drain_watch *w)
{
	for (;;) {
		/*
		 * Equal, not "at or past": at probe, FENCEs an earlier
		 * driver instance left may still set other VALs.
		 */
		if (acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST) == val ||
		    acceldev_read(adev, ACCELDEV_INTR) == U32_MAX)
			return 0;
		if (!acceldev_drain_alive(adev, w))
			return -ETIMEDOUT;
		wait_for_completion_timeout(&adev->drained,
					    max_t(long, w->deadline - jiffies, 1));
	}
}

/*
 * acceldev_hw_wait_room() - sleep until a FENCE fits in the device queue
 *
 * When the last command fed is a FENCE, its interrupt says when (it is
 * armed first: the work may have armed an older one); FREE is read again
 * after it and every second, as that FENCE may have been dropped. With no
 * FENCE last, nothing would interrupt: FREE is read every
 * %ACCELDEV_DRAIN_POLL_MS.
 *
 * Return: true once there is room, false if the device made no progress
 * for hang_timeout_ms.
 */
static bool acceldev_hw_wait_room(struct acceldev_device *adev,
				  struct acceldev_drain_watch *w)
{
	bool watermark = adev->feed.tail_is_fence;

	while (acceldev_read(adev, CMD_MANUAL_FREE) <= ACCELDEV_QUEUE_RESERVE) {
		if (!acceldev_drain_alive(adev, w))
			return false;
		if (!watermark) {
			msleep(ACCELDEV_DRAIN_POLL_MS);
			continue;
		}
		acceldev_write(adev, ACCELDEV_CMD_FENCE_WAIT, adev->feed.fence_val);
		adev->feed.fence_armed = adev->feed.fence_val;
		if (acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST) ==
		    adev->feed.fence_val) {
			/* Executed and still no room: only FREE can tell now. */
			watermark = false;
			continue;
		}
		/* Its interrupt, or a second: it may have been dropped. */
		wait_for_completion_timeout(&adev->drained,
					    acceldev_hang_period());
	}
	return true;
}

/**
 * acceldev_hw_drain() - empty the device queue without running anything
 * @adev: the device; nobody else touches the hardware (probe, or remove
 *        after @gone), and the IRQ handler is registered.
 *
 * Every context is marked in error and unbound (the device skips their
 * RUNs), a FENCE is fed behind whatever is queued, and we sleep until it
 * executed. See Documentation/acceldev.rst, "Removal".
 *
 * Context: process, may sleep as long as the device makes progress.
 * Return: 0 once the device is idle and stopped; -ENODEV if it left the
 * bus; -ETIMEDOUT if it made no progress for hang_timeout_ms or dropped
 * %ACCELDEV_DRAIN_FEEDS FENCEs: stopped too, but the command it was
 * executing may still run (the caller turns bus mastering off).
 */
int acceldev_hw_drain(struct acceldev_device *adev)
{
	struct acceldev_drain_watch watch;
	unsigned int tries;
	int ret = -ETIMEDOUT;
	u32 val, intr;

	acceldev_hw_stop(adev);
	acceldev_hw_fresh_configs(adev);
	acceldev_write(adev, ACCELDEV_INTR, U32_MAX);
	reinit_completion(&adev->drained);
	WRITE_ONCE(adev->draining, true);
	acceldev_hw_set_intr(adev, ACCELDEV_INTR_FENCE_WAIT);
	acceldev_write(adev, ACCELDEV_ENABLE, 1);

	acceldev_drain_watch_init(adev, &watch);
	for (tries = 0; tries < ACCELDEV_DRAIN_FEEDS; tries++) {
		if (!acceldev_hw_wait_room(adev, &watch))
			goto out;
		val = ++adev->feed.fence_val;
		acceldev_feed_fence_cmd(adev, val);
		intr = acceldev_read(adev, ACCELDEV_INTR);
		/* Gone from the bus (reads all ones): it does no DMA either. */
		if (intr == U32_MAX) {
			ret = -ENODEV;
			break;
		}
		/* A FENCE the device dropped never executes: feed another. */
		adev->feed.tail_is_fence = !(intr & ACCELDEV_INTR_FEED_ERROR);
		if (adev->feed.tail_is_fence) {
			ret = acceldev_hw_wait_fence(adev, val, &watch);
			break;
		}
		acceldev_write(adev, ACCELDEV_INTR, ACCELDEV_INTR_FEED_ERROR);
	}
out:
	acceldev_hw_stop(adev);
	WRITE_ONCE(adev->draining, false);
	acceldev_write(adev, ACCELDEV_INTR, U32_MAX);
	memset(adev->configs, 0,
	       sizeof(*adev->configs) * ACCELDEV_MAX_CONTEXTS);
	return ret;
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

	/* User mappings take the default protection: see acceldev.rst. */
	if (cc_platform_has(CC_ATTR_MEM_ENCRYPT)) {
		dev_err(&pdev->dev, "memory encryption is not supported\n");
		return -ENODEV;
	}

	adev = kzalloc(sizeof(*adev), GFP_KERNEL);
	if (!adev)
		return -ENOMEM;
	kref_init(&adev->ref);
	mutex_init(&adev->lock);
	init_rwsem(&adev->remove_sem);
	init_completion(&adev->drained);
	INIT_LIST_HEAD(&adev->buffers);
	acceldev_dispatch_init(adev);
	adev->pdev = pci_dev_get(pdev);

	/*
	 * Per-CPU, not unbound: the work runs on the CPU that queued it (the
	 * submitter's, or the one that took the interrupt), so kicking it
	 * wakes a local worker instead of sending an IPI to another CPU, and
	 * the interrupt-to-WAIT path stays on one CPU as far as it can. It
	 * never runs concurrently with itself (workqueue items are
	 * non-reentrant); against the watchdog, adev->lock serialises.
	 */
	adev->wq = alloc_workqueue("acceldev/%s", 0, 0, pci_name(pdev));
	if (!adev->wq) {
		ret = -ENOMEM;
		goto err_free;
	}

	/*
	 * Managed: the BAR's mapping and region and the enable are given
	 * back by the driver core after remove() returns (or when probe
	 * fails), which is after the last register access of either.
	 */
	ret = pcim_enable_device(pdev);
	if (ret)
		goto err_free;
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 0) < ACCELDEV_BAR_SIZE) {
		dev_err(&pdev->dev, "BAR0 is not %u bytes of memory\n",
			ACCELDEV_BAR_SIZE);
		ret = -ENODEV;
		goto err_free;
	}
	adev->regs = pcim_iomap_region(pdev, 0, ACCELDEV_NAME);
	if (IS_ERR(adev->regs)) {
		ret = PTR_ERR(adev->regs);
		goto err_free;
	}
	/* Pages and page tables must lie below 1 TiB (40-bit PTEs). */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(40));
	if (ret)
		goto err_free;

	adev->configs = dma_alloc_coherent(&pdev->dev,
					   sizeof(*adev->configs) *
					   ACCELDEV_MAX_CONTEXTS,
					   &adev->configs_dma, GFP_KERNEL);
	if (!adev->configs) {
		ret = -ENOMEM;
		goto err_free;
	}
	/*
	 * A command an earlier kernel left executing runs on after ENABLE=0,
	 * through the config it read when it started: with bus mastering off
	 * its next transfer fails and the device abandons it (the model
	 * does; DEVICE.md is silent). Whatever starts after bus mastering is
	 * back finds every context in error in a config array of ours.
	 */
	pci_clear_master(pdev);
	acceldev_hw_stop(adev);
	acceldev_hw_fresh_configs(adev);
	pci_set_master(pdev);

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_INTX);
	if (ret < 0)
		goto err_master;
	adev->irq = pci_irq_vector(pdev, 0);
	/* Takes no bit until a drain or the start-up enables some. */
	ret = request_irq(adev->irq, acceldev_irq_handler, IRQF_SHARED,
			  ACCELDEV_NAME, adev);
	if (ret)
		goto err_vectors;

	/*
	 * Commands a previous driver instance left behind must not run.
	 * Their FENCEs carry VALs near CMD_FENCE_LAST: ours start far away.
	 */
	adev->feed.fence_val = acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST) + BIT(31);
	ret = acceldev_hw_drain(adev);
	if (ret) {
		dev_err(&pdev->dev, "device does not drain its queue\n");
		goto err_irq;
	}

	/* The drain's FENCE executed: no watermark FENCE is in flight. */
	adev->feed.tail_is_fence = false;
	acceldev_hw_start(adev);

	pci_set_drvdata(pdev, adev);
	ret = acceldev_chardev_register(adev);
	if (ret)
		goto err_stop;

	ret = acceldev_accel_register(adev);
	if (ret)
		goto err_chardev;

	acceldev_debugfs_add(adev);
	/* What the PCI error handlers restore after a reset. */
	pci_save_state(pdev);
	dev_info(&pdev->dev, "acceldev%d ready\n", adev->minor);
	return 0;

err_chardev:
	acceldev_chardev_unregister(adev);
err_stop:
	acceldev_hw_stop(adev);
err_irq:
	free_irq(adev->irq, adev);
	/* The handler may have queued the work; it uses the config array. */
	cancel_work_sync(&adev->work);
	cancel_delayed_work_sync(&adev->hang_work);
	cancel_work_sync(&adev->reap_work);
err_vectors:
	pci_free_irq_vectors(pdev);
err_master:
	/*
	 * SAFETY: stopped (before bus mastering was turned on, and by the
	 * drain or err_stop since), and with bus mastering off the device
	 * reaches no memory (what the drain did not prove, this makes so).
	 */
	pci_clear_master(pdev);
	dma_free_coherent(&pdev->dev,
			  sizeof(*adev->configs) * ACCELDEV_MAX_CONTEXTS,
			  adev->configs, adev->configs_dma);
err_free:
	acceldev_device_put(adev);
	return ret;
}

/*
 * acceldev_remove() - the device goes away, possibly while in use
 *
 * The order (Documentation/acceldev.rst, "Removal"): @gone, with the
 * pending list dropped; buffer creations in progress finish; the device
 * drains, stops and loses bus mastering; only then is memory it could
 * reach given back and are sleepers told (-ENODEV). Open files keep the
 * structure until they close.
 */
static void acceldev_remove(struct pci_dev *pdev)
{
	struct acceldev_device *adev = pci_get_drvdata(pdev);
	struct acceldev_context *ctx;
	LIST_HEAD(dropped);
	unsigned int id;

	acceldev_debugfs_remove(adev);
	acceldev_chardev_unregister(adev);
	acceldev_accel_unplug(adev);

	mutex_lock(&adev->lock);
	spin_lock(&adev->queue_lock);
	adev->gone = true;
	acceldev_dispatch_abort(adev, &dropped);
	spin_unlock(&adev->queue_lock);
	mutex_unlock(&adev->lock);
	acceldev_cmd_list_free(&dropped);

	down_write(&adev->remove_sem);
	up_write(&adev->remove_sem);

	/* The work saw @gone, or will: the hardware is ours. */
	if (acceldev_hw_drain(adev) == -ETIMEDOUT)
		dev_warn(&pdev->dev,
			 "device did not drain its queue (no progress for %u ms, or every FENCE dropped); stopping it with bus mastering off\n",
			 jiffies_to_msecs(acceldev_hang_timeout()));
	pci_clear_master(pdev);
	free_irq(adev->irq, adev);
	pci_free_irq_vectors(pdev);
	cancel_work_sync(&adev->work);
	cancel_delayed_work_sync(&adev->hang_work);
	cancel_work_sync(&adev->reap_work);

	/* SAFETY: drained or not, the device reaches no memory any more. */
	acceldev_buffers_release_dma(adev);
	mutex_lock(&adev->lock);
	dma_free_coherent(&pdev->dev,
			  sizeof(*adev->configs) * ACCELDEV_MAX_CONTEXTS,
			  adev->configs, adev->configs_dma);
	adev->configs = NULL;
	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++) {
		spin_lock(&ctx->lock);
		ctx->detached = true;
		acceldev_context_fail_waiters_locked(ctx, -ENODEV);
		spin_unlock(&ctx->lock);
	}
	acceldev_dispatch_stopped(adev);
	mutex_unlock(&adev->lock);
	acceldev_accel_removed(adev);
	acceldev_reap_deferred(adev, true);

	/* The BAR and the enable go back after we return (pcim_*). */
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
	.shutdown = acceldev_shutdown,
	.err_handler = &acceldev_err_handlers,
	.driver.pm = pm_sleep_ptr(&acceldev_pm_ops),
};

static int __init acceldev_init(void)
{
	int ret;

	if (!acceldev_run_backlog)
		return -EINVAL;
	ret = acceldev_cmd_cache_create();
	if (ret)
		return ret;
	ret = alloc_chrdev_region(&acceldev_devt, 0, ACCELDEV_MAX_DEVICES,
				  ACCELDEV_NAME);
	if (ret)
		goto err_cache;
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
err_cache:
	acceldev_cmd_cache_destroy();
	return ret;
}

static void __exit acceldev_exit(void)
{
	pci_unregister_driver(&acceldev_pci_driver);
	class_unregister(&acceldev_class);
	acceldev_debugfs_exit();
	unregister_chrdev_region(acceldev_devt, ACCELDEV_MAX_DEVICES);
	/* Every device was removed: every command was fed or dropped. */
	acceldev_cmd_cache_destroy();
}

module_init(acceldev_init);
module_exit(acceldev_exit);

MODULE_DESCRIPTION("Acceldev PCI machine-learning accelerator");
MODULE_LICENSE("GPL");
