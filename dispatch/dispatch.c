// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher: the per-device pending list and the work that
 * drains it into CMD_MANUAL_FEED.
 *
 * Every device command (RUN, BIND_SLOT) goes through one FIFO, the pending
 * list, and only the device's work item feeds the hardware; it adds the
 * device FENCEs itself. The
 * work runs on an ordered workqueue, so it never runs concurrently with
 * itself, and it holds &acceldev_device.lock while it touches the device.
 *
 * Feed space. The device has no "queue has room" interrupt. The work keeps
 * a credit of entries it knows to be free and reads CMD_MANUAL_FREE only
 * when the credit is exhausted. The last credit is only ever spent on a
 * device FENCE, and every FENCE fed sets CMD_FENCE_WAIT to its own value:
 * so when the work stops for lack of room, the last command in the device
 * queue is a FENCE whose FENCE_WAIT interrupt runs the work again, and by
 * then the queue is empty. This is the "watermark" of the design.
 *
 * Completion. Each FENCE fed covers every command fed before it. The work
 * keeps the FENCEs in flight in a ring; on FENCE_WAIT it reads
 * CMD_FENCE_LAST, retires the ring up to it and advances done_seq, waking
 * sync callers whose commands are covered. A sync caller asks
 * for a FENCE behind its commands (fence_want), which the work feeds once
 * those are fed; only then, and after taking in every interrupt raised
 * before it, does the retire wake it.
 */

#include <linux/device.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "../core/acceldev.h"
#include "../core/regs.h"

static_assert(ACCELDEV_FENCE_RING > CMDS_BUFFER_SIZE);

/**
 * struct acceldev_sync_waiter - a sleeper in acceldev_sync_state()
 * @node: link in &acceldev_device.sync_waiters.
 * @target: submission sequence number that must complete.
 * @status: 0, or -ENODEV if the device went away first.
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

static bool acceldev_cmd_is_run(const struct acceldev_cmd *cmd)
{
	return ACCELDEV_DEVICE_CMD_TYPE(cmd->words[0]) ==
	       ACCELDEV_DEVICE_CMD_TYPE_RUN;
}

/**
 * acceldev_queue_locked() - append a device command to the pending list
 * @ctx: the context the command belongs to.
 * @cmd: the command. On success it belongs to the dispatcher until fed
 *       (it frees it once fed); on failure it is untouched.
 *
 * Records the command as @ctx's latest (and its latest RUN, which close
 * and WAIT sync on), and kicks the work.
 *
 * Context: process or atomic; takes &acceldev_device.queue_lock.
 *          Caller holds @ctx->lock.
 * Return: 0, or -ENODEV if the device was removed.
 */
int acceldev_queue_locked(struct acceldev_context *ctx,
			  struct acceldev_cmd *cmd)
{
	struct acceldev_device *adev = ctx->adev;

	lockdep_assert_held(&ctx->lock);

	spin_lock(&adev->queue_lock);
	if (adev->gone) {
		spin_unlock(&adev->queue_lock);
		return -ENODEV;
	}
	cmd->seq = ++adev->queued_seq;
	/*
	 * Once listed, @cmd belongs to the dispatcher, which may feed and
	 * free it as soon as queue_lock is dropped: take what we need now.
	 */
	ctx->last_seq = cmd->seq;
	if (acceldev_cmd_is_run(cmd)) {
		ctx->last_run_seq = cmd->seq;
		atomic_long_inc(&adev->stats.runs_pending);
	}
	list_add_tail(&cmd->node, &adev->pending);
	spin_unlock(&adev->queue_lock);

	acceldev_dispatch_kick(adev);
	return 0;
}

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
 * -ERESTARTSYS if @state let a signal end the sleep first.
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
static void acceldev_wake_syncs_locked(struct acceldev_device *adev,
				       int status)
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

/* Context errors counted so far (see acceldev_error_explained_locked()). */
static unsigned long acceldev_ctx_errors(struct acceldev_device *adev)
{
	return atomic_long_read(&adev->stats.ctx_errors);
}

/*
 * acceldev_pull_intr() - take the INTR bits the top half has not taken yet
 *
 * Used to be sure that every bit raised before some point is in hand:
 * under intr_lock, a raised bit is either still set in INTR or already in
 * intr_pending, and the top half cannot be half-way through taking it.
 *
 * Context: the work, with adev->lock held; takes intr_lock with
 * interrupts off.
 * Return: the bits.
 */
static u32 acceldev_pull_intr(struct acceldev_device *adev)
{
	unsigned long flags;
	u32 intr;

	lockdep_assert_held(&adev->lock);

	/* Taken once: a bit read by both of us would be two events. */
	spin_lock_irqsave(&adev->intr_lock, flags);
	intr = acceldev_read(adev, ACCELDEV_INTR);
	if (intr == U32_MAX)	/* surprise removal: all ones */
		intr = 0;
	intr &= ACCELDEV_INTR_ALL;
	if (intr)
		acceldev_write(adev, ACCELDEV_INTR, intr);
	intr |= atomic_xchg(&adev->intr_pending, 0);
	spin_unlock_irqrestore(&adev->intr_lock, flags);
	return intr;
}

/* Give bits taken with acceldev_pull_intr() back to the next pass. */
static void acceldev_push_intr(struct acceldev_device *adev, u32 intr)
{
	if (intr) {
		atomic_or(intr, &adev->intr_pending);
		acceldev_dispatch_kick(adev);
	}
}

/*
 * acceldev_retire_locked() - retire the FENCEs the device has executed
 * @last: CMD_FENCE_LAST, read before the INTR bits were pulled and any
 *        device-level error among them handled: a FENCE that executed
 *        after a lost RUN must not mark that RUN done before the loss is
 *        known (the restart fails the RUNs fed and not yet done).
 *
 * Context: the work, with adev->lock held.
 */
static void acceldev_retire_locked(struct acceldev_device *adev, u32 last)
{
	struct acceldev_fence_rec *rec;
	bool retired = false;
	u64 covers = 0;

	lockdep_assert_held(&adev->lock);

	while (adev->ring_len) {
		rec = &adev->ring[adev->ring_head];
		/* Wrap-safe: VALs in flight span far less than 2^31. */
		if ((s32)(last - rec->val) < 0)
			break;
		covers = rec->covers;
		retired = true;
		adev->ring_head = (adev->ring_head + 1) % ACCELDEV_FENCE_RING;
		adev->ring_len--;
	}
	if (!retired)
		return;

	spin_lock(&adev->queue_lock);
	adev->done_seq = max(adev->done_seq, covers);
	acceldev_wake_syncs_locked(adev, 0);
	spin_unlock(&adev->queue_lock);
}

/*
 * acceldev_feed_fence() - feed a device FENCE covering everything fed so far
 *
 * Each FENCE moves CMD_FENCE_WAIT to itself. Moving it past an older FENCE
 * still in flight is fine: the newer one executes later and covers more.
 *
 * Context: the work, with adev->lock held and credit for one command.
 */
static void acceldev_feed_fence(struct acceldev_device *adev)
{
	struct acceldev_fence_rec *rec;

	lockdep_assert_held(&adev->lock);

	/*
	 * Fences in flight sit in the device queue, which has fewer entries
	 * than the ring; a full ring means FENCEs executed and were not yet
	 * retired: retire them now, unless a device-level error must be
	 * handled first (the next pass does).
	 */
	if (adev->ring_len == ACCELDEV_FENCE_RING) {
		u32 last = acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST);
		u32 intr = acceldev_pull_intr(adev);

		/*
		 * Any other bit in hand may be a context error or a counter
		 * those FENCEs cover: sync waiters must not learn that the
		 * commands completed before the next pass has taken them
		 * in. That pass (kicked by the push) retires, and feeds.
		 */
		if (!(intr & ~ACCELDEV_INTR_FENCE_WAIT))
			acceldev_retire_locked(adev, last);
		acceldev_push_intr(adev, intr);
	}
	if (adev->ring_len == ACCELDEV_FENCE_RING)
		return;

	adev->fence_val++;
	acceldev_feed_fence_cmd(adev, adev->fence_val);
	adev->credit--;
	adev->tail_is_fence = true;

	rec = &adev->ring[(adev->ring_head + adev->ring_len) %
			  ACCELDEV_FENCE_RING];
	rec->val = adev->fence_val;
	rec->covers = adev->fed_seq;
	adev->fenced_seq = adev->fed_seq;
	rec->ctx_errors = acceldev_ctx_errors(adev);
	adev->ring_len++;
}

/*
 * acceldev_refill_credit() - learn how much room the device queue has
 * @need: credit the next command needs.
 *
 * Context: the work, with adev->lock held.
 * Return: true if the credit now covers @need.
 */
static bool acceldev_refill_credit(struct acceldev_device *adev, u32 need)
{
	u32 free = acceldev_read(adev, CMD_MANUAL_FREE);

	lockdep_assert_held(&adev->lock);

	/* A device in trouble may read all ones; never trust more. */
	free = min_t(u32, free, CMDS_BUFFER_SIZE);
	adev->credit = free > ACCELDEV_QUEUE_RESERVE ?
		       free - ACCELDEV_QUEUE_RESERVE : 0;
	return adev->credit >= need;
}

/*
 * acceldev_feed_locked() - drain the pending list into the device
 *
 * Takes the whole pending list at once and feeds it without holding
 * queue_lock, so submitters are never blocked behind MMIO; what does not
 * fit goes back to the head of the list, in order.
 *
 * A FENCE needs one credit, anything else two: the last credit is kept for
 * a FENCE. So the credit only reaches zero right after a FENCE, and when
 * the work stops with commands left over, the tail of the device queue is
 * a FENCE (fed now as a watermark if it is not one already) whose
 * FENCE_WAIT interrupt brings the work back to an empty device queue.
 *
 * Context: the work, with adev->lock held.
 */
static void acceldev_feed_locked(struct acceldev_device *adev)
{
	struct acceldev_cmd *cmd;
	LIST_HEAD(batch);
	u64 want;

	lockdep_assert_held(&adev->lock);

	spin_lock(&adev->queue_lock);
	list_splice_init(&adev->pending, &batch);
	want = adev->fence_want;
	spin_unlock(&adev->queue_lock);

	while (!list_empty(&batch)) {
		cmd = list_first_entry(&batch, struct acceldev_cmd, node);
		if (adev->credit < 2 && !acceldev_refill_credit(adev, 2)) {
			if (adev->credit && !adev->tail_is_fence)
				acceldev_feed_fence(adev);
			break;
		}

		list_del(&cmd->node);
		adev->fed_seq = cmd->seq;
		if (acceldev_cmd_is_run(cmd)) {
			atomic_long_dec(&adev->stats.runs_pending);
			/* Word 0 holds the context id above the type. */
			adev->fed_run_seq[cmd->words[0] >> 4] = cmd->seq;
		} else if (cmd->words[0] == ACCELDEV_DEVICE_CMD_TYPE_INVALID) {
			adev->injected++;
		}
		acceldev_feed_cmd(adev, cmd->words);
		adev->credit--;
		adev->tail_is_fence = false;
		kfree(cmd);
	}

	if (!list_empty(&batch)) {
		spin_lock(&adev->queue_lock);
		list_splice(&batch, &adev->pending);
		spin_unlock(&adev->queue_lock);
		return;
	}
	/*
	 * Someone sleeps until commands fed now have completed: a FENCE
	 * behind them tells when. (With commands left over, the watermark
	 * FENCE above does, and the next pass feeds this one.)
	 */
	if (want > adev->fenced_seq && !adev->tail_is_fence &&
	    (adev->credit || acceldev_refill_credit(adev, 1)))
		acceldev_feed_fence(adev);
}

/*
 * acceldev_error_explained_locked() - is an error interrupt a context's?
 *
 * CMD_ERROR comes both from a context's bad user command and from a bad
 * device command; only the second needs a restart. The scan counts each
 * context error in stats.ctx_errors once, reading the statuses after the
 * bits, so every error bit in hand has its error counted. Bits coalesce:
 * one pass may carry the bits of several errors, but there are never more
 * passes with error bits than errors. So each such pass uses up one
 * counted error; a pass that finds none left saw a device-level error.
 *
 * This never blames the device for a context's error. But coalesced bits
 * leave counted errors unused, and an unused one would hide a real
 * device-level CMD_ERROR: acceldev_settle_errors_locked() throws them away
 * as soon as a FENCE proves their bits were all handled. Until then (about
 * one queue drain after a context error) a device-level CMD_ERROR may be
 * taken for a context's. DEVICE.md calls bad device commands driver bugs;
 * FEED_ERROR, the other device-level error, is always seen.
 *
 * Context: the work, with adev->lock held, after the scan.
 */
static bool acceldev_error_explained_locked(struct acceldev_device *adev)
{
	unsigned long seen = acceldev_ctx_errors(adev);

	lockdep_assert_held(&adev->lock);

	if (seen == adev->ctx_errors_used)
		return false;
	adev->ctx_errors_used++;
	return true;
}

/* Counted context errors that have not explained an interrupt yet. */
static bool acceldev_errors_unused(struct acceldev_device *adev)
{
	return acceldev_ctx_errors(adev) != adev->ctx_errors_used;
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
 * SAFETY: a context listed in adev->contexts is attached and its config
 * entry ours (detach unlists it under adev->lock, which we hold). The
 * device writes the entries concurrently: READ_ONCE() takes one snapshot
 * of each field.
 *
 * Context: the work, with adev->lock held.
 * Return: the bits pulled in.
 */
static u32 acceldev_scan_locked(struct acceldev_device *adev)
{
	struct acceldev_context *ctx;
	struct acceldev_hw_context *hw;
	unsigned int id;
	u32 fresh;

	lockdep_assert_held(&adev->lock);

	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++)
		if (adev->contexts[id])
			adev->scan_counter[id] =
				le32_to_cpu(READ_ONCE(adev->configs[id].fence_counter));

	fresh = acceldev_pull_intr(adev);
	/*
	 * A USER_FENCE_WAIT pulled now may be for a FENCE counted after the
	 * counters were read: the next pass looks again, or its waiter would
	 * sleep on with the interrupt spent.
	 */
	acceldev_push_intr(adev, fresh & ACCELDEV_INTR_USER_FENCE_WAIT);

	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++) {
		ctx = adev->contexts[id];
		if (!ctx)
			continue;
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
static void acceldev_apply_scan_locked(struct acceldev_device *adev)
{
	struct acceldev_context *ctx;
	unsigned int id;

	lockdep_assert_held(&adev->lock);

	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++) {
		ctx = adev->contexts[id];
		if (!ctx)
			continue;
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
 * acceldev_settle_errors_locked() - drop context errors whose bits are
 * all handled
 * @last: CMD_FENCE_LAST, read before acceldev_pull_intr().
 *
 * The device raises an error's bit before it starts the next command, so
 * the bits of every error counted before a FENCE was fed were raised
 * before that FENCE executed: handled by now if it executed before @last
 * was read. Such errors can explain no future interrupt. (Each pass used
 * at most one error, and passes that used more than these used errors
 * counted later for bits of those errors: the count stays sound.)
 *
 * Context: the work, with adev->lock held, after this pass's errors were
 * explained and before the ring is retired.
 */
static void acceldev_settle_errors_locked(struct acceldev_device *adev,
					  u32 last)
{
	struct acceldev_fence_rec *rec;
	unsigned int i;

	lockdep_assert_held(&adev->lock);

	if (!acceldev_errors_unused(adev))
		return;
	for (i = adev->ring_len; i > 0; i--) {
		rec = &adev->ring[(adev->ring_head + i - 1) %
				  ACCELDEV_FENCE_RING];
		if ((s32)(last - rec->val) >= 0) {
			adev->ctx_errors_used = max(adev->ctx_errors_used,
						    rec->ctx_errors);
			return;
		}
	}
}

/*
 * acceldev_restart_locked() - recover from a device-level error
 *
 * FEED_ERROR means a command was dropped, an unexplained CMD_ERROR that a
 * device command was rejected: either way some command we fed did not
 * run. Repeat the start-up sequence, and while the device is stopped
 * rewrite every context's slots from the driver's own table (a dropped
 * BIND_SLOT must not leave a stale slot) and fail the contexts that may
 * have lost a RUN: their fences might never come, or be miscounted. Their
 * status is set too, so the device skips their RUNs still queued.
 *
 * Which RUNs may be lost: a FEED_ERROR is raised when the command is fed,
 * so the dropped one was fed after @adev->accepted_seq (the last pull of
 * INTR without FEED_ERROR). A rejected command is only known to be after
 * the last retired FENCE; but when the driver itself fed invalid commands
 * (debugfs fault injection), those are what the device rejected. Every
 * other context keeps its state.
 *
 * The INTR bits that come in meanwhile (the command being executed when
 * the device stops is finished) are not cleared, as the power-on sequence
 * would: they are handed to the next pass.
 *
 * Context: the work, with adev->lock held.
 */
static void acceldev_restart_locked(struct acceldev_device *adev, u32 intr)
{
	struct acceldev_context *ctx;
	struct acceldev_hw_context *hw;
	unsigned int id, slot;
	u64 suspect;
	u32 pulled;

	lockdep_assert_held(&adev->lock);

	atomic_long_inc(&adev->stats.restarts);
	if (intr)
		dev_err_ratelimited(&adev->pdev->dev,
				    "device error (INTR %#x), restarting (%ld)\n",
				    intr, atomic_long_read(&adev->stats.restarts));

	acceldev_hw_stop(adev);

	spin_lock(&adev->queue_lock);
	suspect = adev->done_seq;
	spin_unlock(&adev->queue_lock);
	if (intr & ACCELDEV_INTR_FEED_ERROR)
		suspect = max(suspect, adev->accepted_seq);
	else if (adev->injected)
		suspect = adev->fed_seq;	/* nothing of ours rejected */
	adev->injected = 0;

	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++) {
		ctx = adev->contexts[id];
		if (!ctx)
			continue;
		hw = &adev->configs[id];
		spin_lock(&ctx->lock);
		for (slot = 0; slot < ACCELDEV_NUM_BUFFERS; slot++)
			hw->slots[slot] = test_bit(slot, &ctx->slots) ?
				cpu_to_le64(ctx->slot_buf[slot]->pt_dma) : 0;
		if (adev->fed_run_seq[id] > suspect && !ctx->lost) {
			ctx->broken = true;
			ctx->lost = true;
			hw->status = ACCELDEV_CONTEXT_STATUS_ERROR;
		}
		spin_unlock(&ctx->lock);
	}

	/* Every command fed so far has been judged. */
	adev->accepted_seq = adev->fed_seq;

	/* The device may have dropped a command: trust only FREE now. */
	if (intr & ACCELDEV_INTR_FEED_ERROR)
		adev->credit = 0;

	pulled = acceldev_pull_intr(adev);
	acceldev_hw_restart(adev);
	acceldev_push_intr(adev, pulled);

	if (adev->ring_len && (adev->credit || acceldev_refill_credit(adev, 1)))
		acceldev_feed_fence(adev);
}

/* How often the watchdog looks: every second, or more often. */
static unsigned long acceldev_hang_period(void)
{
	return min_t(unsigned long, acceldev_hang_timeout(), HZ);
}

/**
 * acceldev_dispatch_work() - the device's bottom half
 * @work: &acceldev_device.work.
 *
 * Handles the interrupts the top half acknowledged: wakes WAITs and marks
 * broken contexts, restarts the device after device-level errors, retires
 * FENCEs, then feeds as much of the pending list as fits.
 *
 * Context: process (ordered workqueue); takes &acceldev_device.lock.
 */
void acceldev_dispatch_work(struct work_struct *work)
{
	struct acceldev_device *adev =
		container_of(work, struct acceldev_device, work);
	bool fenced, explained = false, scanned = false, reap = false;
	u32 intr, fresh = 0, last = 0;

	mutex_lock(&adev->lock);
	if (adev->gone)
		goto out;

	intr = atomic_xchg(&adev->intr_pending, 0);
	/* Any interrupt is a sign of life for the watchdog. */
	if (intr)
		adev->progress_at = jiffies;

	/*
	 * First read the device's state (FENCE_LAST, fence counters), then
	 * pull in the INTR bits raised until then, and only then believe the
	 * state: a device-level error among those bits may make some of it
	 * lie. Bits pulled that this pass has no state for go to the next.
	 */
	fenced = intr & ACCELDEV_INTR_FENCE_WAIT;
	if (fenced) {
		last = acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST);
		fresh = acceldev_pull_intr(adev);
	}
	if ((intr | fresh) & (ACCELDEV_INTR_USER_FENCE_WAIT |
			      ACCELDEV_INTR_CTX_ERRORS |
			      ACCELDEV_INTR_FEED_ERROR)) {
		fresh |= acceldev_scan_locked(adev);
		scanned = true;
	}
	/*
	 * Only a FENCE_WAIT taken before FENCE_LAST was read is covered by
	 * @last. One pulled since may be for a FENCE that executed after the
	 * read: typically the FENCE fed behind the one that interrupted.
	 * Nothing else would ever interrupt for it, so it goes to the next
	 * pass, which reads FENCE_LAST again.
	 */
	acceldev_push_intr(adev, fresh & ACCELDEV_INTR_FENCE_WAIT);
	intr |= fresh & ~ACCELDEV_INTR_FENCE_WAIT;
	/* No FEED_ERROR until a pull: everything fed before it arrived. */
	if ((fenced || scanned) && !(intr & ACCELDEV_INTR_FEED_ERROR))
		adev->accepted_seq = adev->fed_seq;

	if (intr & ACCELDEV_INTR_CTX_ERRORS)
		explained = acceldev_error_explained_locked(adev);
	if ((intr & ACCELDEV_INTR_FEED_ERROR) ||
	    ((intr & ACCELDEV_INTR_CMD_ERROR) && !explained))
		acceldev_restart_locked(adev, intr);
	else if ((intr & ACCELDEV_INTR_MEM_ERROR) && !explained)
		dev_warn_ratelimited(&adev->pdev->dev,
				     "unexplained MEM_ERROR\n");

	if (scanned)
		acceldev_apply_scan_locked(adev);
	/* A FENCE ran: time to settle unused context errors, and retire. */
	if (fenced) {
		acceldev_settle_errors_locked(adev, last);
		acceldev_retire_locked(adev, last);
	}

	acceldev_feed_locked(adev);

	/* Unused errors and no FENCE in flight to settle them: feed one. */
	if (acceldev_errors_unused(adev) && !adev->ring_len &&
	    (adev->credit || acceldev_refill_credit(adev, 1)))
		acceldev_feed_fence(adev);
	/* Work in flight: the watchdog looks after it. */
	if (adev->fed_seq > adev->done_seq &&
	    !delayed_work_pending(&adev->hang_work)) {
		adev->progress_at = jiffies;
		queue_delayed_work(adev->wq, &adev->hang_work,
				   acceldev_hang_period());
	}
	reap = true;
out:
	mutex_unlock(&adev->lock);
	/* Killed closes whose commands this pass saw complete. */
	if (reap)
		acceldev_reap_deferred(adev, false);
}

/*
 * acceldev_hang_locked() - the device made no progress: declare it hung
 *
 * Handled like a device-level error that lost every RUN fed and not known
 * to be done: acceldev_restart_locked() fails exactly the contexts with
 * such a RUN (their status is set too, so a device that wakes up skips
 * their RUNs still queued), and their WAITs end with -EIO. Other contexts
 * keep their state. Sync waiters (closes, unreachable WAITs) are woken
 * with -ETIMEDOUT: they cannot free what the device may still reach, and
 * hand it to the dispatcher instead.
 *
 * Context: the work or the watchdog, with adev->lock held.
 */
static void acceldev_hang_locked(struct acceldev_device *adev)
{
	struct acceldev_context *ctx;
	unsigned int id;

	lockdep_assert_held(&adev->lock);

	dev_err_ratelimited(&adev->pdev->dev,
			    "no progress for %u ms with commands in flight: device hung, restarting\n",
			    jiffies_to_msecs(acceldev_hang_timeout()));
	acceldev_restart_locked(adev, 0);
	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++) {
		ctx = adev->contexts[id];
		if (!ctx)
			continue;
		spin_lock(&ctx->lock);
		acceldev_context_complete_locked(ctx);
		spin_unlock(&ctx->lock);
	}
	spin_lock(&adev->queue_lock);
	acceldev_wake_syncs_locked(adev, -ETIMEDOUT);
	spin_unlock(&adev->queue_lock);
}

/**
 * acceldev_hang_work() - the watchdog: is the device making progress?
 * @work: &acceldev_device.hang_work.
 *
 * Runs every second (or every hang_timeout_ms, if shorter) while commands
 * fed are not known to be done (armed by the dispatcher work), so that a
 * new hang_timeout_ms takes effect within a second. Progress is what the
 * device shows, not
 * wall time per RUN (a RUN may legitimately run for minutes): any
 * interrupt, or CMD_MANUAL_FREE or CMD_FENCE_LAST moving since the last
 * look. Commands no FENCE covers get one first, so that an idle device is
 * never taken for a hung one. No progress for hang_timeout_ms: hung.
 *
 * Context: process (the device's ordered workqueue); takes
 * &acceldev_device.lock.
 */
void acceldev_hang_work(struct work_struct *work)
{
	struct acceldev_device *adev =
		container_of(to_delayed_work(work), struct acceldev_device,
			     hang_work);
	unsigned long timeout = acceldev_hang_timeout();
	u32 free, last;

	mutex_lock(&adev->lock);
	if (adev->gone || adev->fed_seq <= adev->done_seq)
		goto out;	/* idle: the next feed arms it again */

	free = acceldev_read(adev, CMD_MANUAL_FREE);
	last = acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST);
	if (free != adev->hang_free || last != adev->hang_last) {
		adev->hang_free = free;
		adev->hang_last = last;
		adev->progress_at = jiffies;
	}
	if (adev->fed_seq > adev->fenced_seq && !adev->tail_is_fence &&
	    (adev->credit || acceldev_refill_credit(adev, 1))) {
		/* Its interrupt will tell whether they complete. */
		acceldev_feed_fence(adev);
		adev->progress_at = jiffies;
	} else if (time_after_eq(jiffies, adev->progress_at + timeout)) {
		acceldev_hang_locked(adev);
		adev->progress_at = jiffies;
	}
	queue_delayed_work(adev->wq, &adev->hang_work,
			   acceldev_hang_period());
out:
	mutex_unlock(&adev->lock);
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
		cmd = kzalloc(sizeof(*cmd), GFP_KERNEL);
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
		kfree(cmd);
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
		kfree(cmd);
	}
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
