/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Acceldev register access. Every access to BAR0 goes through these
 * helpers: aligned 32-bit, little-endian (readl/writel), documented
 * offsets only.
 */
#ifndef _ACCELDEV_CORE_REGS_H
#define _ACCELDEV_CORE_REGS_H

#include <linux/io.h>
#include <linux/kernel.h>

#include "acceldev.h"

/**
 * acceldev_read() - read a 32-bit register
 * @adev: the device; its BAR must be mapped (probe..remove).
 * @reg: offset in BAR0.
 *
 * Context: any.
 * Return: the register's value (all ones if the device is gone).
 */
static inline u32 acceldev_read(struct acceldev_device *adev, u32 reg)
{
	return readl(adev->regs + reg);
}

/**
 * acceldev_write() - write a 32-bit register
 * @adev: the device; its BAR must be mapped (probe..remove).
 * @reg: offset in BAR0.
 * @val: value to write.
 *
 * Context: any.
 */
static inline void acceldev_write(struct acceldev_device *adev, u32 reg,
				  u32 val)
{
	writel(val, adev->regs + reg);
}

/**
 * acceldev_feed_cmd() - write one device command into CMD_MANUAL_FEED
 * @adev: the device.
 * @words: the five command words; writing the last one submits it.
 *
 * Context: whoever alone feeds the device: the dispatcher, or probe and
 * remove while the dispatcher is not running (acceldev_hw_drain()); so
 * the five writes of one command never interleave with another's.
 */
static inline void acceldev_feed_cmd(struct acceldev_device *adev,
				     const u32 *words)
{
	unsigned int i;

	for (i = 0; i < ACCELDEV_DEVICE_CMD_WORDS; i++)
		acceldev_write(adev, CMD_MANUAL_FEED + i * sizeof(u32),
			       words[i]);
}

/**
 * acceldev_feed_fence_cmd() - feed a device FENCE that will interrupt
 * @adev: the device.
 * @val: the FENCE's VAL.
 *
 * CMD_FENCE_WAIT is set first, so the FENCE cannot execute before the
 * device knows to raise FENCE_WAIT for it.
 *
 * Context: whoever alone feeds the device (the dispatcher, or probe and
 * remove while the dispatcher is not running).
 */
static inline void acceldev_feed_fence_cmd(struct acceldev_device *adev,
					   u32 val)
{
	const u32 words[ACCELDEV_DEVICE_CMD_WORDS] = {
		ACCELDEV_DEVICE_CMD_TYPE_FENCE, val,
	};

	acceldev_write(adev, ACCELDEV_CMD_FENCE_WAIT, val);
	acceldev_feed_cmd(adev, words);
}

#endif /* _ACCELDEV_CORE_REGS_H */
