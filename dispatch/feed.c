// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, the main path: the work takes in interrupts,
 * retires the device FENCEs that executed and feeds the pending list into
 * CMD_MANUAL_FEED (see dispatch.h for the feed-space and completion rules).
 */

#include <linux/minmax.h>
#include <linux/timekeeping.h>

#include "dispatch.h"

static_assert(ACCELDEV_FENCE_RING > CMDS_BUFFER_SIZE);

/*
 * acceldev_pull_intr_locked() - take the INTR bits the top half has not
 * taken yet
 *
 * Used to be sure that every bit raised before some point is in hand:
 * under intr_lock, a raised bit is either still set in INTR or already in
 * intr_pending, and the top half cannot be half-way through taking it.
 *
 * Context: the work, with adev->lock held; takes intr_lock with
 * interrupts off.
 * Return: the bits.
 */
u32 acceldev_pull_intr_locked(struct acceldev_device *adev)
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

/* Give bits taken with acceldev_pull_intr_locked() back to the next pass. */
void acceldev_push_intr(struct acceldev_device *adev, u32 intr)
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
void acceldev_retire_locked(struct acceldev_device *adev, u32 last)
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
 * acceldev_feed_fence_locked() - feed a device FENCE covering everything
 * fed so far
 *
 * Each FENCE moves CMD_FENCE_WAIT to itself. Moving it past an older FENCE
 * still in flight is fine: the newer one executes later and covers more.
 *
 * Context: the work, with adev->lock held and credit for one command.
 */
void acceldev_feed_fence_locked(struct acceldev_device *adev)
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
		u32 intr = acceldev_pull_intr_locked(adev);

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
	adev->prof.fed++;
	adev->fence_armed = adev->fence_val;
	adev->credit--;
	adev->tail_is_fence = true;
	adev->run_boundary = -1;

	rec = &adev->ring[(adev->ring_head + adev->ring_len) %
			  ACCELDEV_FENCE_RING];
	rec->val = adev->fence_val;
	rec->covers = adev->fed_seq;
	adev->fenced_seq = adev->fed_seq;
	rec->ctx_errors = acceldev_ctx_errors(adev);
	adev->ring_len++;
}

/*
 * acceldev_refill_credit_locked() - learn how much room the device queue has
 * @need: credit the next command needs.
 *
 * Context: the work, with adev->lock held.
 * Return: true if the credit now covers @need.
 */
bool acceldev_refill_credit_locked(struct acceldev_device *adev, u32 need)
{
	u32 free = acceldev_read(adev, CMD_MANUAL_FREE);

	lockdep_assert_held(&adev->lock);

	adev->prof.free_reads++;
	/* A device in trouble may read all ones; never trust more. */
	free = min_t(u32, free, CMDS_BUFFER_SIZE);
	adev->credit = free > ACCELDEV_QUEUE_RESERVE ?
		       free - ACCELDEV_QUEUE_RESERVE : 0;
	return adev->credit >= need;
}

/*
 * acceldev_feed_room() - may the next command (not a FENCE) be fed?
 *
 * While a FENCE fed is unretired (@adev->ring_len), CMD_FENCE_WAIT names
 * one in flight (the newest, or an older one a sync waits for:
 * acceldev_arm_locked()): its interrupt, pending or to come, runs the
 * work again, so every credit may go to commands. With none in flight the
 * last credit is kept for a FENCE, fed if the work has to stop.
 *
 * Context: the work, with adev->lock held.
 * Return: true if there is room.
 */
static bool acceldev_feed_room(struct acceldev_device *adev)
{
	u32 need = adev->ring_len ? 1 : 2;

	lockdep_assert_held(&adev->lock);

	return adev->credit >= need ||
	       acceldev_refill_credit_locked(adev, need);
}

/*
 * acceldev_watermark_due() - should a watermark FENCE go in before the
 * next command?
 *
 * Yes once the device queue is at least half full by the work's count
 * (which only over-counts: the device consumes meanwhile) and half a
 * queue was fed since the last FENCE. Its FENCE_WAIT then comes while the
 * device still has about half a queue to run, and the work refills the
 * queue before it drains: the device does not idle between two fills
 * while the pending list is backlogged. A device that keeps up never has
 * a half-full queue, and gets no watermarks.
 *
 * Context: the work, with adev->lock held.
 */
static bool acceldev_watermark_due(struct acceldev_device *adev)
{
	lockdep_assert_held(&adev->lock);

	return adev->credit <= ACCELDEV_QUEUE_ROOM - ACCELDEV_WATERMARK &&
	       adev->fed_seq - adev->fenced_seq >= ACCELDEV_WATERMARK &&
	       !adev->tail_is_fence;
}

/*
 * acceldev_boundary_due() - should a FENCE go in before this command?
 *
 * Yes if it is a RUN of another context than the one whose last RUN was
 * fed last: a FENCE between them covers that context's RUNs and nobody
 * else's, so its close (or an unreachable WAIT) waits for its own RUNs
 * only, not for a stranger's RUN queued behind them
 * (acceldev_arm_locked()). A context that keeps submitting has no
 * boundary until it stops: a backlog of RUNs from one context, or from
 * several that interleave, costs few FENCEs.
 *
 * Context: the work, with adev->lock held.
 */
static bool acceldev_boundary_due(struct acceldev_device *adev,
				  const struct acceldev_cmd *cmd)
{
	lockdep_assert_held(&adev->lock);

	return adev->run_boundary >= 0 && acceldev_cmd_is_run(cmd) &&
	       acceldev_cmd_ctx(cmd) != adev->run_boundary &&
	       !adev->tail_is_fence;
}

/*
 * acceldev_note_run_fed() - remember whether a RUN just fed was its
 * context's last
 *
 * SAFETY: a RUN's context is listed in adev->contexts until the RUN is
 * known done (close syncs on it before the context is given back), and
 * adev->lock keeps the list. ctx->last_run_seq is read without ctx->lock:
 * a RUN queued meanwhile at worst costs a FENCE that was not needed, or
 * saves one, and never changes what any FENCE covers.
 *
 * Context: the work, with adev->lock held.
 */
static void acceldev_note_run_fed(struct acceldev_device *adev,
				  const struct acceldev_cmd *cmd)
{
	unsigned int id = acceldev_cmd_ctx(cmd);
	struct acceldev_context *ctx = adev->contexts[id];

	lockdep_assert_held(&adev->lock);

	adev->run_boundary =
		ctx && cmd->seq == READ_ONCE(ctx->last_run_seq) ? id : -1;
}

/*
 * acceldev_feed_locked() - drain the pending list into the device
 *
 * Takes the whole pending list at once and feeds it without holding
 * queue_lock, so submitters are never blocked behind MMIO; what does not
 * fit goes back to the head of the list, in order.
 *
 * When the work stops with commands left over, a FENCE it fed is still
 * unretired, and the interrupt of the one armed (acceldev_arm_locked())
 * brings the work back: a watermark fed at half a queue
 * (acceldev_watermark_due()), a FENCE at a context boundary, or, with
 * none in flight, a FENCE in the credit kept for it
 * (acceldev_feed_room()).
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
		if ((acceldev_boundary_due(adev, cmd) ||
		     acceldev_watermark_due(adev)) &&
		    (adev->credit || acceldev_refill_credit_locked(adev, 1)))
			acceldev_feed_fence_locked(adev);
		if (!acceldev_feed_room(adev)) {
			if (!adev->ring_len && adev->credit)
				acceldev_feed_fence_locked(adev);
			break;
		}

		list_del(&cmd->node);
		adev->fed_seq = cmd->seq;
		if (acceldev_cmd_is_run(cmd)) {
			atomic_long_dec(&adev->stats.runs_pending);
			adev->fed_run_seq[acceldev_cmd_ctx(cmd)] = cmd->seq;
			acceldev_note_run_fed(adev, cmd);
		} else if (cmd->words[0] == ACCELDEV_DEVICE_CMD_TYPE_INVALID) {
			adev->injected++;
		} else {
			acceldev_bind_fed_locked(adev, cmd);
		}
		acceldev_feed_cmd(adev, cmd->words);
		adev->prof.fed++;
		adev->credit--;
		adev->tail_is_fence = false;
		acceldev_cmd_free(cmd);
	}

	if (!list_empty(&batch)) {
		spin_lock(&adev->queue_lock);
		list_splice(&batch, &adev->pending);
		spin_unlock(&adev->queue_lock);
		return;
	}
	/*
	 * Someone sleeps until commands fed now have completed: a FENCE
	 * behind them tells when. (With commands left over, the FENCE in
	 * flight brings the work back, and that pass feeds this one.)
	 */
	if (want > adev->fenced_seq && !adev->tail_is_fence &&
	    (adev->credit || acceldev_refill_credit_locked(adev, 1)))
		acceldev_feed_fence_locked(adev);
}

/**
 * acceldev_arm_locked() - make the device interrupt for the FENCE a sync
 * waits for
 * @adev: the device.
 *
 * The device raises FENCE_WAIT only for the FENCE whose VAL CMD_FENCE_WAIT
 * holds. That is the newest FENCE fed, unless a sync waiter (a close, an
 * unreachable WAIT) waits for commands that an older FENCE in flight
 * covers, typically the FENCE fed right after its context's last RUN
 * (acceldev_boundary_due()): then that one, so that the waiter wakes when
 * its own commands are done, not when the device reaches the newest
 * FENCE behind other contexts' RUNs. A FENCE that executed before
 * CMD_FENCE_WAIT named it raised nothing, so FENCE_LAST is read after
 * each move, and a FENCE_WAIT is made up for it: the next pass then reads
 * FENCE_LAST, takes in the interrupts raised until then, and retires, as
 * for a real one.
 *
 * Never a FENCE fed before the last restart (@adev->arm_floor): a
 * FEED_ERROR may have dropped it, and it would never interrupt. The
 * FENCE armed is always one in flight (or the newest, retired, with
 * nothing in flight), so the rule of acceldev_feed_locked() holds: its
 * interrupt brings the work back, and that pass arms the next one.
 *
 * Context: the work (or the watchdog), with adev->lock held, after the
 * pass fed what it could; takes &acceldev_device.queue_lock.
 */
void acceldev_arm_locked(struct acceldev_device *adev)
{
	struct acceldev_fence_rec *rec;
	u32 val = adev->fence_val;
	unsigned int i;
	u64 target;

	lockdep_assert_held(&adev->lock);

	spin_lock(&adev->queue_lock);
	target = acceldev_sync_first_target_locked(adev);
	spin_unlock(&adev->queue_lock);
	for (i = 0; target && i < adev->ring_len; i++) {
		rec = &adev->ring[(adev->ring_head + i) % ACCELDEV_FENCE_RING];
		/* Wrap-safe: VALs in flight span far less than 2^31. */
		if (rec->covers >= target &&
		    (s32)(rec->val - adev->arm_floor) >= 0) {
			val = rec->val;
			break;
		}
	}
	if (val == adev->fence_armed)
		return;
	acceldev_write(adev, ACCELDEV_CMD_FENCE_WAIT, val);
	adev->fence_armed = val;
	if (adev->ring_len &&
	    (s32)(acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST) - val) >= 0)
		acceldev_push_intr(adev, ACCELDEV_INTR_FENCE_WAIT);
}

/**
 * acceldev_dispatch_work() - the device's bottom half
 * @work: &acceldev_device.work.
 *
 * Handles the interrupts the top half acknowledged: wakes WAITs and marks
 * broken contexts, restarts the device after device-level errors, retires
 * FENCEs, then feeds as much of the pending list as fits.
 *
 * Context: process (the device's workqueue; never concurrently with
 *          itself); takes &acceldev_device.lock.
 */
void acceldev_dispatch_work(struct work_struct *work)
{
	struct acceldev_device *adev =
		container_of(work, struct acceldev_device, work);
	bool fenced, explained = false, scanned = false, reap = false;
	u32 intr, fresh = 0, last = 0;
	u64 start;

	mutex_lock(&adev->lock);
	if (adev->gone)
		goto out;
	adev->prof.passes++;

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
		fresh = acceldev_pull_intr_locked(adev);
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

	start = ktime_get_ns();
	acceldev_feed_locked(adev);
	adev->prof.feed_ns += ktime_get_ns() - start;

	/* Unused errors and no FENCE in flight to settle them: feed one. */
	if (acceldev_errors_unused_locked(adev) && !adev->ring_len &&
	    (adev->credit || acceldev_refill_credit_locked(adev, 1)))
		acceldev_feed_fence_locked(adev);
	acceldev_arm_locked(adev);
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
