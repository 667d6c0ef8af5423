// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, recovery: error interrupts no context explains,
 * the one recovery path for device-level faults, and the hang watchdog.
 * Documentation/acceldev.rst, "Errors", has the rules.
 */

#include <linux/device.h>
#include <linux/dma-fence.h>
#include <linux/minmax.h>

#include "dispatch.h"

/**
 * acceldev_device_error_locked() - an error interrupt no context explains
 * @adev: the device.
 * @intr: the INTR bits in hand.
 *
 * Only a device command the driver built can cause it: a driver bug, or
 * debugfs fault injection. Logged and counted; nothing else changes.
 *
 * Context: the work, with adev->lock held.
 */
void acceldev_device_error_locked(struct acceldev_device *adev, u32 intr)
{
	lockdep_assert_held(&adev->lock);

	atomic_long_inc(&adev->stats.device_errors);
	dev_err_ratelimited(&adev->pdev->dev,
			    "device error no context explains: INTR %#x FREE %u FENCE_LAST %u fed %llu done %llu\n",
			    intr, acceldev_read(adev, CMD_MANUAL_FREE),
			    acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST),
			    adev->feed.fed_seq, READ_ONCE(adev->done_seq));
}

/**
 * acceldev_recover_locked() - the recovery path for device-level faults
 * @adev: the device.
 * @why: the fault, for the log.
 * @kept: every command up to this seq is known not lost: done, or (for a
 *        FEED_ERROR) accepted into the device queue.
 * @queue_lost: the device was reset: its queue, registers and the command
 *              it was executing are gone.
 *
 * Stops the device, fails with -EIO every context with a command fed
 * after @kept (it may have been lost), restarts the device, and leaves
 * the pending list to be fed again. Every other context keeps its
 * counter, status and slots. An id without a context whose last commands
 * (its unbinds) may have been lost is kept from reuse until everything
 * fed now is done. Sync waiters are woken: with 0 when the queue is lost
 * (nothing fed can execute any more), else with -ETIMEDOUT (they hand
 * their memory to the reaper).
 *
 * Context: the work, the watchdog or a life-cycle callback, with
 * adev->lock held; takes ctx->lock and queue_lock.
 */
void acceldev_recover_locked(struct acceldev_device *adev, const char *why,
			     u64 kept, bool queue_lost)
{
	struct acceldev_feed *f = &adev->feed;
	struct acceldev_context *ctx;
	unsigned int id;
	u32 intr = 0;

	lockdep_assert_held(&adev->lock);

	atomic_long_inc(&adev->stats.restarts);
	dev_err_ratelimited(&adev->pdev->dev, "%s: restarting the device\n",
			    why);
	acceldev_hw_stop(adev);

	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++) {
		if (f->ctx_fed_seq[id] <= kept)
			continue;
		/* Stopped: the entry may be written (DEVICE.md section 3). */
		adev->configs[id].status = ACCELDEV_CONTEXT_STATUS_ERROR;
		ctx = test_bit(id, adev->ctx_live) ? adev->contexts[id] : NULL;
		if (!ctx) {
			__set_bit(id, adev->ctx_quarantine);
			f->quarantine_seq = f->fed_seq;
			continue;
		}
		spin_lock(&ctx->lock);
		ctx->broken = true;
		ctx->lost = true;
		acceldev_context_complete_locked(ctx);
		spin_unlock(&ctx->lock);
	}

	spin_lock(&adev->queue_lock);
	if (queue_lost)
		adev->done_seq = f->fed_seq;
	acceldev_wake_syncs_locked(adev, queue_lost ? 0 : -ETIMEDOUT);
	spin_unlock(&adev->queue_lock);
	if (queue_lost)
		acceldev_jobs_retire(adev);

	f->accepted_seq = f->fed_seq;
	f->credit = 0;
	if (queue_lost) {
		acceldev_feed_forget_locked(adev);
		acceldev_quarantine_end_locked(adev);
		acceldev_hw_start(adev);
		/* Counters and statuses in memory: scan them again. */
		acceldev_push_intr(adev, ACCELDEV_INTR_USER_FENCE_WAIT);
		return;
	}

	/* Bits raised meanwhile are events: the next pass takes them. */
	intr = acceldev_pull_intr_locked(adev);
	acceldev_hw_restart(adev);
	acceldev_push_intr(adev, intr);
	/* A FENCE fed before may have been dropped: trust only new ones. */
	if (f->fed_seq > READ_ONCE(adev->done_seq) &&
	    acceldev_refill_credit_locked(adev, 1))
		acceldev_feed_fence_locked(adev);
	f->arm_floor = f->fence_val;
}

/**
 * acceldev_recover_reset_locked() - the device lost its state: continue
 * @adev: the device, stopped, after a reset or a resume.
 * @why: what reset it, for the log when work was lost.
 *
 * With work in flight, the recovery path; without, only the start-up.
 *
 * Context: a life-cycle callback, with adev->lock held.
 */
void acceldev_recover_reset_locked(struct acceldev_device *adev,
				   const char *why)
{
	struct acceldev_feed *f = &adev->feed;

	lockdep_assert_held(&adev->lock);

	if (f->fed_seq > READ_ONCE(adev->done_seq)) {
		acceldev_recover_locked(adev, why, READ_ONCE(adev->done_seq),
					true);
		return;
	}
	acceldev_feed_forget_locked(adev);
	acceldev_hw_start(adev);
}

/**
 * acceldev_quarantine_end_locked() - free the ids a recovery kept
 * @adev: the device.
 *
 * Once every command fed before the recovery is done, nothing of their
 * last owners is in flight: their entries are zeroed and the ids reused.
 *
 * Context: the work, with adev->lock held, after retiring FENCEs.
 */
void acceldev_quarantine_end_locked(struct acceldev_device *adev)
{
	unsigned int id;

	lockdep_assert_held(&adev->lock);

	if (bitmap_empty(adev->ctx_quarantine, ACCELDEV_MAX_CONTEXTS) ||
	    READ_ONCE(adev->done_seq) < adev->feed.quarantine_seq)
		return;
	for_each_set_bit(id, adev->ctx_quarantine, ACCELDEV_MAX_CONTEXTS)
		memset(&adev->configs[id], 0, sizeof(adev->configs[id]));
	bitmap_zero(adev->ctx_quarantine, ACCELDEV_MAX_CONTEXTS);
}

/* How often the watchdog looks: every second, or more often. */
unsigned long acceldev_hang_period(void)
{
	return min_t(unsigned long, acceldev_hang_timeout(), HZ);
}

/**
 * acceldev_hang_work() - the watchdog: is the device making progress?
 * @work: &acceldev_device.hang_work.
 *
 * Armed by the work while commands fed are not known done. Progress is
 * what the device shows (an interrupt, FREE or FENCE_LAST moving), not
 * time per RUN: a RUN may run for minutes. Commands no FENCE covers get
 * one first. No progress for hang_timeout_ms: the recovery path.
 *
 * Context: process (the device's workqueue); takes adev->lock.
 */
void acceldev_hang_work(struct work_struct *work)
{
	struct acceldev_device *adev =
		container_of(to_delayed_work(work), struct acceldev_device,
			     hang_work);
	struct acceldev_feed *f = &adev->feed;
	u32 free, last;
	bool cookie;

	/* The recovery path signals accel job fences. */
	cookie = dma_fence_begin_signalling();
	mutex_lock(&adev->lock);
	if (adev->gone || adev->frozen ||
	    f->fed_seq <= READ_ONCE(adev->done_seq))
		goto out;	/* the next feed arms it again */

	free = acceldev_read(adev, CMD_MANUAL_FREE);
	last = acceldev_read(adev, ACCELDEV_CMD_FENCE_LAST);
	if (free != f->hang_free || last != f->hang_last) {
		f->hang_free = free;
		f->hang_last = last;
		f->progress_at = jiffies;
	}
	if (f->fed_seq > f->fenced_seq && !f->tail_is_fence &&
	    (f->credit || acceldev_refill_credit_locked(adev, 1))) {
		acceldev_feed_fence_locked(adev);
		f->progress_at = jiffies;
	} else if (time_after_eq(jiffies,
				 f->progress_at + acceldev_hang_timeout())) {
		acceldev_recover_locked(adev, "no progress with commands in flight",
					READ_ONCE(adev->done_seq), false);
		f->progress_at = jiffies;
	}
	acceldev_arm_locked(adev);
	queue_delayed_work(adev->wq, &adev->hang_work, acceldev_hang_period());
out:
	mutex_unlock(&adev->lock);
	dma_fence_end_signalling(cookie);
}
