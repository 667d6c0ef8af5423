// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, waiting for completion: sync waiters (close and an
 * unreachable WAIT sleep until their commands completed), the closes that
 * were killed while they waited, and the end of all waiting at removal.
 */

#include <linux/minmax.h>
#include <linux/sched.h>

#include "dispatch.h"

/**
 * struct acceldev_sync_waiter - a sleeper in acceldev_sync_state()
 * @node: link in &acceldev_device.sync_waiters.
 * @target: submission sequence number that must complete.
 * @status: 0; -ENODEV if the device went away first; -ETIMEDOUT if the
 *          watchdog found it hung; -ERESTARTSYS if a signal ended the
 *          sleep (set by the sleeper itself).
 * @done: completed by the dispatcher once @status is set.
 *
 * Owner: the sleeping task (on its stack). It is on the list from
 * acceldev_sync_state() until the dispatcher (or removal) unlinks it under
 * &acceldev_device.queue_lock and completes @done.
 */
struct acceldev_sync_waiter {
	struct list_head node;
	u64 target;
	int status;
	struct completion done;
};

/*
 * acceldev_sync_begin_locked() - is @seq done, or must the caller wait?
 *
 * Context: any; caller holds &acceldev_device.queue_lock.
 * Return: 0 if done, -ENODEV once the device is stopped, -EAGAIN after
 * asking the dispatcher for a FENCE behind @seq (the caller kicks it).
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
 * acceldev_sync_state() - wait until every command up to a sequence number
 * completed, in a given task state
 *
 * Asks the dispatcher for a device FENCE behind @seq (&fence_want) and
 * sleeps until one covering @seq has executed: the work completes the
 * waiter after it has taken in every interrupt that came before that
 * FENCE, so context errors and fence counters of those commands are
 * visible by then. During removal (@adev->gone) nothing is fed any more:
 * the caller sleeps until the device is stopped.
 *
 * Context: process, may sleep; no locks held.
 * Return: 0 once done; -ENODEV once the device was removed: then it is
 * stopped, bus mastering is off, and it can no longer reach any memory;
 * -ETIMEDOUT if the watchdog declared the device hung
 * (acceldev_hang_locked()); -ERESTARTSYS if @state let a signal end the
 * sleep first.
 */
static int acceldev_sync_state(struct acceldev_device *adev, u64 seq,
			       unsigned int state)
{
	struct acceldev_sync_waiter w;
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
	if (wait_for_completion_state(&w.done, state)) {
		spin_lock(&adev->queue_lock);
		/*
		 * SAFETY: whoever completes @w unlinks it under queue_lock
		 * first; still listed means nobody will, and we unlink it
		 * before our stack frame goes away.
		 */
		if (!list_empty(&w.node)) {
			list_del(&w.node);
			w.status = -ERESTARTSYS;
		}
		spin_unlock(&adev->queue_lock);
	}
	return w.status;
}

/**
 * acceldev_sync_killable() - wait for every command up to a sequence
 * number, unless the task is killed
 * @adev: the device.
 * @seq: submission sequence number (from &acceldev_cmd.seq); 0 or one
 *       already done returns at once.
 *
 * For close, which frees memory the device may still use: only a fatal
 * signal ends the wait early, and then the caller hands what it owns to
 * the dispatcher (acceldev_defer_buffer(), acceldev_defer_context()). An
 * exiting task or a kernel thread does not wait at all.
 *
 * Context: process, may sleep; no locks held.
 * Return: 0 once done; -ENODEV once the device was removed (it is stopped
 * then and can no longer reach any memory); -ERESTARTSYS if killed;
 * -ETIMEDOUT if the device was declared hung first (acceldev_hang_locked()).
 */
int acceldev_sync_killable(struct acceldev_device *adev, u64 seq)
{
	/*
	 * An exiting task (killed, its files closed by exit) has consumed
	 * its SIGKILL: nothing would end the wait. Nor may a kernel thread
	 * (the last fput run from a workqueue) sleep on the device. Both
	 * leave the freeing to the dispatcher at once, as a killed close
	 * does.
	 */
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
	return acceldev_sync_state(adev, seq, TASK_KILLABLE);
}

/**
 * acceldev_sync_interruptible() - wait for every command up to a sequence
 * number, unless a signal comes
 * @adev: the device.
 * @seq: submission sequence number.
 *
 * Context: process, may sleep; no locks held.
 * Return: as acceldev_sync_killable(), -ERESTARTSYS on any signal.
 */
int acceldev_sync_interruptible(struct acceldev_device *adev, u64 seq)
{
	return acceldev_sync_state(adev, seq, TASK_INTERRUPTIBLE);
}

/*
 * acceldev_defer() - put @node on @list for the reaper, unless the device
 * is stopped already
 *
 * Context: any; takes &acceldev_device.queue_lock.
 * Return: true if listed.
 */
static bool acceldev_defer(struct acceldev_device *adev, struct list_head *node,
			   u64 *deferred_seq, u64 seq, struct list_head *list)
{
	bool deferred;

	spin_lock(&adev->queue_lock);
	deferred = !adev->stopped;
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
 * @buf: a buffer whose close was killed while it waited.
 * @seq: the last command that may reach it.
 *
 * Context: any; takes &acceldev_device.queue_lock.
 * Return: true if the dispatcher now owns @buf (it frees it once @seq is
 * done, or removal does once the device is stopped); false if the device
 * is stopped already: the caller frees it now.
 */
bool acceldev_defer_buffer(struct acceldev_buffer *buf, u64 seq)
{
	struct acceldev_device *adev = buf->ctx->adev;

	return acceldev_defer(adev, &buf->deferred, &buf->deferred_seq, seq,
			      &adev->deferred_buffers);
}

/**
 * acceldev_defer_context() - give a context's id back once its runs are done
 * @ctx: a context whose close was killed while it waited; the caller's
 *       (the file's) reference goes with it on success.
 * @seq: its last RUN.
 *
 * Context: any; takes &acceldev_device.queue_lock.
 * Return: as acceldev_defer_buffer().
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
 * are done. Never drops the last device reference: the work reaps only
 * while the PCI binding holds one (not after @gone), and removal before it
 * drops its own.
 *
 * Context: process; no locks held (takes &acceldev_device.lock).
 */
void acceldev_reap_deferred(struct acceldev_device *adev, bool all)
{
	struct acceldev_context *ctx, *ctmp;
	struct acceldev_buffer *buf, *btmp;
	LIST_HEAD(bufs);
	LIST_HEAD(ctxs);

	spin_lock(&adev->queue_lock);
	list_for_each_entry_safe(buf, btmp, &adev->deferred_buffers, deferred)
		if (all || buf->deferred_seq <= adev->done_seq)
			list_move_tail(&buf->deferred, &bufs);
	list_for_each_entry_safe(ctx, ctmp, &adev->deferred_contexts, deferred)
		if (all || ctx->deferred_seq <= adev->done_seq)
			list_move_tail(&ctx->deferred, &ctxs);
	spin_unlock(&adev->queue_lock);

	/* SAFETY: done, or stopped: the device can no longer reach them. */
	list_for_each_entry_safe(buf, btmp, &bufs, deferred)
		acceldev_buffer_destroy(buf);
	list_for_each_entry_safe(ctx, ctmp, &ctxs, deferred) {
		acceldev_context_finish(ctx);
		acceldev_context_put(ctx);
	}
}

/* Wake sync waiters covered by done_seq. Caller holds queue_lock. */
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
 * @adev: the device, after acceldev_dispatch_abort(), drained or not,
 *        stopped, with bus mastering off and its DMA memory given back.
 *
 * Sets @adev->stopped and wakes every sync waiter with -ENODEV: they may
 * now free what they own.
 *
 * Context: process; caller holds &acceldev_device.lock; takes
 *          &acceldev_device.queue_lock.
 */
void acceldev_dispatch_stopped(struct acceldev_device *adev)
{
	lockdep_assert_held(&adev->lock);

	spin_lock(&adev->queue_lock);
	adev->stopped = true;
	acceldev_wake_syncs_locked(adev, -ENODEV);
	spin_unlock(&adev->queue_lock);
}
