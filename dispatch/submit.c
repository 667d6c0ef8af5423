// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, submission: what goes onto the per-device pending
 * list (RUN, BIND_SLOT through acceldev_queue_locked(), fault injection)
 * and how the list is dropped at removal. Nothing here touches the
 * hardware: the work feeds the list (feed.c).
 */

#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dispatch.h"

/**
 * acceldev_dispatch_init() - set up the dispatcher of a new device
 * @adev: the device being probed.
 *
 * Context: process, before the device is visible.
 */
void acceldev_dispatch_init(struct acceldev_device *adev)
{
	spin_lock_init(&adev->queue_lock);
	spin_lock_init(&adev->intr_lock);
	INIT_LIST_HEAD(&adev->pending);
	INIT_LIST_HEAD(&adev->sync_waiters);
	INIT_LIST_HEAD(&adev->deferred_buffers);
	INIT_LIST_HEAD(&adev->deferred_contexts);
	INIT_WORK(&adev->work, acceldev_dispatch_work);
	INIT_DELAYED_WORK(&adev->hang_work, acceldev_hang_work);
	atomic_set(&adev->intr_pending, 0);
}

/**
 * acceldev_dispatch_kick() - make the work run soon
 * @adev: the device.
 *
 * Context: any; the workqueue lives as long as @adev.
 */
void acceldev_dispatch_kick(struct acceldev_device *adev)
{
	queue_work(adev->wq, &adev->work);
}

/* Device commands waiting on pending lists: one slab object each. */
static struct kmem_cache *acceldev_cmd_cache;

/**
 * acceldev_cmd_cache_create() - set up the allocator of device commands
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int acceldev_cmd_cache_create(void)
{
	acceldev_cmd_cache = KMEM_CACHE(acceldev_cmd, SLAB_ACCOUNT);
	return acceldev_cmd_cache ? 0 : -ENOMEM;
}

/**
 * acceldev_cmd_cache_destroy() - tear it down
 *
 * Context: module exit, after every device is gone (so every command was
 * fed or dropped, and freed).
 */
void acceldev_cmd_cache_destroy(void)
{
	kmem_cache_destroy(acceldev_cmd_cache);
}

/**
 * acceldev_cmd_alloc() - allocate a device command
 * @gfp: allocation flags; commands a user asked for are charged to its
 *       memory cgroup (the cache is SLAB_ACCOUNT).
 *
 * Context: as @gfp allows.
 * Return: the command, uninitialised, owned by the caller; or NULL.
 */
struct acceldev_cmd *acceldev_cmd_alloc(gfp_t gfp)
{
	return kmem_cache_alloc(acceldev_cmd_cache, gfp);
}

/**
 * acceldev_cmd_free() - free a device command
 * @cmd: a command its owner is done with (never fed, or fed), or NULL.
 *
 * Context: any.
 */
void acceldev_cmd_free(struct acceldev_cmd *cmd)
{
	if (cmd)
		kmem_cache_free(acceldev_cmd_cache, cmd);
}

/**
 * acceldev_queue_locked() - append a device command to the pending list
 * @ctx: the context the command belongs to.
 * @cmd: the command. On success it belongs to the dispatcher until fed
 *       (it frees it once fed); on failure it is untouched.
 *
 * Records the command as @ctx's latest (and its latest RUN, which close
 * and WAIT sync on), and kicks the work if the list was empty. A list
 * that was not empty is already the work's to feed: it was kicked when
 * the list became non-empty and has not taken it yet, or it put back
 * what did not fit, and the FENCE it left in flight for that brings it
 * back (acceldev_feed_locked()). So a backlog of RUNs costs one kick,
 * not one each.
 *
 * Context: process or atomic; takes &acceldev_device.queue_lock.
 *          Caller holds @ctx->lock.
 * Return: 0, or -ENODEV if the device was removed.
 */
int acceldev_queue_locked(struct acceldev_context *ctx,
			  struct acceldev_cmd *cmd)
{
	struct acceldev_device *adev = ctx->adev;
	bool kick;

	lockdep_assert_held(&ctx->lock);

	spin_lock(&adev->queue_lock);
	if (adev->gone) {
		spin_unlock(&adev->queue_lock);
		return -ENODEV;
	}
	kick = list_empty(&adev->pending);
	cmd->seq = ++adev->queued_seq;
	/*
	 * Once listed, @cmd belongs to the dispatcher, which may feed and
	 * free it as soon as queue_lock is dropped: take what we need now.
	 */
	ctx->last_seq = cmd->seq;
	if (acceldev_cmd_is_run(cmd)) {
		/* Read by the feeder without ctx->lock (acceldev_note_run_fed()). */
		WRITE_ONCE(ctx->last_run_seq, cmd->seq);
		atomic_long_inc(&adev->stats.runs_pending);
	}
	list_add_tail(&cmd->node, &adev->pending);
	if (kick)
		adev->prof.run_kicks++;
	spin_unlock(&adev->queue_lock);

	if (kick)
		acceldev_dispatch_kick(adev);
	return 0;
}

/**
 * acceldev_ioctl_run() - ACCELDEV_IOCTL_RUN: queue a RUN device command
 * @ctx: the context (its file is held by the caller).
 * @uarg: user pointer to &struct acceldev_ioctl_run.
 *
 * Never blocks on a full device queue: the command goes on the pending
 * list and the dispatcher feeds it when there is room.
 *
 * Context: process, may sleep.
 * Return: 0; -EFAULT for a bad pointer; -EBADF for a closed @cfd;
 * -EINVAL for an @cfd that is not a code buffer of this context or a bad
 * range; -EIO if the context is in error; -ENODEV after removal;
 * -ENOMEM.
 */
int acceldev_ioctl_run(struct acceldev_context *ctx, void __user *uarg)
{
	struct acceldev_ioctl_run args;
	struct acceldev_buffer *buf;
	struct acceldev_cmd *cmd;
	struct fd f;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!args.size || !IS_ALIGNED(args.addr, 4) ||
	    !IS_ALIGNED(args.size, 4))
		return -EINVAL;

	f = fdget(args.cfd);
	if (!fd_file(f))
		return -EBADF;

	ret = -EINVAL;
	buf = acceldev_buffer_from_file(fd_file(f));
	if (!buf || buf->ctx != ctx || buf->type != BUFFER_TYPE_CODE)
		goto out_fdput;
	if (args.addr > buf->size || args.size > buf->size - args.addr)
		goto out_fdput;

	ret = -ENOMEM;
	cmd = acceldev_cmd_alloc(GFP_KERNEL_ACCOUNT);
	if (!cmd)
		goto out_fdput;
	cmd->words[0] = ACCELDEV_DEVICE_CMD_RUN_HEADER(ctx->id);
	cmd->words[1] = lower_32_bits(buf->pt_dma);
	cmd->words[2] = upper_32_bits(buf->pt_dma);
	cmd->words[3] = args.addr;
	cmd->words[4] = args.size;

	spin_lock(&ctx->lock);
	if (ctx->broken)
		ret = -EIO;
	else if (ctx->detached)
		ret = -ENODEV;
	else
		ret = acceldev_queue_locked(ctx, cmd);
	if (!ret) {
		ctx->cmds_submitted += args.size / ACCELDEV_USER_CMD_BYTES;
		atomic_long_inc(&ctx->adev->stats.runs_submitted);
	}
	spin_unlock(&ctx->lock);

	if (ret)
		acceldev_cmd_free(cmd);
out_fdput:
	fdput(f);
	return ret;
}

/**
 * acceldev_dispatch_inject_bad() - queue invalid device commands (debugfs)
 * @adev: the device.
 * @n: how many.
 *
 * Fault injection for the tests: each command has an unknown type, so the
 * device answers with a CMD_ERROR that no context explains, and the work
 * must recover with a restart. They go through the pending list like any
 * command, in order with the rest.
 *
 * Context: process, may sleep.
 * Return: 0, -ENOMEM, or -ENODEV after removal.
 */
int acceldev_dispatch_inject_bad(struct acceldev_device *adev, unsigned int n)
{
	struct acceldev_cmd *cmd, *tmp;
	LIST_HEAD(list);
	int ret = -ENOMEM;

	while (n--) {
		cmd = acceldev_cmd_alloc(GFP_KERNEL | __GFP_ZERO);
		if (!cmd)
			goto err_free;
		cmd->words[0] = ACCELDEV_DEVICE_CMD_TYPE_INVALID;
		list_add_tail(&cmd->node, &list);
	}

	spin_lock(&adev->queue_lock);
	if (adev->gone) {
		spin_unlock(&adev->queue_lock);
		ret = -ENODEV;
		goto err_free;
	}
	list_for_each_entry(cmd, &list, node)
		cmd->seq = ++adev->queued_seq;
	list_splice_tail(&list, &adev->pending);
	spin_unlock(&adev->queue_lock);

	acceldev_dispatch_kick(adev);
	return 0;

err_free:
	list_for_each_entry_safe(cmd, tmp, &list, node)
		acceldev_cmd_free(cmd);
	return ret;
}

/**
 * acceldev_dispatch_abort() - stop dispatching for good (device removal)
 * @adev: the device, with @adev->gone just set.
 *
 * Drops every pending command: the device never saw them. Runs in the
 * same queue_lock section that sets @adev->gone, so anyone who sees @gone
 * knows that no command of theirs is still listed. Nobody is woken: that
 * waits until the device is stopped (acceldev_dispatch_stopped()).
 *
 * Context: process; caller holds &acceldev_device.lock and
 *          &acceldev_device.queue_lock.
 */
void acceldev_dispatch_abort(struct acceldev_device *adev)
{
	struct acceldev_cmd *cmd, *tmp;

	lockdep_assert_held(&adev->lock);
	lockdep_assert_held(&adev->queue_lock);

	list_for_each_entry_safe(cmd, tmp, &adev->pending, node) {
		list_del_init(&cmd->node);
		if (acceldev_cmd_is_run(cmd))
			atomic_long_dec(&adev->stats.runs_pending);
		acceldev_cmd_free(cmd);
	}
}
