// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev interrupt top half.
 *
 * The handler does the minimum: read INTR, acknowledge exactly the bits it
 * saw, hand them to the dispatcher work and queue it. Everything else
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
 * Context: hard IRQ. Takes no locks.
 * Return: IRQ_HANDLED if the device had active interrupt bits.
 */
irqreturn_t acceldev_irq_handler(int irq, void *data)
{
	struct acceldev_device *adev = data;
	u32 intr;

	intr = acceldev_read(adev, ACCELDEV_INTR);
	/* Not ours (shared line), or the device is gone (reads all ones). */
	if (!(intr & ACCELDEV_INTR_ALL) || intr == U32_MAX)
		return IRQ_NONE;

	intr &= ACCELDEV_INTR_ALL;
	/*
	 * Recorded before acknowledged: the work relies on every raised bit
	 * being either still in INTR or in intr_pending (writel() orders
	 * the atomic before the MMIO write).
	 */
	atomic_or(intr, &adev->intr_pending);
	/* Write-1-to-clear only what we saw: later events stay pending. */
	acceldev_write(adev, ACCELDEV_INTR, intr);
	acceldev_dispatch_kick(adev);
	return IRQ_HANDLED;
}
