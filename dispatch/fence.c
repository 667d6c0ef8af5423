// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev RUN and WAIT: submission and per-context user fences.
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

#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../core/acceldev.h"

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
void acceldev_context_advance_locked(struct acceldev_context *ctx, u32 counter)
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
	cmd = kmalloc(sizeof(*cmd), GFP_KERNEL_ACCOUNT);
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
		kfree(cmd);
out_fdput:
	fdput(f);
	return ret;
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
