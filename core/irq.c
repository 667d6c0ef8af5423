// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev interrupt top half.
 *
 * The handler does the minimum: read INTR, acknowledge exactly the enabled
 * bits it saw, hand them to the dispatcher work and queue it (or, while
 * the device drains at probe or removal, wake the drain). The work may take
 * bits from INTR itself (acceldev_pull_intr_locked()); intr_lock makes sure
 * each raised bit is taken exactly once, by one or the other. Everything else
 * (fences, errors, feeding, restarts) happens in process context.
 */

#include <linux/interrupt.h>

#include "acceldev.h"
#include "regs.h"

/**
 * acceldev_irq_handler() - INTx handler (the line may be shared)
 * @irq: the interrupt number.
 * @data: the &struct acceldev_device registered with request_irq().
 *
 * Context: hard IRQ. Takes &acceldev_device.intr_lock.
 * Return: IRQ_HANDLED if the device had active bits that are enabled.
 */
irqreturn_t acceldev_irq_handler(int irq, void *data)
{
	struct acceldev_device *adev = data;
	u32 intr;

	/* Against acceldev_pull_intr_locked(): each bit is taken once. */
	spin_lock(&adev->intr_lock);
	intr = acceldev_read(adev, ACCELDEV_INTR);
	/* Not ours (shared line), or the device is gone (reads all ones). */
	if (intr == U32_MAX || !(intr & READ_ONCE(adev->intr_mask))) {
		spin_unlock(&adev->intr_lock);
		return IRQ_NONE;
	}
	/* Only the bits enabled now: the others are someone's to pull. */
	intr &= READ_ONCE(adev->intr_mask);
	adev->prof.irqs++;
	/* Write-1-to-clear only what we saw: later events stay pending. */
	acceldev_write(adev, ACCELDEV_INTR, intr);
	if (READ_ONCE(adev->draining)) {
		/* acceldev_hw_drain() waits for FENCE_WAIT, not the work. */
		spin_unlock(&adev->intr_lock);
		complete(&adev->drained);
		return IRQ_HANDLED;
	}
	atomic_or(intr, &adev->intr_pending);
	spin_unlock(&adev->intr_lock);

	acceldev_dispatch_kick(adev);
	return IRQ_HANDLED;
}
