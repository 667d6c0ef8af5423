// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, waiting for completion: sync waiters (close, an
 * unreachable WAIT), what killed closes leave to the reaper, and the end
 * of all waiting at removal.
 */

#include <linux/minmax.h>
#include <linux/sched.h>

#include "dispatch.h"

/**
 * struct acceldev_sync_waiter - a sleeper in acceldev_sync_state()
 * @node: link in &acceldev_device.sync_waiters (queue_lock).
 * @target: the seq that must be done.
 * @status: what the sleep ends with.
 * @done: completed by whoever unlinks @node, after setting @status.
 *
 * Owner: the sleeping task (on its stack).
 */
struct acceldev_sync_waiter {
	struct list_head node;
	u64 target;
	int status;
	struct completion done;
};

/*
 * Return: 0 if @seq is done, -ENODEV once the device is stopped, or
 * -EAGAIN after asking the work for a FENCE behind @seq (caller kicks).
 */
static int acceldev_sync_begin_locked(struct acceldev_device *adev, u64 seq)
{
	lockdep_assert_held(&adev->queue_lock);

	if (adev->stopped)
		return -ENODEV;
	if (seq <= adev->done_seq)
		return 0;
	adev->fence_want = max(adev->fence_want, seq);
	return -EAGAIN;
}

/*
 * acceldev_sync_state() - sleep in @state (or for at most @timeout
 * jiffies, if non-zero) until every command up to @seq is done
 *
 * The work completes the waiter only after it took in every interrupt
 * raised before the FENCE that covers @seq: the errors and fence counters
 * of those commands are visible by then.
 *
 * Context: process, may sleep; no locks held.
 * Return: 0; -ENODEV once the device was removed (it reaches no memory
 * then); -ETIMEDOUT if the recovery path ran first, or @timeout ran out
 * in an uninterruptible sleep; -ETIME if it ran out in an interruptible
 * one; -ERESTARTSYS on a signal @state lets through.
 */
static int acceldev_sync_state(struct acceldev_device *adev, u64 seq,
			       unsigned int state, unsigned long timeout)
{
	struct acceldev_sync_waiter w;
	long left;
	int ret;

	spin_lock(&adev->queue_lock);
	ret = acceldev_sync_begin_locked(adev, seq);
	if (ret != -EAGAIN) {
		spin_unlock(&adev->queue_lock);
		return ret;
	}
	w.target = seq;
	w.status = 0;
	init_completion(&w.done);
	list_add_tail(&w.node, &adev->sync_waiters);
	spin_unlock(&adev->queue_lock);

	acceldev_dispatch_kick(adev);
	if (!timeout)
		left = wait_for_completion_state(&w.done, state) ?
		       -ERESTARTSYS : 0;
	else if (state == TASK_UNINTERRUPTIBLE)
		left = wait_for_completion_timeout(&w.done, timeout) ? 0 :
		       -ETIMEDOUT;
	else
		left = wait_for_completion_interruptible_timeout(&w.done,
								 timeout);
	if (left > 0)
		left = 0;
	else if (!left && timeout && state != TASK_UNINTERRUPTIBLE)
		left = -ETIME;
	if (left) {
		spin_lock(&adev->queue_lock);
		/* SAFETY: still listed means nobody completes it: unlink. */
		if (!list_empty(&w.node)) {
			list_del(&w.node);
			w.status = left;
		}
		spin_unlock(&adev->queue_lock);
	}
	return w.status;
}

/**
 * acceldev_sync_killable() - wait for every command up to @seq, unless
 * killed
 * @adev: the device.
 * @seq: a &acceldev_cmd.seq; 0, or one done, returns at once.
 *
 * For close. An exiting task (its SIGKILL consumed) or a kernel thread
 * does not wait at all: it gets -ERESTARTSYS and defers, as a killed
 * close does.
 *
 * Context: process, may sleep; no locks held.
 * Return: as acceldev_sync_state().
 */
int acceldev_sync_killable(struct acceldev_device *adev, u64 seq)
{
	if (current->flags & (PF_EXITING | PF_KTHREAD)) {
		int ret;

		spin_lock(&adev->queue_lock);
		ret = acceldev_sync_begin_locked(adev, seq);
		spin_unlock(&adev->queue_lock);
		if (ret != -EAGAIN)
			return ret;
		acceldev_dispatch_kick(adev);
		return -ERESTARTSYS;
	}
	return acceldev_sync_state(adev, seq, TASK_KILLABLE, 0);
}

/**
 * acceldev_sync_interruptible() - wait for every command up to @seq,
 * unless a signal comes or @timeout runs out
 * @adev: the device.
 * @seq: a &acceldev_cmd.seq.
 * @timeout: jiffies, or MAX_SCHEDULE_TIMEOUT.
 *
 * Context: process, may sleep; no locks held.
 * Return: as acceldev_sync_state().
 */
int acceldev_sync_interruptible(struct acceldev_device *adev, u64 seq,
				long timeout)
{
	return acceldev_sync_state(adev, seq, TASK_INTERRUPTIBLE,
				   timeout == MAX_SCHEDULE_TIMEOUT ? 0 :
				   max(timeout, 1L));
}

/**
 * acceldev_sync_timeout() - wait for every command up to @seq, at most
 * @timeout jiffies
 * @adev: the device.
 * @seq: a &acceldev_cmd.seq.
 * @timeout: the bound, non-zero.
 *
 * Context: process, may sleep (uninterruptibly); no locks held.
 * Return: as acceldev_sync_state(); -ETIMEDOUT also when @timeout ran out.
 */
int acceldev_sync_timeout(struct acceldev_device *adev, u64 seq,
			  unsigned long timeout)
{
	return acceldev_sync_state(adev, seq, TASK_UNINTERRUPTIBLE, timeout);
}

/*
 * acceldev_defer() - put @node on @list for the reaper, unless @seq is
 * done or the device is stopped
 *
 * Context: any; takes queue_lock.
 * Return: true if listed: the reaper now owns the object.
 */
static bool acceldev_defer(struct acceldev_device *adev, struct list_head *node,
			   u64 *deferred_seq, u64 seq, struct list_head *list)
{
	bool deferred;

	spin_lock(&adev->queue_lock);
	deferred = !adev->stopped && seq > adev->done_seq;
	if (deferred) {
		*deferred_seq = seq;
		list_add_tail(node, list);
	}
	spin_unlock(&adev->queue_lock);
	if (deferred)
		acceldev_dispatch_kick(adev);
	return deferred;
}

/**
 * acceldev_defer_buffer() - free a buffer once the device is done with it
 * @buf: a buffer whose file is gone.
 * @seq: the last command that may reach it.
 *
 * Context: any; takes queue_lock.
 * Return: true if the reaper now owns @buf; false if the device can no
 * longer reach it (@seq done, or the device stopped): the caller frees it.
 */
bool acceldev_defer_buffer(struct acceldev_buffer *buf, u64 seq)
{
	struct acceldev_device *adev = buf->ctx->adev;

	return acceldev_defer(adev, &buf->deferred, &buf->deferred_seq, seq,
			      &adev->deferred_buffers);
}

/**
 * acceldev_defer_context() - give a context's id back once its RUNs are
 * done
 * @ctx: a closed context; on success the file's reference goes with it.
 * @seq: its last RUN.
 *
 * Context: any; takes queue_lock.
 * Return: as acceldev_defer_buffer(); on false the caller finishes @ctx.
 */
bool acceldev_defer_context(struct acceldev_context *ctx, u64 seq)
{
	struct acceldev_device *adev = ctx->adev;

	return acceldev_defer(adev, &ctx->deferred, &ctx->deferred_seq, seq,
			      &adev->deferred_contexts);
}

/**
 * acceldev_reap_deferred() - finish the closes that were killed
 * @adev: the device.
 * @all: the device is stopped (removal): everything may go.
 *
 * Frees deferred buffers and gives back deferred contexts whose commands
 * are done. Never drops the last device reference: the reap work runs
 * only while the PCI binding holds one, and removal reaps before it drops
 * its own.
 *
 * Context: process, may sleep; no locks held.
 */
void acceldev_reap_deferred(struct acceldev_device *adev, bool all)
{
	struct acceldev_context *ctx, *ctmp;
	struct acceldev_buffer *buf, *btmp;
	LIST_HEAD(bufs);
	LIST_HEAD(ctxs);

	/* Signalled jobs first: they may hold the last use of a buffer. */
	acceldev_jobs_reap(adev);
	spin_lock(&adev->queue_lock);
	list_for_each_entry_safe(buf, btmp, &adev->deferred_buffers, deferred)
		if (all || buf->deferred_seq <= adev->done_seq)
			list_move_tail(&buf->deferred, &bufs);
	list_for_each_entry_safe(ctx, ctmp, &adev->deferred_contexts, deferred)
		if (all || ctx->deferred_seq <= adev->done_seq)
			list_move_tail(&ctx->deferred, &ctxs);
	spin_unlock(&adev->queue_lock);

	/* SAFETY: done, or stopped: the device can no longer reach them. */
	list_for_each_entry_safe(buf, btmp, &bufs, deferred) {
		acceldev_buffer_destroy(buf);
		cond_resched();
	}
	list_for_each_entry_safe(ctx, ctmp, &ctxs, deferred) {
		acceldev_context_finish(ctx);
		acceldev_context_put(ctx);
	}
}

/**
 * acceldev_reap_work() - free what killed closes left, off the dispatcher
 * @work: &acceldev_device.reap_work, queued by the work when FENCEs retire
 *        with something deferred.
 *
 * Context: process (the device's workqueue).
 */
void acceldev_reap_work(struct work_struct *work)
{
	struct acceldev_device *adev =
		container_of(work, struct acceldev_device, reap_work);

	if (!READ_ONCE(adev->gone))
		acceldev_reap_deferred(adev, false);
}

/*
 * Wake the sync waiters done_seq covers with 0, or all of them with a
 * non-zero @status. Context: caller holds queue_lock.
 */
void acceldev_wake_syncs_locked(struct acceldev_device *adev, int status)
{
	struct acceldev_sync_waiter *w, *tmp;

	lockdep_assert_held(&adev->queue_lock);

	list_for_each_entry_safe(w, tmp, &adev->sync_waiters, node) {
		if (!status && w->target > adev->done_seq)
			continue;
		list_del_init(&w->node);
		w->status = status;
		complete(&w->done);
	}
}

/**
 * acceldev_sync_first_target_locked() - what the first sync waits for
 * @adev: the device.
 *
 * Context: any; caller holds &acceldev_device.queue_lock.
 * Return: the smallest sequence number a sync waiter waits for that is
 * not done yet, or 0 if nobody waits.
 */
u64 acceldev_sync_first_target_locked(struct acceldev_device *adev)
{
	struct acceldev_sync_waiter *w;
	u64 first = 0;

	lockdep_assert_held(&adev->queue_lock);

	list_for_each_entry(w, &adev->sync_waiters, node)
		if (w->target > adev->done_seq && (!first || w->target < first))
			first = w->target;
	return first;
}

/**
 * acceldev_dispatch_stopped() - the removed device reaches no memory now
 * @adev: the device, stopped, bus mastering off, DMA memory given back.
 *
 * Sets @stopped and wakes every sync waiter with -ENODEV.
 *
 * Context: caller holds adev->lock; takes queue_lock.
 */
void acceldev_dispatch_stopped(struct acceldev_device *adev)
{
	lockdep_assert_held(&adev->lock);

	spin_lock(&adev->queue_lock);
	adev->stopped = true;
	acceldev_wake_syncs_locked(adev, -ENODEV);
	spin_unlock(&adev->queue_lock);
}
