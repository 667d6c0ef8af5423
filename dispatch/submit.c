// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, submission: what goes onto the per-device pending
 * list (RUN and its per-context backlog bound, BIND_SLOT, fault
 * injection) and how the list is dropped at removal. Nothing here touches
 * the hardware.
 */

#include <linux/file.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dispatch.h"

/**
 * struct acceldev_run_waiter - a RUN sleeping for room in its backlog
 * @node: link in &acceldev_context.run_waiters.
 * @done: completed by whoever unlinks @node, under ctx->lock.
 *
 * Owner: the sleeping task (on its stack).
 */
struct acceldev_run_waiter {
	struct list_head node;
	struct completion done;
};

/* Set up the dispatcher of a device being probed, before it is visible. */
void acceldev_dispatch_init(struct acceldev_device *adev)
{
	spin_lock_init(&adev->queue_lock);
	spin_lock_init(&adev->intr_lock);
	INIT_LIST_HEAD(&adev->pending);
	INIT_LIST_HEAD(&adev->sync_waiters);
	INIT_LIST_HEAD(&adev->deferred_buffers);
	INIT_LIST_HEAD(&adev->deferred_contexts);
	INIT_LIST_HEAD(&adev->jobs);
	INIT_LIST_HEAD(&adev->jobs_done);
	INIT_WORK(&adev->work, acceldev_dispatch_work);
	INIT_DELAYED_WORK(&adev->hang_work, acceldev_hang_work);
	INIT_WORK(&adev->reap_work, acceldev_reap_work);
	atomic_set(&adev->intr_pending, 0);
}

/* Make the work run soon. Context: any; the workqueue lives as @adev. */
void acceldev_dispatch_kick(struct acceldev_device *adev)
{
	queue_work(adev->wq, &adev->work);
}

static struct kmem_cache *acceldev_cmd_cache;

/* Commands are charged to the submitter's memory cgroup. */
int acceldev_cmd_cache_create(void)
{
	acceldev_cmd_cache = KMEM_CACHE(acceldev_cmd, SLAB_ACCOUNT);
	return acceldev_cmd_cache ? 0 : -ENOMEM;
}

/* Context: module exit, every device gone (every command freed). */
void acceldev_cmd_cache_destroy(void)
{
	kmem_cache_destroy(acceldev_cmd_cache);
}

/* Return: an uninitialised command the caller owns, or NULL. */
struct acceldev_cmd *acceldev_cmd_alloc(gfp_t gfp)
{
	return kmem_cache_alloc(acceldev_cmd_cache, gfp);
}

/* Free a command its owner is done with, or NULL. Context: any. */
void acceldev_cmd_free(struct acceldev_cmd *cmd)
{
	if (cmd)
		kmem_cache_free(acceldev_cmd_cache, cmd);
}

/**
 * acceldev_cmd_list_free() - free a list of commands nobody will feed
 * @list: the commands; empty on return.
 *
 * Context: process, may sleep; no locks held.
 */
void acceldev_cmd_list_free(struct list_head *list)
{
	struct acceldev_cmd *cmd, *tmp;

	list_for_each_entry_safe(cmd, tmp, list, node) {
		list_del(&cmd->node);
		acceldev_cmd_free(cmd);
		cond_resched();
	}
}

/**
 * acceldev_queue_job_locked() - append a device command to the pending list
 * @ctx: the context the command belongs to.
 * @cmd: the command. On success the dispatcher owns it; on failure it is
 *       untouched. A RUN must hold an entry of the context's backlog
 *       (acceldev_run_reserve()), which the work gives back once it fed it.
 * @job: the accel job's link for &acceldev_device.jobs, or NULL. A job is
 *       listed in the order of its command, with its seq, and gets a
 *       FENCE behind it.
 *
 * Kicks the work only if the list was empty: a list that was not is the
 * work's already (see the invariant of &struct acceldev_device).
 *
 * Context: any; caller holds @ctx->lock; takes queue_lock.
 * Return: 0, or -ENODEV if the device was removed.
 */
int acceldev_queue_job_locked(struct acceldev_context *ctx,
			      struct acceldev_cmd *cmd,
			      struct acceldev_job_link *job)
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
	/* @cmd may be fed and freed once queue_lock is dropped. */
	ctx->last_seq = cmd->seq;
	if (acceldev_cmd_is_run(cmd)) {
		WRITE_ONCE(ctx->last_run_seq, cmd->seq);
		atomic_long_inc(&adev->stats.runs_pending);
	}
	if (job) {
		job->seq = cmd->seq;
		list_add_tail(&job->node, &adev->jobs);
		adev->fence_want = max(adev->fence_want, cmd->seq);
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
 * acceldev_queue_locked() - append a device command that no job tracks
 * @ctx: as acceldev_queue_job_locked().
 * @cmd: as acceldev_queue_job_locked().
 *
 * Context: any; caller holds @ctx->lock; takes queue_lock.
 * Return: as acceldev_queue_job_locked().
 */
int acceldev_queue_locked(struct acceldev_context *ctx,
			  struct acceldev_cmd *cmd)
{
	return acceldev_queue_job_locked(ctx, cmd, NULL);
}

/**
 * acceldev_context_wake_runs_locked() - wake the RUNs waiting for room
 * @ctx: the context.
 *
 * Context: any; caller holds @ctx->lock.
 */
void acceldev_context_wake_runs_locked(struct acceldev_context *ctx)
{
	struct acceldev_run_waiter *w, *tmp;

	lockdep_assert_held(&ctx->lock);

	list_for_each_entry_safe(w, tmp, &ctx->run_waiters, node) {
		list_del_init(&w->node);
		complete(&w->done);
	}
}

/**
 * acceldev_run_reserve() - take an entry of the context's RUN backlog
 * @ctx: the context.
 *
 * Sleeps (interruptibly) while the context has acceldev_run_backlog RUNs
 * reserved or on the pending list; the work wakes it when one is fed. It
 * never waits for room in the device queue itself.
 *
 * Context: process, may sleep; no locks held.
 * Return: 0 with the entry taken (queue a RUN with it, or give it back
 * with acceldev_run_unreserve_locked()); -EIO, -ENODEV or -ERESTARTSYS.
 */
int acceldev_run_reserve(struct acceldev_context *ctx)
{
	struct acceldev_run_waiter w;
	int ret;

	spin_lock(&ctx->lock);
	for (;;) {
		if (ctx->broken) {
			ret = -EIO;
			break;
		}
		if (ctx->detached) {
			ret = -ENODEV;
			break;
		}
		if (atomic_read(&ctx->runs_queued) < acceldev_run_backlog) {
			atomic_inc(&ctx->runs_queued);
			ret = 0;
			break;
		}
		init_completion(&w.done);
		list_add_tail(&w.node, &ctx->run_waiters);
		spin_unlock(&ctx->lock);
		ret = wait_for_completion_interruptible(&w.done);
		spin_lock(&ctx->lock);
		/* SAFETY: still listed means nobody completes it: unlink. */
		if (!list_empty(&w.node))
			list_del(&w.node);
		if (ret)
			break;
	}
	spin_unlock(&ctx->lock);
	return ret;
}

/**
 * acceldev_run_unreserve_locked() - give back a backlog entry never used
 * @ctx: the context.
 *
 * Context: any; caller holds @ctx->lock.
 */
void acceldev_run_unreserve_locked(struct acceldev_context *ctx)
{
	lockdep_assert_held(&ctx->lock);

	if (atomic_dec_return(&ctx->runs_queued) == acceldev_run_backlog - 1)
		acceldev_context_wake_runs_locked(ctx);
}

/*
 * acceldev_run_queue() - queue a RUN once its context is under its backlog
 * bound
 *
 * Context: process, may sleep (interruptibly); no locks held.
 * Return: 0 with @cmd the dispatcher's; -EIO, -ENODEV or -ERESTARTSYS
 * with @cmd untouched.
 */
static int acceldev_run_queue(struct acceldev_context *ctx,
			      struct acceldev_cmd *cmd, u32 user_cmds)
{
	int ret;

	ret = acceldev_run_reserve(ctx);
	if (ret)
		return ret;
	spin_lock(&ctx->lock);
	ret = ctx->broken ? -EIO : acceldev_queue_locked(ctx, cmd);
	if (ret)
		acceldev_run_unreserve_locked(ctx);
	else
		ctx->cmds_submitted += user_cmds;
	spin_unlock(&ctx->lock);
	return ret;
}

/**
 * acceldev_ioctl_run() - ACCELDEV_IOCTL_RUN: queue a RUN device command
 * @ctx: the context (its file is held by the caller).
 * @uarg: user pointer to &struct acceldev_ioctl_run.
 *
 * Context: process, may sleep (interruptibly) while the context's backlog
 * is full.
 * Return: 0; -EFAULT for a bad pointer; -EBADF for a closed @cfd;
 * -EINVAL for an @cfd that is not a code buffer of this context or a bad
 * range; -EIO if the context is in error; -ENODEV after removal;
 * -ERESTARTSYS on a signal while the backlog is full; -ENOMEM.
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

	ret = acceldev_run_queue(ctx, cmd, args.size / ACCELDEV_USER_CMD_BYTES);
	if (ret) {
		acceldev_cmd_free(cmd);
		goto out_fdput;
	}
	atomic_long_inc(&ctx->adev->stats.runs_submitted);
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
 * device answers with a CMD_ERROR that no context explains.
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
 * @dropped: takes every pending command; the caller frees them with
 *           acceldev_cmd_list_free() once it holds no lock.
 *
 * In the queue_lock section that sets @gone, so whoever sees @gone knows
 * no command of theirs is still listed.
 *
 * Context: caller holds adev->lock and queue_lock.
 */
void acceldev_dispatch_abort(struct acceldev_device *adev,
			     struct list_head *dropped)
{
	lockdep_assert_held(&adev->lock);
	lockdep_assert_held(&adev->queue_lock);

	list_splice_init(&adev->pending, dropped);
	atomic_long_set(&adev->stats.runs_pending, 0);
}
