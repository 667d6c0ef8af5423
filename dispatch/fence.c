// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, user fences: reading the config array, and WAIT.
 * Only the work reads the array; RUN and WAIT go by what it took in.
 */

#include <linux/jiffies.h>
#include <linux/uaccess.h>

#include "dispatch.h"

/**
 * struct acceldev_fence_waiter - a sleeper in WAIT
 * @node: link in &acceldev_context.waiters.
 * @target: user fence number awaited (modulo 2^32).
 * @status: result, set before @done is completed.
 * @done: completed by whoever unlinks @node.
 *
 * Owner: the sleeping task (on its stack); linked and unlinked under
 * &acceldev_context.lock.
 */
struct acceldev_fence_waiter {
	struct list_head node;
	u32 target;
	int status;
	struct completion done;
};

/*
 * Fence numbers are modulo 2^32: @target is reached if it lies less than
 * 2^31 fences behind the counter and that many FENCEs really executed.
 */
static bool acceldev_fence_reached(struct acceldev_context *ctx, u32 target)
{
	u32 behind = ctx->counter - target;

	lockdep_assert_held(&ctx->lock);

	return behind < BIT(31) && behind < ctx->fences_seen;
}

static void acceldev_waiter_finish(struct acceldev_fence_waiter *w,
				   int status)
{
	list_del_init(&w->node);
	w->status = status;
	complete(&w->done);
}

/**
 * acceldev_context_fail_waiters_locked() - wake every WAIT with an error
 * @ctx: the context.
 * @err: the negative errno the waiters return.
 *
 * RUNs waiting for backlog room are woken too, to see why.
 *
 * Context: any; caller holds @ctx->lock.
 */
void acceldev_context_fail_waiters_locked(struct acceldev_context *ctx,
					  int err)
{
	struct acceldev_fence_waiter *w, *tmp;

	lockdep_assert_held(&ctx->lock);

	list_for_each_entry_safe(w, tmp, &ctx->waiters, node)
		acceldev_waiter_finish(w, err);
	acceldev_context_wake_runs_locked(ctx);
}

/* Take in a fence counter the work read. Context: caller holds ctx->lock. */
static void acceldev_context_advance_locked(struct acceldev_context *ctx,
					    u32 counter)
{
	lockdep_assert_held(&ctx->lock);

	if (ctx->lost || counter == ctx->counter)
		return;
	ctx->fences_seen += counter - ctx->counter;
	atomic_long_add(counter - ctx->counter,
			&ctx->adev->stats.fences_signalled);
	ctx->counter = counter;
}

/**
 * acceldev_context_recheck_waiters_locked() - fewer FENCEs can come now
 * @ctx: the context; a held accel job failed before it was queued.
 *
 * Waiters for a fence that what is still submitted cannot reach wake
 * with -EINVAL and take the unreachable path (acceldev_context_wait()).
 *
 * Context: any; caller holds @ctx->lock.
 */
void acceldev_context_recheck_waiters_locked(struct acceldev_context *ctx)
{
	struct acceldev_fence_waiter *w, *tmp;

	lockdep_assert_held(&ctx->lock);

	list_for_each_entry_safe(w, tmp, &ctx->waiters, node)
		if ((u32)(w->target - ctx->counter) >
		    ctx->cmds_submitted - ctx->fences_seen)
			acceldev_waiter_finish(w, -EINVAL);
}

/**
 * acceldev_context_complete_locked() - end the WAITs that can end
 * @ctx: the context.
 *
 * Completes the waiters whose fence was reached (0) and, if the context
 * broke, all others (-EIO) and the RUNs waiting for backlog room.
 *
 * Context: any; caller holds @ctx->lock.
 */
void acceldev_context_complete_locked(struct acceldev_context *ctx)
{
	struct acceldev_fence_waiter *w, *tmp;

	lockdep_assert_held(&ctx->lock);

	list_for_each_entry_safe(w, tmp, &ctx->waiters, node) {
		if (acceldev_fence_reached(ctx, w->target))
			acceldev_waiter_finish(w, 0);
		else if (ctx->broken)
			acceldev_waiter_finish(w, -EIO);
	}
	if (ctx->broken)
		acceldev_context_wake_runs_locked(ctx);
}

/**
 * acceldev_scan_locked() - read what the device wrote to the config array
 * @adev: the device.
 *
 * Every fence counter first, then the INTR bits not yet in hand, then
 * every status: a FEED_ERROR that could make a counter lie is in hand
 * before the counter is believed, and the device writes a status before
 * it raises the error bit, so every error bit in hand has its status
 * seen. A context in error runs nothing more: its counter is read again
 * then. Applied by acceldev_apply_scan_locked(), after the caller has
 * handled device-level errors.
 *
 * SAFETY: a context listed in adev->contexts owns its config entry (the
 * id is given back under adev->lock, which we hold). The device writes
 * the entries concurrently: READ_ONCE() takes one snapshot of each field.
 *
 * Context: the work, with adev->lock held.
 * Return: the INTR bits pulled.
 */
u32 acceldev_scan_locked(struct acceldev_device *adev)
{
	struct acceldev_feed *f = &adev->feed;
	struct acceldev_context *ctx;
	struct acceldev_hw_context *hw;
	unsigned int id;
	u32 fresh;

	lockdep_assert_held(&adev->lock);

	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++)
		f->scan_counter[id] =
			le32_to_cpu(READ_ONCE(adev->configs[id].fence_counter));

	fresh = acceldev_pull_intr_locked(adev);
	/* One pulled now may be for a FENCE counted after the read. */
	acceldev_push_intr(adev, fresh & ACCELDEV_INTR_USER_FENCE_WAIT);

	f->scan_error = false;
	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++) {
		hw = &adev->configs[id];
		if (!(READ_ONCE(hw->status) & ACCELDEV_CONTEXT_STATUS_ERROR))
			continue;
		f->scan_error = true;
		spin_lock(&ctx->lock);
		if (!ctx->broken) {
			__set_bit(id, f->scan_broke);
			atomic_long_inc(&adev->stats.ctx_errors);
			f->scan_counter[id] =
				le32_to_cpu(READ_ONCE(hw->fence_counter));
		}
		spin_unlock(&ctx->lock);
	}
	return fresh;
}

/**
 * acceldev_apply_scan_locked() - take in the counters, end WAITs
 * @adev: the device.
 *
 * Context: the work, with adev->lock held, after acceldev_scan_locked()
 * and the handling of device-level errors.
 */
void acceldev_apply_scan_locked(struct acceldev_device *adev)
{
	struct acceldev_context *ctx;
	unsigned int id;

	lockdep_assert_held(&adev->lock);

	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++) {
		spin_lock(&ctx->lock);
		/* The counter first: a WAIT that sees the error sees it too. */
		acceldev_context_advance_locked(ctx, adev->feed.scan_counter[id]);
		if (__test_and_clear_bit(id, adev->feed.scan_broke))
			ctx->broken = true;
		acceldev_context_complete_locked(ctx);
		spin_unlock(&ctx->lock);
	}
}

/*
 * acceldev_wait_check_locked() - can a WAIT for @target return now?
 *
 * Return: 0 if reached, -EIO if the context broke first, -EINVAL if more
 * FENCEs would be needed than user commands were ever submitted (the
 * caller then waits for the context's runs before it believes that),
 * -ENODEV if the device is gone, -EAGAIN if the caller must sleep.
 */
static int acceldev_wait_check_locked(struct acceldev_context *ctx,
				      u32 target)
{
	lockdep_assert_held(&ctx->lock);

	if (ctx->detached)
		return -ENODEV;
	if (acceldev_fence_reached(ctx, target))
		return 0;
	if (ctx->broken)
		return -EIO;
	if ((u32)(target - ctx->counter) >
	    ctx->cmds_submitted - ctx->fences_seen)
		return -EINVAL;
	return -EAGAIN;
}

/* Jiffies left until @deadline, or MAX_SCHEDULE_TIMEOUT without one. */
static long acceldev_wait_left(unsigned long deadline)
{
	if (!deadline)
		return MAX_SCHEDULE_TIMEOUT;
	return time_before(jiffies, deadline) ? deadline - jiffies : 0;
}

/*
 * acceldev_wait_unreachable() - WAIT for a fence nothing submitted reaches
 *
 * Not at once: the runs submitted before it may still break the context,
 * and the course's example 7 expects that error at the next RUN. So it
 * sleeps until every RUN queued for the context so far is done.
 *
 * Context: process, may sleep (interruptibly); no locks held.
 * Return: as acceldev_context_wait().
 */
static int acceldev_wait_unreachable(struct acceldev_context *ctx, u32 target,
				     unsigned long deadline)
{
	int ret, sret;
	long left;
	u64 seq;

	spin_lock(&ctx->lock);
	seq = ctx->last_run_seq;
	spin_unlock(&ctx->lock);

	do {
		left = acceldev_wait_left(deadline);
		if (!left)
			return -ETIME;
		sret = acceldev_sync_interruptible(ctx->adev, seq, left);
		if (sret && sret != -ETIMEDOUT)
			return sret;
		spin_lock(&ctx->lock);
		ret = acceldev_wait_check_locked(ctx, target);
		spin_unlock(&ctx->lock);
		/* Woken by recovery, not failed by it: the RUNs wait unfed. */
	} while (ret == -EINVAL && sret == -ETIMEDOUT);
	/* Later RUNs (another thread's) may have made it reachable. */
	return ret == -EAGAIN ? -EINVAL : ret;
}

/**
 * acceldev_context_wait() - sleep until a user fence of a context
 * @ctx: the context (its file is held by the caller).
 * @target: the user fence number; 0 returns at once.
 * @deadline: jiffies to give up at, or 0 for never.
 *
 * Context: process, may sleep (interruptibly).
 * Return: 0 once the fence is reached; -EIO if the context broke before
 * it; -EINVAL if what was submitted can never reach it, known once the
 * context's earlier runs finished; -ETIME at @deadline; -ERESTARTSYS on
 * a signal (seen as EINTR unless the ioctl is restarted); -ENODEV if the
 * device was removed.
 */
int acceldev_context_wait(struct acceldev_context *ctx, u32 target,
			  unsigned long deadline)
{
	struct acceldev_fence_waiter w;
	long left;
	int ret;

	if (!target)
		return 0;

	w.target = target;
	w.status = 0;
	init_completion(&w.done);

	spin_lock(&ctx->lock);
	ret = acceldev_wait_check_locked(ctx, w.target);
	if (ret == -EAGAIN)
		list_add_tail(&w.node, &ctx->waiters);
	spin_unlock(&ctx->lock);
	if (ret == -EINVAL)
		return acceldev_wait_unreachable(ctx, w.target, deadline);
	if (ret != -EAGAIN)
		return ret;

	left = acceldev_wait_left(deadline);
	left = wait_for_completion_interruptible_timeout(&w.done, left);
	if (left <= 0) {
		spin_lock(&ctx->lock);
		/*
		 * SAFETY: whoever completes @w unlinks it under ctx->lock
		 * first; still listed means nobody will, and we unlink it
		 * before our stack frame goes away.
		 */
		if (!list_empty(&w.node)) {
			list_del(&w.node);
			w.status = left ? -ERESTARTSYS : -ETIME;
		}
		spin_unlock(&ctx->lock);
	}
	if (w.status == -EINVAL)
		return acceldev_wait_unreachable(ctx, w.target, deadline);
	return w.status;
}

/**
 * acceldev_ioctl_wait() - ACCELDEV_IOCTL_WAIT: sleep until a user fence
 * @ctx: the context (its file is held by the caller).
 * @uarg: user pointer to &struct acceldev_ioctl_wait.
 *
 * Context: process, may sleep (interruptibly).
 * Return: as acceldev_context_wait() without a deadline; -EFAULT.
 */
int acceldev_ioctl_wait(struct acceldev_context *ctx, void __user *uarg)
{
	struct acceldev_ioctl_wait args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	return acceldev_context_wait(ctx, args.fence_wait, 0);
}
