// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, user fences: reading the config array, and WAIT.
 *
 * The device counts the user FENCEs each context executed in the
 * context's config entry (fence_counter, 32 bits, wrapping) and raises
 * USER_FENCE_WAIT after each. A WAIT sleeps on a completion of its own,
 * listed on its context; the dispatcher work reads the counters after each
 * USER_FENCE_WAIT or error interrupt and completes the waiters whose fence
 * was reached or whose context broke. Only the work reads the config
 * array (see acceldev_scan_locked()): RUN and WAIT go by what it took in,
 * so that no fence is believed before the work knows that no RUN of the
 * context was lost on the way.
 */

#include <linux/uaccess.h>

#include "dispatch.h"

/**
 * struct acceldev_fence_waiter - a sleeper in WAIT
 * @node: link in &acceldev_context.waiters.
 * @target: user fence number awaited (modulo 2^32).
 * @status: result, set before @done is completed.
 * @done: completed by whoever unlinks @node.
 *
 * Owner: the sleeping task (on its stack). Linked and unlinked only under
 * &acceldev_context.lock; whoever unlinks it sets @status and completes
 * @done under that lock, so the sleeper can tell a wake-up from a signal.
 */
struct acceldev_fence_waiter {
	struct list_head node;
	u32 target;
	int status;
	struct completion done;
};

/*
 * acceldev_fence_reached() - has user fence @target executed?
 *
 * Fence numbers are modulo 2^32. @target counts as reached if it lies at
 * most 2^31 - 1 fences behind the counter and that many fences really
 * executed on this context (so a fresh context has reached nothing).
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
 * Context: any; caller holds @ctx->lock.
 */
void acceldev_context_fail_waiters_locked(struct acceldev_context *ctx,
					  int err)
{
	struct acceldev_fence_waiter *w, *tmp;

	lockdep_assert_held(&ctx->lock);

	list_for_each_entry_safe(w, tmp, &ctx->waiters, node)
		acceldev_waiter_finish(w, err);
}

/**
 * acceldev_context_advance_locked() - take in a new fence counter value
 * @ctx: the context.
 * @counter: fence_counter as the work read it from the config entry.
 *
 * Context: the work; caller holds @ctx->lock.
 */
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
 * acceldev_context_complete_locked() - end the WAITs that can end
 * @ctx: the context.
 *
 * Completes the waiters whose fence was reached (0) and, if the context
 * broke, all others (-EIO).
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
}

/*
 * acceldev_scan_locked() - read what the device wrote to the config array
 *
 * In this order: every context's fence counter; then every INTR bit not
 * yet in hand; then every status. Each order matters:
 *
 * - A FEED_ERROR is raised when the command is fed, before any later RUN
 *   of the same context can execute and count its FENCEs as the lost
 *   RUN's. So when the counters are read first, any drop that could have
 *   made them lie is in hand, and the caller's restart can discard them
 *   (the context is then "lost") before anyone believes them.
 * - The device writes a status before it raises the error bit, so reading
 *   the statuses after the bits means every error bit in hand has its
 *   error counted: see acceldev_error_explained_locked().
 * - A context that went into error runs nothing more, so its counter is
 *   read again then: the FENCEs it executed before the error count.
 *
 * Nothing is applied yet: acceldev_apply_scan_locked() does that after the
 * caller has handled device-level errors.
 *
 * SAFETY: a context listed in adev->contexts has its config entry ours:
 * close unlists it under adev->lock, which we hold, before the id is given
 * back. (Removal marks listed contexts detached without unlisting them,
 * but only after @adev->gone is set, and the work scans nothing then.) The
 * device writes the entries concurrently: READ_ONCE() takes one snapshot
 * of each field.
 *
 * Context: the work, with adev->lock held.
 * Return: the bits pulled in.
 */
u32 acceldev_scan_locked(struct acceldev_device *adev)
{
	struct acceldev_context *ctx;
	struct acceldev_hw_context *hw;
	unsigned int id;
	u32 fresh;

	lockdep_assert_held(&adev->lock);

	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++)
		adev->scan_counter[id] =
			le32_to_cpu(READ_ONCE(adev->configs[id].fence_counter));

	fresh = acceldev_pull_intr_locked(adev);
	/*
	 * A USER_FENCE_WAIT pulled now may be for a FENCE counted after the
	 * counters were read: the next pass looks again, or its waiter would
	 * sleep on with the interrupt spent.
	 */
	acceldev_push_intr(adev, fresh & ACCELDEV_INTR_USER_FENCE_WAIT);

	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++) {
		hw = &adev->configs[id];
		spin_lock(&ctx->lock);
		if (!ctx->broken &&
		    (READ_ONCE(hw->status) & ACCELDEV_CONTEXT_STATUS_ERROR)) {
			/* Published with its final counter, in the apply. */
			__set_bit(id, adev->scan_broke);
			atomic_long_inc(&adev->stats.ctx_errors);
			adev->scan_counter[id] =
				le32_to_cpu(READ_ONCE(hw->fence_counter));
		}
		spin_unlock(&ctx->lock);
	}
	return fresh;
}

/*
 * acceldev_apply_scan_locked() - take in the counters, end WAITs
 *
 * Context: the work, with adev->lock held, after acceldev_scan_locked()
 * and the device-level error handling.
 */
void acceldev_apply_scan_locked(struct acceldev_device *adev)
{
	struct acceldev_context *ctx;
	unsigned int id;

	lockdep_assert_held(&adev->lock);

	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++) {
		spin_lock(&ctx->lock);
		acceldev_context_advance_locked(ctx, adev->scan_counter[id]);
		/*
		 * INVARIANT: a WAIT that finds the context broken also finds
		 * every FENCE it executed before the error counted.
		 */
		if (__test_and_clear_bit(id, adev->scan_broke))
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

/*
 * acceldev_wait_unreachable() - WAIT for a fence nothing submitted reaches
 *
 * Not at once: the runs submitted before it may still break the context,
 * and a caller that sees this WAIT fail must find the context broken at
 * its next RUN (the course's example 7: garbage, WAIT(1000000), RUN). So
 * sleep until every RUN queued for the context so far completed; the
 * dispatcher has then taken in their errors and counters.
 *
 * Context: process, may sleep (interruptibly); no locks held.
 * Return: as acceldev_ioctl_wait().
 */
static int acceldev_wait_unreachable(struct acceldev_context *ctx, u32 target)
{
	u64 seq;
	int ret;

	spin_lock(&ctx->lock);
	seq = ctx->last_run_seq;
	spin_unlock(&ctx->lock);

	ret = acceldev_sync_interruptible(ctx->adev, seq);
	/* Hung (-ETIMEDOUT): whether the context broke says the rest. */
	if (ret && ret != -ETIMEDOUT)
		return ret;

	spin_lock(&ctx->lock);
	ret = acceldev_wait_check_locked(ctx, target);
	spin_unlock(&ctx->lock);
	/* Later RUNs (another thread's) may have made it reachable. */
	return ret == -EAGAIN ? -EINVAL : ret;
}

/**
 * acceldev_ioctl_wait() - ACCELDEV_IOCTL_WAIT: sleep until a user fence
 * @ctx: the context (its file is held by the caller).
 * @uarg: user pointer to &struct acceldev_ioctl_wait.
 *
 * Context: process, may sleep (interruptibly).
 * Return: 0 once the fence is reached (or for fence 0); -EIO if the
 * context broke before it; -EINVAL if what was submitted can never reach
 * it, known once the context's earlier runs finished;
 * -ERESTARTSYS on a signal (seen as EINTR unless the ioctl is restarted);
 * -ENODEV if the device was removed; -EFAULT.
 */
int acceldev_ioctl_wait(struct acceldev_context *ctx, void __user *uarg)
{
	struct acceldev_ioctl_wait args;
	struct acceldev_fence_waiter w;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!args.fence_wait)
		return 0;

	w.target = args.fence_wait;
	w.status = 0;
	init_completion(&w.done);

	spin_lock(&ctx->lock);
	ret = acceldev_wait_check_locked(ctx, w.target);
	if (ret == -EAGAIN)
		list_add_tail(&w.node, &ctx->waiters);
	spin_unlock(&ctx->lock);
	if (ret == -EINVAL)
		return acceldev_wait_unreachable(ctx, w.target);
	if (ret != -EAGAIN)
		return ret;

	if (wait_for_completion_interruptible(&w.done)) {
		spin_lock(&ctx->lock);
		/*
		 * SAFETY: whoever completes @w unlinks it under ctx->lock
		 * first; still listed means nobody will, and we unlink it
		 * before our stack frame goes away.
		 */
		if (!list_empty(&w.node)) {
			list_del(&w.node);
			/*
			 * EINTR reaches user space if a handler without
			 * SA_RESTART runs; otherwise (ignored signal such as
			 * SIGCHLD, SA_RESTART) WAIT is simply called again.
			 */
			w.status = -ERESTARTSYS;
		}
		spin_unlock(&ctx->lock);
	}
	return w.status;
}
