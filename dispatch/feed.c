// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, the work: takes in interrupts, retires the device
 * FENCEs that executed and feeds the pending list into CMD_MANUAL_FEED.
 * Documentation/acceldev.rst, "Dispatch", has the feed-space rules.
 */

#include <linux/dma-fence.h>
#include <linux/minmax.h>
#include <linux/timekeeping.h>

#include "dispatch.h"

static_assert(ACCELDEV_FENCE_RING > CMDS_BUFFER_SIZE);

/**
 * acceldev_pull_intr_locked() - take the INTR bits the top half has not
 * @adev: the device.
 *
 * Context: the work, with adev->lock held; takes intr_lock.
 * Return: every bit raised before the call and not yet handled.
 */
u32 acceldev_pull_intr_locked(struct acceldev_device *adev)
{
	unsigned long flags;
	u32 intr;

	lockdep_assert_held(&adev->lock);

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

/* Give bits taken with acceldev_pull_intr_locked() to the next pass. */
void acceldev_push_intr(struct acceldev_device *adev, u32 intr)
{
	if (intr) {
		atomic_or(intr, &adev->intr_pending);
		acceldev_dispatch_kick(adev);
	}
}

/*
 * acceldev_retire_locked() - retire the FENCEs the device has executed
 * @last: CMD_FENCE_LAST, read before this pass's INTR bits were pulled.
 *
 * Context: the work, with adev->lock held; takes queue_lock.
 */
static void acceldev_retire_locked(struct acceldev_device *adev, u32 last)
{
	struct acceldev_feed *f = &adev->feed;
	struct acceldev_fence_rec *rec;
	bool retired = false;
	u64 covers = 0;

	lockdep_assert_held(&adev->lock);

	while (f->ring_len) {
		rec = &f->ring[f->ring_head];
		/* Wrap-safe: VALs in flight span far less than 2^31. */
		if ((s32)(last - rec->val) < 0)
			break;
		covers = rec->covers;
		retired = true;
		f->ring_head = (f->ring_head + 1) % ACCELDEV_FENCE_RING;
		f->ring_len--;
	}
	if (!retired)
		return;

	spin_lock(&adev->queue_lock);
	adev->done_seq = max(adev->done_seq, covers);
	acceldev_wake_syncs_locked(adev, 0);
	if (!list_empty(&adev->deferred_buffers) ||
	    !list_empty(&adev->deferred_contexts))
		queue_work(adev->wq, &adev->reap_work);
	spin_unlock(&adev->queue_lock);
	acceldev_jobs_retire(adev);
}

/**
 * acceldev_feed_fence_locked() - feed a FENCE covering everything fed
 * @adev: the device, with credit for one command.
 *
 * The FENCE becomes the one CMD_FENCE_WAIT names.
 *
 * Context: the work or the watchdog, with adev->lock held.
 */
void acceldev_feed_fence_locked(struct acceldev_device *adev)
{
	struct acceldev_feed *f = &adev->feed;
	struct acceldev_fence_rec *rec;

	lockdep_assert_held(&adev->lock);

	/* A full ring holds FENCEs executed and not retired: next pass. */
	if (f->ring_len == ACCELDEV_FENCE_RING) {
		acceldev_push_intr(adev, ACCELDEV_INTR_FENCE_WAIT);
		return;
	}

	f->fence_val++;
	acceldev_feed_fence_cmd(adev, f->fence_val);
	adev->prof.fed++;
	f->fence_armed = f->fence_val;
	f->credit--;
	f->tail_is_fence = true;
	f->run_boundary = -1;

	rec = &f->ring[(f->ring_head + f->ring_len) % ACCELDEV_FENCE_RING];
	rec->val = f->fence_val;
	rec->covers = f->fed_seq;
	f->fenced_seq = f->fed_seq;
	f->ring_len++;
}

/**
 * acceldev_refill_credit_locked() - read how much room the queue has
 * @adev: the device.
 * @need: credit the next command needs.
 *
 * Context: the work or the watchdog, with adev->lock held.
 * Return: true if the credit now covers @need.
 */
bool acceldev_refill_credit_locked(struct acceldev_device *adev, u32 need)
{
	u32 free = acceldev_read(adev, CMD_MANUAL_FREE);

	lockdep_assert_held(&adev->lock);

	adev->prof.free_reads++;
	/* A device in trouble may read all ones. */
	free = min_t(u32, free, CMDS_BUFFER_SIZE);
	adev->feed.credit = free > ACCELDEV_QUEUE_RESERVE ?
			    free - ACCELDEV_QUEUE_RESERVE : 0;
	return adev->feed.credit >= need;
}

/*
 * May a command other than a FENCE be fed? With no FENCE in flight the
 * last credit is kept for one: its interrupt is what brings the work back.
 */
static bool acceldev_feed_room(struct acceldev_device *adev)
{
	u32 need = adev->feed.ring_len ? 1 : 2;

	return adev->feed.credit >= need ||
	       acceldev_refill_credit_locked(adev, need);
}

/*
 * A watermark FENCE goes in once the queue is half full by our count and
 * half a queue was fed since the last FENCE: its interrupt comes while the
 * device still has half a queue to run.
 */
static bool acceldev_watermark_due(struct acceldev_feed *f)
{
	return f->credit <= ACCELDEV_QUEUE_ROOM - ACCELDEV_WATERMARK &&
	       f->fed_seq - f->fenced_seq >= ACCELDEV_WATERMARK &&
	       !f->tail_is_fence;
}

/*
 * A FENCE goes in between RUNs of two contexts, so that a sync waits for
 * its own context's RUNs only (acceldev_arm_locked()).
 */
static bool acceldev_boundary_due(struct acceldev_feed *f,
				  const struct acceldev_cmd *cmd)
{
	return f->run_boundary >= 0 && acceldev_cmd_is_run(cmd) &&
	       acceldev_cmd_ctx(cmd) != f->run_boundary && !f->tail_is_fence;
}

/*
 * acceldev_fed_locked() - account for a command just fed
 *
 * SAFETY: a context is listed in adev->contexts until every RUN it queued
 * is done (close syncs on its last RUN, or leaves the id to the reaper
 * until then), and adev->lock keeps the list; so a RUN's context is there.
 * last_run_seq is read without ctx->lock: a stale value costs or saves
 * one FENCE, nothing else.
 */
static void acceldev_fed_locked(struct acceldev_device *adev,
				const struct acceldev_cmd *cmd)
{
	struct acceldev_feed *f = &adev->feed;
	unsigned int id = acceldev_cmd_ctx(cmd);
	struct acceldev_context *ctx;

	f->fed_seq = cmd->seq;
	f->credit--;
	f->tail_is_fence = false;
	adev->prof.fed++;
	if (ACCELDEV_DEVICE_CMD_TYPE(cmd->words[0]) ==
	    ACCELDEV_DEVICE_CMD_TYPE_BIND_SLOT)
		f->ctx_fed_seq[id] = cmd->seq;
	if (!acceldev_cmd_is_run(cmd))
		return;

	f->ctx_fed_seq[id] = cmd->seq;
	atomic_long_dec(&adev->stats.runs_pending);
	ctx = adev->contexts[id];
	if (WARN_ON_ONCE(!ctx))
		return;
	f->run_boundary = cmd->seq == READ_ONCE(ctx->last_run_seq) ? id : -1;
	if (atomic_dec_return(&ctx->runs_queued) == acceldev_run_backlog - 1) {
		spin_lock(&ctx->lock);
		acceldev_context_wake_runs_locked(ctx);
		spin_unlock(&ctx->lock);
	}
}

/*
 * acceldev_feed_locked() - feed the pending list into the device
 *
 * Feeds without holding queue_lock, so submitters never wait behind MMIO;
 * what does not fit goes back to the head of the list. At most
 * %ACCELDEV_FEED_BUDGET commands a pass: then the work queues itself again.
 *
 * Context: the work, with adev->lock held; takes queue_lock.
 */
static void acceldev_feed_locked(struct acceldev_device *adev)
{
	struct acceldev_feed *f = &adev->feed;
	unsigned int budget = ACCELDEV_FEED_BUDGET;
	struct acceldev_cmd *cmd;
	LIST_HEAD(batch);
	u64 want;

	lockdep_assert_held(&adev->lock);

	spin_lock(&adev->queue_lock);
	if (!adev->suspending)
		list_splice_init(&adev->pending, &batch);
	want = adev->fence_want;
	spin_unlock(&adev->queue_lock);

	while (!list_empty(&batch)) {
		cmd = list_first_entry(&batch, struct acceldev_cmd, node);
		if ((acceldev_boundary_due(f, cmd) ||
		     acceldev_watermark_due(f)) &&
		    (f->credit || acceldev_refill_credit_locked(adev, 1)))
			acceldev_feed_fence_locked(adev);
		if (!acceldev_feed_room(adev)) {
			if (!f->ring_len && f->credit)
				acceldev_feed_fence_locked(adev);
			break;
		}
		if (!budget--) {
			acceldev_dispatch_kick(adev);
			break;
		}
		list_del(&cmd->node);
		acceldev_feed_cmd(adev, cmd->words);
		acceldev_fed_locked(adev, cmd);
		acceldev_cmd_free(cmd);
	}

	if (!list_empty(&batch)) {
		spin_lock(&adev->queue_lock);
		list_splice(&batch, &adev->pending);
		spin_unlock(&adev->queue_lock);
		return;
	}
	/* A sync waits for commands fed now: a FENCE behind them. */
	if (want > f->fenced_seq && !f->tail_is_fence &&
	    (f->credit || acceldev_refill_credit_locked(adev, 1)))
		acceldev_feed_fence_locked(adev);
}

/**
 * acceldev_feed_forget_locked() - the device queue is empty: forget it
 * @adev: the device, stopped after a reset; everything fed counts as done.
 *
 * FENCE numbering goes on from @fence_val (CMD_FENCE_LAST is set to it by
 * acceldev_hw_start()).
 *
 * Context: caller holds adev->lock.
 */
void acceldev_feed_forget_locked(struct acceldev_device *adev)
{
	struct acceldev_feed *f = &adev->feed;

	lockdep_assert_held(&adev->lock);

	f->ring_len = 0;
	f->credit = 0;
	f->tail_is_fence = false;
	f->fenced_seq = f->fed_seq;
	f->accepted_seq = f->fed_seq;
	f->run_boundary = -1;
	atomic_set(&adev->intr_pending, 0);
}

/**
 * acceldev_arm_locked() - point CMD_FENCE_WAIT at the FENCE a sync needs
 * @adev: the device.
 *
 * The newest FENCE fed, unless a sync waits for commands an older FENCE in
 * flight covers: then that one, so the waiter wakes when its own commands
 * are done. Never a FENCE fed before the last restart: it may have been
 * dropped. A FENCE that executed before it was armed raised nothing, so
 * its FENCE_WAIT is made up.
 *
 * Context: the work or the watchdog, with adev->lock held; takes
 * queue_lock.
 */
void acceldev_arm_locked(struct acceldev_device *adev)
{
	struct acceldev_feed *f = &adev->feed;
	struct acceldev_fence_rec *rec;
	u32 val = f->fence_val;
	unsigned int i;
	u64 target;

	lockdep_assert_held(&adev->lock);

	spin_lock(&adev->queue_lock);
	target = acceldev_sync_first_target_locked(adev);
	spin_unlock(&adev->queue_lock);
	for (i = 0; target && i < f->ring_len; i++) {
		rec = &f->ring[(f->ring_head + i) % ACCELDEV_FENCE_RING];
		if (rec->covers >= target &&
		    (s32)(rec->val - f->arm_floor) >= 0) {
			val = rec->val;
			break;
		}
	}
	if (val == f->fence_armed)
		return;
	acceldev_write(adev, ACCELDEV_CMD_FENCE_WAIT, val);
	f->fence_armed = val;
	if (f->ring_len &&
	    (s32)(acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST) - val) >= 0)
		acceldev_push_intr(adev, ACCELDEV_INTR_FENCE_WAIT);
}

/**
 * acceldev_dispatch_work() - the device's bottom half
 * @work: &acceldev_device.work.
 *
 * Reads the device state the INTR bits say changed, then pulls the bits
 * raised until then, handles device-level errors, and only then believes
 * the state: an error among the bits may make some of it lie.
 *
 * Context: process (the device's workqueue, never concurrently with
 *          itself); takes adev->lock.
 */
void acceldev_dispatch_work(struct work_struct *work)
{
	struct acceldev_device *adev =
		container_of(work, struct acceldev_device, work);
	struct acceldev_feed *f = &adev->feed;
	bool scanned = false, pulled = false;
	u32 intr, fresh = 0, last = 0;
	bool cookie;
	u64 start;

	/* Accel job fences signal here: no allocation, no fence wait. */
	cookie = dma_fence_begin_signalling();
	mutex_lock(&adev->lock);
	if (adev->gone || adev->frozen)
		goto out;
	adev->prof.passes++;

	intr = atomic_xchg(&adev->intr_pending, 0);
	if (intr)
		f->progress_at = jiffies;	/* a sign of life */
	if (intr & ACCELDEV_INTR_FENCE_WAIT) {
		last = acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST);
		fresh = acceldev_pull_intr_locked(adev);
		pulled = true;
	}
	if ((intr | fresh) & (ACCELDEV_INTR_USER_FENCE_WAIT |
			      ACCELDEV_INTR_CTX_ERRORS |
			      ACCELDEV_INTR_FEED_ERROR)) {
		fresh |= acceldev_scan_locked(adev);
		scanned = true;
		pulled = true;
	}
	/* A FENCE_WAIT pulled after @last was read: the next pass's. */
	acceldev_push_intr(adev, fresh & ACCELDEV_INTR_FENCE_WAIT);
	intr |= fresh & ~ACCELDEV_INTR_FENCE_WAIT;

	/* A drop raises FEED_ERROR as it is fed: all before a clean pull got in. */
	if (intr & ACCELDEV_INTR_FEED_ERROR) {
		acceldev_recover_locked(adev, "FEED_ERROR",
					max(f->accepted_seq,
					    READ_ONCE(adev->done_seq)), false);
	} else {
		if (pulled)
			f->accepted_seq = f->fed_seq;
		if ((intr & ACCELDEV_INTR_CTX_ERRORS) && !f->scan_error)
			acceldev_device_error_locked(adev, intr);
	}
	if (scanned)
		acceldev_apply_scan_locked(adev);
	if (intr & ACCELDEV_INTR_FENCE_WAIT) {
		acceldev_retire_locked(adev, last);
		acceldev_quarantine_end_locked(adev);
	}

	start = ktime_get_ns();
	acceldev_feed_locked(adev);
	adev->prof.feed_ns += ktime_get_ns() - start;
	acceldev_arm_locked(adev);

	if (f->fed_seq > READ_ONCE(adev->done_seq) &&
	    !delayed_work_pending(&adev->hang_work)) {
		f->progress_at = jiffies;
		queue_delayed_work(adev->wq, &adev->hang_work,
				   acceldev_hang_period());
	}
out:
	mutex_unlock(&adev->lock);
	dma_fence_end_signalling(cookie);
}
