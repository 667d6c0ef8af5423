// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev sysfs: counters in /sys/class/acceldev/acceldevN/, and the same
 * in /sys/class/accel/accelN/ where the function has an accel node.
 *
 * Documentation/ABI/testing/sysfs-class-acceldev describes each file. All
 * but queue_depth (which reads the device) are lock-free reads of
 * &struct acceldev_stats.
 */

#include <linux/device.h>
#include <linux/minmax.h>
#include <linux/sysfs.h>

#include <drm/drm_accel.h>

#include "accel.h"
#include "regs.h"

/*
 * SAFETY: the class device is created with its acceldev_device as driver
 * data, and remove destroys it before dropping the PCI binding's device
 * reference; device_destroy() waits for show() calls in progress, so the
 * device is valid in every show(). The accel node's class device (major
 * ACCEL_MAJOR) carries its DRM minor, whose device holds ours; removal
 * unplugs it first, which waits for show() likewise.
 */
static struct acceldev_device *acceldev_from_dev(struct device *dev)
{
	if (IS_ENABLED(CONFIG_DRM_ACCEL) && MAJOR(dev->devt) == ACCEL_MAJOR)
		return acceldev_accel_kdev_device(dev);
	return dev_get_drvdata(dev);
}

static ssize_t acceldev_stat_emit(char *buf, atomic_long_t *stat)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(stat));
}

/*
 * One read-only file per counter of struct acceldev_stats:
 * <name>_show() prints stats.<field>, dev_attr_<name> is the attribute.
 */
#define ACCELDEV_STAT_ATTR(name, field)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return acceldev_stat_emit(buf, &acceldev_from_dev(dev)->stats.field); \
}									\
static DEVICE_ATTR_RO(name)

ACCELDEV_STAT_ATTR(contexts, contexts);
ACCELDEV_STAT_ATTR(runs_submitted, runs_submitted);
ACCELDEV_STAT_ATTR(runs_backlogged, runs_pending);
ACCELDEV_STAT_ATTR(fences_signalled, fences_signalled);
ACCELDEV_STAT_ATTR(context_errors, ctx_errors);
ACCELDEV_STAT_ATTR(device_restarts, restarts);

/* Commands in the device's queue now, from CMD_MANUAL_FREE. */
static ssize_t queue_depth_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct acceldev_device *adev = acceldev_from_dev(dev);
	u32 free = CMDS_BUFFER_SIZE;

	mutex_lock(&adev->lock);
	if (!adev->gone)
		free = min_t(u32, acceldev_read(adev, CMD_MANUAL_FREE),
			     CMDS_BUFFER_SIZE);
	mutex_unlock(&adev->lock);
	return sysfs_emit(buf, "%u\n", CMDS_BUFFER_SIZE - free);
}
static DEVICE_ATTR_RO(queue_depth);

static struct attribute *acceldev_attrs[] = {
	&dev_attr_contexts.attr,
	&dev_attr_runs_submitted.attr,
	&dev_attr_runs_backlogged.attr,
	&dev_attr_queue_depth.attr,
	&dev_attr_fences_signalled.attr,
	&dev_attr_context_errors.attr,
	&dev_attr_device_restarts.attr,
	NULL
};

static const struct attribute_group acceldev_attr_group = {
	.attrs = acceldev_attrs,
};

/* The class adds these to every /sys/class/acceldev/acceldevN. */
const struct attribute_group *acceldev_sysfs_groups[] = {
	&acceldev_attr_group,
	NULL
};
