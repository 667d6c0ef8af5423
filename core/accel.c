// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev accel front end: the same PCI function as a DRM accel device,
 * /dev/accel/accelN. Each open DRM file is a context, from the same 255
 * ids as /dev/acceldevN's; buffer objects are the same buffers; SUBMIT
 * queues on the same pending list (dispatch/job.c). The uAPI is
 * uapi/acceldev_accel.h.
 */

#include <linux/jiffies.h>
#include <linux/pci.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/drm_utils.h>

#include "../uapi/acceldev_accel.h"
#include "accel.h"

static_assert(DRM_ACCELDEV_BO_CODE == BUFFER_TYPE_CODE);
static_assert(DRM_ACCELDEV_BO_DATA == BUFFER_TYPE_DATA);

/**
 * struct acceldev_accel - the accel device of a function
 * @drm: the DRM device; its references (open files, the PCI binding until
 *       remove returns) keep this structure.
 * @adev: the function (a counted reference, dropped when @drm is
 *        released).
 */
struct acceldev_accel {
	struct drm_device drm;
	struct acceldev_device *adev;
};

static struct acceldev_accel *to_accel(struct drm_device *drm)
{
	return container_of(drm, struct acceldev_accel, drm);
}

/**
 * acceldev_accel_file_context() - the context of an accel file
 * @file: an open file of our accel device.
 *
 * Context: any.
 * Return: the context, valid while @file is open.
 */
struct acceldev_context *acceldev_accel_file_context(struct drm_file *file)
{
	return file->driver_priv;
}

/**
 * acceldev_accel_kdev_device() - the function behind /sys/class/accel/accelN
 * @kdev: the accel node's class device (its driver data is its minor).
 *
 * Context: any, while @kdev is registered (sysfs show()).
 * Return: the device.
 */
struct acceldev_device *acceldev_accel_kdev_device(struct device *kdev)
{
	struct drm_minor *minor = dev_get_drvdata(kdev);

	return to_accel(minor->dev)->adev;
}

static int acceldev_accel_open(struct drm_device *drm, struct drm_file *file)
{
	struct acceldev_context *ctx;

	ctx = acceldev_context_create(to_accel(drm)->adev);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	file->driver_priv = ctx;
	return 0;
}

/*
 * The file's handles are gone (their objects released or held by
 * others). Jobs held back by in-fences fail with -ECANCELED; then the
 * context closes as a /dev/acceldevN file does.
 *
 * Context: process, may sleep (killably).
 */
static void acceldev_accel_postclose(struct drm_device *drm,
				     struct drm_file *file)
{
	struct acceldev_context *ctx = file->driver_priv;

	acceldev_jobs_cancel_held(ctx);
	acceldev_context_close(ctx);
}

static int acceldev_accel_get_param(struct drm_device *drm, void *data,
				    struct drm_file *file)
{
	struct acceldev_context *ctx = acceldev_accel_file_context(file);
	struct pci_dev *pdev = to_accel(drm)->adev->pdev;
	struct drm_acceldev_get_param *args = data;

	if (args->pad)
		return -EINVAL;

	switch (args->param) {
	case DRM_ACCELDEV_PARAM_UAPI_VERSION:
		args->value = DRM_ACCELDEV_UAPI_VERSION;
		break;
	case DRM_ACCELDEV_PARAM_DEVICE_ID:
		args->value = (u32)pdev->vendor << 16 | pdev->device;
		break;
	case DRM_ACCELDEV_PARAM_NUM_CONTEXTS:
		args->value = ACCELDEV_MAX_CONTEXTS;
		break;
	case DRM_ACCELDEV_PARAM_NUM_SLOTS:
		args->value = ACCELDEV_NUM_BUFFERS;
		break;
	case DRM_ACCELDEV_PARAM_MAX_BO_SIZE:
		args->value = ACCELDEV_BUFFER_MAX_SIZE;
		break;
	case DRM_ACCELDEV_PARAM_JOB_BACKLOG:
		args->value = acceldev_run_backlog;
		break;
	case DRM_ACCELDEV_PARAM_CONTEXT_ID:
		args->value = ctx->id;
		break;
	case DRM_ACCELDEV_PARAM_FENCE_COUNTER:
		spin_lock(&ctx->lock);
		args->value = ctx->counter;
		spin_unlock(&ctx->lock);
		break;
	case DRM_ACCELDEV_PARAM_CONTEXT_ERROR:
		spin_lock(&ctx->lock);
		args->value = ctx->broken;
		spin_unlock(&ctx->lock);
		break;
	case DRM_ACCELDEV_PARAM_LAST_JOB:
		spin_lock(&ctx->lock);
		args->value = ctx->jobs_submitted;
		spin_unlock(&ctx->lock);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int acceldev_accel_bo_create(struct drm_device *drm, void *data,
				    struct drm_file *file)
{
	struct acceldev_context *ctx = acceldev_accel_file_context(file);
	struct drm_acceldev_bo_create *args = data;
	struct drm_gem_object *obj;
	int slot, ret;

	if (args->flags || !args->size ||
	    args->size > ACCELDEV_BUFFER_MAX_SIZE ||
	    (args->type != DRM_ACCELDEV_BO_CODE &&
	     args->type != DRM_ACCELDEV_BO_DATA))
		return -EINVAL;

	obj = acceldev_bo_create(drm, ctx, args->type, args->size);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	slot = acceldev_bo_buffer(obj)->slot;
	ret = drm_gem_handle_create(file, obj, &args->handle);
	/* The handle holds the object now, or nothing does. */
	drm_gem_object_put(obj);
	if (ret)
		return ret;
	args->slot = slot >= 0 ? slot : DRM_ACCELDEV_NO_SLOT;
	return 0;
}

static int acceldev_accel_bo_info(struct drm_device *drm, void *data,
				  struct drm_file *file)
{
	struct drm_acceldev_bo_info *args = data;
	struct acceldev_buffer *buf;
	struct drm_gem_object *obj;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	buf = acceldev_bo_buffer(obj);
	args->size = obj->size;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	args->type = buf->type;
	args->slot = buf->slot >= 0 ? buf->slot : DRM_ACCELDEV_NO_SLOT;
	drm_gem_object_put(obj);
	return 0;
}

static int acceldev_accel_submit(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct acceldev_context *ctx = acceldev_accel_file_context(file);
	struct drm_acceldev_submit *args = data;
	struct acceldev_buffer *buf;
	struct drm_gem_object *obj;

	if (args->flags || !args->size || !IS_ALIGNED(args->offset, 4) ||
	    !IS_ALIGNED(args->size, 4) ||
	    args->in_count > DRM_ACCELDEV_MAX_SYNCOBJS ||
	    args->out_count > DRM_ACCELDEV_MAX_SYNCOBJS)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->code_handle);
	if (!obj)
		return -ENOENT;
	buf = acceldev_bo_buffer(obj);
	if (buf->ctx != ctx || buf->type != BUFFER_TYPE_CODE ||
	    args->offset > buf->size || args->size > buf->size - args->offset) {
		drm_gem_object_put(obj);
		return -EINVAL;
	}
	/* The job takes over the object reference. */
	return acceldev_job_submit(ctx, file, args, obj);
}

static int acceldev_accel_wait(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct acceldev_context *ctx = acceldev_accel_file_context(file);
	struct drm_acceldev_wait *args = data;
	unsigned long deadline = 0;
	long timeout;

	if (args->flags)
		return -EINVAL;
	timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
	if (timeout != MAX_SCHEDULE_TIMEOUT)
		deadline = (jiffies + timeout) ?: 1;
	return acceldev_context_wait(ctx, args->fence, deadline);
}

static const struct drm_ioctl_desc acceldev_accel_ioctls[] = {
	DRM_IOCTL_DEF_DRV(ACCELDEV_GET_PARAM, acceldev_accel_get_param, 0),
	DRM_IOCTL_DEF_DRV(ACCELDEV_BO_CREATE, acceldev_accel_bo_create, 0),
	DRM_IOCTL_DEF_DRV(ACCELDEV_BO_INFO, acceldev_accel_bo_info, 0),
	DRM_IOCTL_DEF_DRV(ACCELDEV_SUBMIT, acceldev_accel_submit, 0),
	DRM_IOCTL_DEF_DRV(ACCELDEV_WAIT, acceldev_accel_wait, 0),
};

DEFINE_DRM_ACCEL_FOPS(acceldev_accel_fops);

static const struct drm_driver acceldev_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_COMPUTE_ACCEL |
			   DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open = acceldev_accel_open,
	.postclose = acceldev_accel_postclose,
	.gem_prime_import = acceldev_gem_prime_import,
	.ioctls = acceldev_accel_ioctls,
	.num_ioctls = ARRAY_SIZE(acceldev_accel_ioctls),
	.fops = &acceldev_accel_fops,
	.name = ACCELDEV_NAME,
	.desc = "Acceldev machine-learning accelerator",
	.major = 1,
	.minor = DRM_ACCELDEV_UAPI_VERSION,
};

/* drmm action: the DRM device's last reference went. */
static void acceldev_accel_release(struct drm_device *drm, void *data)
{
	acceldev_device_put(data);
}

/**
 * acceldev_accel_register() - add the function's accel device
 * @adev: the device, started, its chardev registered.
 *
 * Context: process (probe).
 * Return: 0, or a negative errno; then nothing is left behind.
 */
int acceldev_accel_register(struct acceldev_device *adev)
{
	struct acceldev_accel *accel;
	int ret;

	/* devm: the PCI binding's reference goes after remove() returns. */
	accel = devm_drm_dev_alloc(&adev->pdev->dev, &acceldev_drm_driver,
				   struct acceldev_accel, drm);
	if (IS_ERR(accel))
		return PTR_ERR(accel);
	kref_get(&adev->ref);
	accel->adev = adev;
	ret = drmm_add_action_or_reset(&accel->drm, acceldev_accel_release,
				       adev);
	if (ret)
		return ret;
	ret = drm_dev_register(&accel->drm, 0);
	if (ret)
		return ret;
	/* The counters, as in /sys/class/acceldev/acceldevN; gone with it. */
	ret = sysfs_create_groups(&accel->drm.accel->kdev->kobj,
				  acceldev_sysfs_groups);
	if (ret) {
		drm_dev_unplug(&accel->drm);
		return ret;
	}
	/* /sys/kernel/debug/accel/<PCI name>/, which the DRM core made. */
	acceldev_debugfs_files(adev, accel->drm.debugfs_root);
	adev->accel = accel;
	return 0;
}

/**
 * acceldev_accel_unplug() - removal starts: no new open or ioctl
 * @adev: the device.
 *
 * Ioctls already running finish against the device's @gone.
 *
 * Context: process (remove), no device locks held.
 */
void acceldev_accel_unplug(struct acceldev_device *adev)
{
	if (!adev->accel)
		return;
	acceldev_debugfs_files_remove(adev->accel->drm.debugfs_root);
	drm_dev_unplug(&adev->accel->drm);
}

/**
 * acceldev_accel_removed() - the device is stopped: end every job
 * @adev: the device; it reaches no memory any more.
 *
 * Jobs held back by in-fences and jobs queued fail with -ENODEV.
 *
 * Context: process (remove), no locks held.
 */
void acceldev_accel_removed(struct acceldev_device *adev)
{
	struct acceldev_context *ctx;
	unsigned int id;
	LIST_HEAD(held);

	/* Queued jobs first: a context's held jobs come after them. */
	acceldev_jobs_stopped(adev);
	mutex_lock(&adev->lock);
	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++) {
		spin_lock(&ctx->lock);
		acceldev_jobs_take_held_locked(ctx, &held);
		spin_unlock(&ctx->lock);
	}
	mutex_unlock(&adev->lock);
	acceldev_jobs_fail_held(&held);
	acceldev_jobs_reap(adev);
}
