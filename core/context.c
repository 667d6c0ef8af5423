// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev contexts: open, ioctl and close of /dev/acceldevN.
 *
 * Each open file is a context and owns one of the device's 255 device
 * contexts until it is closed. Buffers hold a reference on their context,
 * so the context structure may outlive its file; its device context does
 * not: close unbinds what is still bound, waits for the context's runs,
 * zeroes the config entry and gives the id back.
 */

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/slab.h>

#include "accel.h"

/**
 * acceldev_context_get() - take a reference on a context
 * @ctx: the context; the caller already holds a reference.
 *
 * Context: any.
 * Return: @ctx.
 */
struct acceldev_context *acceldev_context_get(struct acceldev_context *ctx)
{
	kref_get(&ctx->ref);
	return ctx;
}

static void acceldev_context_release(struct kref *ref)
{
	struct acceldev_context *ctx =
		container_of(ref, struct acceldev_context, ref);

	WARN_ON(!list_empty(&ctx->waiters));
	WARN_ON(!list_empty(&ctx->run_waiters));
	WARN_ON(!list_empty(&ctx->held));
	acceldev_device_put(ctx->adev);
	kfree(ctx);
}

/**
 * acceldev_context_put() - drop a reference on a context
 * @ctx: the context.
 *
 * The last reference frees it and drops its device reference.
 *
 * Context: process (the device release may sleep).
 */
void acceldev_context_put(struct acceldev_context *ctx)
{
	kref_put(&ctx->ref, acceldev_context_release);
}

/**
 * acceldev_context_create() - a new context with the lowest free id
 * @adev: the device; the caller holds a reference.
 *
 * The same 255 ids serve both front ends.
 *
 * Context: process, may sleep; takes &acceldev_device.lock.
 * Return: the context, holding its own device reference, with one
 * reference for the caller; ERR_PTR(-EBUSY) with every id taken,
 * -ENODEV after removal, or -ENOMEM.
 */
struct acceldev_context *acceldev_context_create(struct acceldev_device *adev)
{
	DECLARE_BITMAP(taken, ACCELDEV_MAX_CONTEXTS);
	struct acceldev_context *ctx;
	unsigned int id;
	int ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	kref_init(&ctx->ref);
	spin_lock_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->waiters);
	INIT_LIST_HEAD(&ctx->run_waiters);
	INIT_LIST_HEAD(&ctx->held);
	acceldev_job_context_init(ctx);
	ctx->adev = adev;

	mutex_lock(&adev->lock);
	if (adev->gone) {
		ret = -ENODEV;
		goto err_unlock;
	}
	bitmap_or(taken, adev->ctx_live, adev->ctx_quarantine,
		  ACCELDEV_MAX_CONTEXTS);
	id = find_first_zero_bit(taken, ACCELDEV_MAX_CONTEXTS);
	if (id >= ACCELDEV_MAX_CONTEXTS) {
		ret = -EBUSY;
		goto err_unlock;
	}
	/* INVARIANT: a free entry is all zeroes (probe and close zero it). */
	ctx->id = id;
	adev->contexts[id] = ctx;
	__set_bit(id, adev->ctx_live);
	atomic_long_inc(&adev->stats.contexts);
	kref_get(&adev->ref);
	mutex_unlock(&adev->lock);
	return ctx;

err_unlock:
	mutex_unlock(&adev->lock);
	kfree(ctx);
	return ERR_PTR(ret);
}

static int acceldev_open(struct inode *inode, struct file *file)
{
	struct acceldev_context *ctx;
	struct acceldev_device *adev;

	adev = acceldev_device_lookup(iminor(inode));
	if (!adev)
		return -ENODEV;
	ctx = acceldev_context_create(adev);
	acceldev_device_put(adev);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	file->private_data = ctx;
	return nonseekable_open(inode, file);
}

/**
 * acceldev_context_finish() - give the device context back
 * @ctx: a context whose RUNs have all completed (or whose device is
 *       stopped for good); its file is gone.
 *
 * Zeroes the config entry and frees the id.
 *
 * Context: process; takes &acceldev_device.lock.
 */
void acceldev_context_finish(struct acceldev_context *ctx)
{
	struct acceldev_device *adev = ctx->adev;

	mutex_lock(&adev->lock);
	spin_lock(&ctx->lock);
	ctx->detached = true;
	spin_unlock(&ctx->lock);
	if (!adev->gone)
		memset(&adev->configs[ctx->id], 0, sizeof(adev->configs[0]));
	adev->contexts[ctx->id] = NULL;
	__clear_bit(ctx->id, adev->ctx_live);
	atomic_long_dec(&adev->stats.contexts);
	mutex_unlock(&adev->lock);
}

/*
 * acceldev_context_detach() - the context's file is closed
 *
 * Queues the unbinds of slots whose buffers outlive the file, waits
 * (killably) until every RUN queued for the context is done, then gives
 * the id back; or leaves that to the reaper when the wait ended early.
 * The unbinds precede any command of the id's next owner in the FIFO.
 *
 * Context: process, may sleep (killably).
 * Return: true if the reaper took over the file's reference.
 */
static bool acceldev_context_detach(struct acceldev_context *ctx)
{
	unsigned int slot;
	u64 seq;

	spin_lock(&ctx->lock);
	for_each_set_bit(slot, &ctx->slots, ACCELDEV_NUM_BUFFERS)
		acceldev_buffer_unbind_locked(ctx->slot_buf[slot]);
	seq = ctx->last_run_seq;
	spin_unlock(&ctx->lock);

	acceldev_sync_killable(ctx->adev, seq);
	if (acceldev_defer_context(ctx, seq))
		return true;
	acceldev_context_finish(ctx);
	return false;
}

/**
 * acceldev_context_close() - the context's file is closed
 * @ctx: the context; the file's reference goes.
 *
 * Context: process, may sleep (killably).
 */
void acceldev_context_close(struct acceldev_context *ctx)
{
	if (!acceldev_context_detach(ctx))
		acceldev_context_put(ctx);
}

static int acceldev_release(struct inode *inode, struct file *file)
{
	acceldev_context_close(file->private_data);
	return 0;
}

static long acceldev_do_ioctl(struct file *file, unsigned int cmd,
			      void __user *uarg, bool compat)
{
	struct acceldev_context *ctx = file->private_data;

	/* A hint only: every path re-checks under its own lock. */
	if (READ_ONCE(ctx->adev->gone))
		return -ENODEV;

	switch (cmd) {
	case ACCELDEV_IOCTL_CREATE_BUFFER:
		return acceldev_ioctl_create_buffer(ctx, uarg, compat);
	case ACCELDEV_IOCTL_RUN:
		return acceldev_ioctl_run(ctx, uarg);
	case ACCELDEV_IOCTL_WAIT:
		return acceldev_ioctl_wait(ctx, uarg);
	default:
		return -ENOTTY;
	}
}

static long acceldev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	return acceldev_do_ioctl(file, cmd, (void __user *)arg, false);
}

#ifdef CONFIG_COMPAT
/* RUN and WAIT have the same layout in both ABIs; CREATE_BUFFER does not. */
static long acceldev_compat_ioctl(struct file *file, unsigned int cmd,
				  unsigned long arg)
{
	return acceldev_do_ioctl(file, cmd, compat_ptr(arg), true);
}
#endif

const struct file_operations acceldev_fops = {
	.owner = THIS_MODULE,
	.open = acceldev_open,
	.release = acceldev_release,
	.unlocked_ioctl = acceldev_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = acceldev_compat_ioctl,
#endif
};
