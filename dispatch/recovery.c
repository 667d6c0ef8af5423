// SPDX-License-Identifier: GPL-2.0
/*
 * Acceldev dispatcher, recovery: which error interrupts a context's
 * error explains, restarting the device after a device-level error, and
 * the watchdog that declares a device without progress hung.
 */

#include <linux/device.h>
#include <linux/minmax.h>

#include "dispatch.h"

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
 * One more error can come without being counted: that of a RUN the
 * device was executing when a restart failed its context (the status bit
 * was set already). The restart leaves an excuse for it, used up by one
 * pass and thrown away once a FENCE behind that RUN has executed.
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
bool acceldev_error_explained_locked(struct acceldev_device *adev)
{
	unsigned long seen = acceldev_ctx_errors(adev);

	lockdep_assert_held(&adev->lock);

	if (seen != adev->ctx_errors_used) {
		adev->ctx_errors_used++;
		return true;
	}
	/*
	 * A context failed by a restart keeps the status bit the restart
	 * set, so an error of the RUN the device was executing then is
	 * counted for no context: see acceldev_restart_locked().
	 */
	if (adev->restart_excuse) {
		adev->restart_excuse = false;
		return true;
	}
	return false;
}

/*
 * acceldev_errors_unused_locked() - are there counted context errors that
 * have not explained an interrupt yet?
 *
 * Context: the work, with adev->lock held (@adev->ctx_errors_used is the
 * work's).
 */
bool acceldev_errors_unused_locked(struct acceldev_device *adev)
{
	lockdep_assert_held(&adev->lock);

	return acceldev_ctx_errors(adev) != adev->ctx_errors_used;
}

/*
 * acceldev_settle_errors_locked() - drop context errors whose bits are
 * all handled
 * @last: CMD_FENCE_LAST, read before acceldev_pull_intr_locked().
 *
 * The device raises an error's bit before it starts the next command, so
 * the bits of every error counted before a FENCE was fed were raised
 * before that FENCE executed: handled by now if it executed before @last
 * was read. Such errors can explain no future interrupt. (Each pass used
 * at most one error, and passes that used more than these used errors
 * counted later for bits of those errors: the count stays sound.) The
 * same goes for a restart's excuse once a FENCE that had not executed at
 * the restart (@adev->restart_last) has.
 *
 * Context: the work, with adev->lock held, after this pass's errors were
 * explained and before the ring is retired.
 */
void acceldev_settle_errors_locked(struct acceldev_device *adev, u32 last)
{
	struct acceldev_fence_rec *rec;
	unsigned int i;

	lockdep_assert_held(&adev->lock);

	/* A FENCE after the RUN that was executing at the restart ran. */
	if (adev->restart_excuse && (s32)(last - adev->restart_last) > 0)
		adev->restart_excuse = false;
	if (!acceldev_errors_unused_locked(adev))
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

/**
 * acceldev_bind_fed_locked() - note the slot a BIND_SLOT fed will set
 * @adev: the device.
 * @cmd: a command just fed; anything but a BIND_SLOT is ignored.
 *
 * SAFETY: BIND_SLOTs are built by mm/buffer.c, with the id of a live
 * context, and by acceldev_rebind_locked(), whose loops bound the id and
 * the slot; so the id is < 255 and the slot < 16 either way, and the page
 * table named was allocated under the 40-bit DMA mask, page aligned: the
 * frame number fits in 32 bits.
 *
 * Context: the work, with adev->lock held.
 */
void acceldev_bind_fed_locked(struct acceldev_device *adev,
			      const struct acceldev_cmd *cmd)
{
	u64 pt = cmd->words[2] | (u64)cmd->words[3] << 32;

	lockdep_assert_held(&adev->lock);

	if (ACCELDEV_DEVICE_CMD_TYPE(cmd->words[0]) !=
	    ACCELDEV_DEVICE_CMD_TYPE_BIND_SLOT)
		return;
	adev->fed_slots[acceldev_cmd_ctx(cmd)][cmd->words[1]] =
		pt >> ACCELDEV_PAGE_SHIFT;
}

/*
 * acceldev_rebind_locked() - feed again the BIND_SLOTs a FEED_ERROR may
 * have dropped
 *
 * A dropped BIND_SLOT never executes, and nobody knows which command was
 * dropped. The slots must not be rewritten from the contexts' own tables
 * (an earlier version did): a table already holds every BIND_SLOT queued,
 * also those still in the device queue or on the pending list, so a RUN
 * queued before a buffer's close found the buffer's slot empty
 * (SLOT_ERROR; tests/device_restart_keeps_closing_slot.c), or a newer
 * buffer in it. Instead every slot whose last BIND_SLOT fed has not shown
 * up in the config array yet (still queued, or dropped) gets that
 * BIND_SLOT again, at the head of the pending list: it executes after
 * everything already in the device queue and before everything queued
 * later, which is where a dropped one would have had its effect for every
 * command but those fed after it. Those were fed after accepted_seq, and
 * the RUNs among them are of contexts this restart fails. A copy of a
 * BIND_SLOT that was not dropped only sets the value the slot already has
 * by then; for an id given back since (its entry zeroed while its unbinds
 * still waited on the pending list), those unbinds follow the copy and
 * undo it before any command of the id's next owner, and no RUN comes in
 * between, so the page table it names may even be freed. The copies take
 * the sequence number of the last command fed, which they follow.
 *
 * Out of memory, a slot is written directly (the device is stopped), which
 * is right unless a RUN queued before its BIND_SLOT uses it.
 *
 * Context: the work, with adev->lock held and the device stopped; takes
 * &acceldev_device.queue_lock.
 */
static void acceldev_rebind_locked(struct acceldev_device *adev)
{
	struct acceldev_cmd *cmd;
	unsigned int id, slot;
	LIST_HEAD(list);
	u64 pt;

	lockdep_assert_held(&adev->lock);

	for (id = 0; id < ACCELDEV_MAX_CONTEXTS; id++) {
		for (slot = 0; slot < ACCELDEV_NUM_BUFFERS; slot++) {
			pt = (u64)adev->fed_slots[id][slot] <<
			     ACCELDEV_PAGE_SHIFT;
			if (le64_to_cpu(READ_ONCE(adev->configs[id].slots[slot])) ==
			    pt)
				continue;
			cmd = acceldev_cmd_alloc(GFP_KERNEL);
			if (!cmd) {
				adev->configs[id].slots[slot] = cpu_to_le64(pt);
				continue;
			}
			cmd->seq = adev->fed_seq;
			cmd->words[0] = ACCELDEV_DEVICE_CMD_BIND_SLOT_HEADER(id);
			cmd->words[1] = slot;
			cmd->words[2] = lower_32_bits(pt);
			cmd->words[3] = upper_32_bits(pt);
			cmd->words[4] = 0;
			list_add_tail(&cmd->node, &list);
		}
	}
	spin_lock(&adev->queue_lock);
	list_splice(&list, &adev->pending);
	spin_unlock(&adev->queue_lock);
}

/*
 * acceldev_restart_locked() - recover from a device-level error
 * @intr: the INTR bits that call for it; 0 for a hung device.
 *
 * Repeat the start-up sequence, and while the device is stopped fail the
 * contexts that may have lost a RUN: their fences might never come, or be
 * miscounted. Their status is set too, so the device skips their RUNs
 * still queued. Every other context keeps its counter and its slots as
 * the device has them; the commands in the device queue are not lost and
 * execute in order after the restart.
 *
 * Which RUNs may be lost:
 * - FEED_ERROR: a command was dropped when it was fed, so after
 *   @adev->accepted_seq (the last pull of INTR without FEED_ERROR). If it
 *   was a BIND_SLOT, acceldev_rebind_locked() feeds it again.
 * - An unexplained CMD_ERROR: none. The device rejected a device command
 *   (an unknown type, a context id >= 255 or a slot >= 16), and every
 *   RUN and BIND_SLOT the driver builds is valid (ids from the allocator,
 *   slots < 16): what was rejected is not ours (debugfs fault injection)
 *   or not a command at all. Failing the contexts with a RUN not yet
 *   retired, as an earlier version did, froze counters whose FENCEs had
 *   executed (tests/device_cmd_error_keeps_fences.c).
 * - A hung device (@intr 0): every RUN fed and not known to be done.
 *
 * The device finishes the command it is executing when ENABLE goes to 0.
 * If that is a RUN of a context failed here, its error (a bad user
 * command after a restart that a FEED_ERROR caused) is counted for no
 * context: its status bit is set already. So a restart that fails
 * contexts leaves an excuse for one error interrupt, valid until a FENCE
 * that had not executed when the device was stopped has executed
 * (acceldev_error_explained_locked()). Without it the CMD_ERROR caused a
 * second restart (tests/device_restart_lost_run_error.c).
 *
 * The INTR bits that come in meanwhile are not cleared, as the power-on
 * sequence would: they are handed to the next pass.
 *
 * Context: the work, with adev->lock held; takes ctx->lock and
 * &acceldev_device.queue_lock.
 */
void acceldev_restart_locked(struct acceldev_device *adev, u32 intr)
{
	struct acceldev_context *ctx;
	bool failed = false;
	unsigned int id;
	u64 suspect;
	u32 pulled;

	lockdep_assert_held(&adev->lock);

	atomic_long_inc(&adev->stats.restarts);
	if (intr)
		dev_err_ratelimited(&adev->pdev->dev,
				    "device error (INTR %#x%s), restarting (%ld)\n",
				    intr, adev->injected ?
				    ", an injected command" : "",
				    atomic_long_read(&adev->stats.restarts));
	if ((intr & ACCELDEV_INTR_CMD_ERROR) && adev->injected)
		adev->injected--;	/* (bits coalesce: a guess, for the log) */

	acceldev_hw_stop(adev);

	spin_lock(&adev->queue_lock);
	suspect = adev->done_seq;
	spin_unlock(&adev->queue_lock);
	if (intr & ACCELDEV_INTR_FEED_ERROR)
		suspect = max(suspect, adev->accepted_seq);
	else if (intr)
		suspect = adev->fed_seq;	/* no RUN of ours rejected */

	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++) {
		if (adev->fed_run_seq[id] <= suspect)
			continue;
		spin_lock(&ctx->lock);
		if (!ctx->lost) {
			ctx->broken = true;
			ctx->lost = true;
			adev->configs[id].status =
				ACCELDEV_CONTEXT_STATUS_ERROR;
			failed = true;
		}
		spin_unlock(&ctx->lock);
	}
	if (failed) {
		adev->restart_last = acceldev_read(adev,
						   ACCELDEV_CMD_FENCE_LAST);
		adev->restart_excuse = true;
	}
	if (intr & ACCELDEV_INTR_FEED_ERROR)
		acceldev_rebind_locked(adev);

	/* Every command fed so far has been judged. */
	adev->accepted_seq = adev->fed_seq;

	/* The device may have dropped a command: trust only FREE now. */
	if (intr & ACCELDEV_INTR_FEED_ERROR)
		adev->credit = 0;

	pulled = acceldev_pull_intr_locked(adev);
	acceldev_hw_restart(adev);
	acceldev_push_intr(adev, pulled);

	/* Also to end the excuse once the device is past that RUN. */
	if ((adev->ring_len || adev->restart_excuse) &&
	    (adev->credit || acceldev_refill_credit_locked(adev, 1)))
		acceldev_feed_fence_locked(adev);
	/*
	 * A FENCE fed before may be the command that was dropped: it never
	 * executes, and CMD_FENCE_WAIT armed at it would wait for good. Only
	 * FENCEs fed from now on are armed (acceldev_arm_locked()); the one
	 * just fed covers everything before it.
	 */
	adev->arm_floor = adev->fence_val;
}

/* How often the watchdog looks: every second, or more often. */
unsigned long acceldev_hang_period(void)
{
	return min_t(unsigned long, acceldev_hang_timeout(), HZ);
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
	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++) {
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
 * Context: process (the device's workqueue); takes
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
	    (adev->credit || acceldev_refill_credit_locked(adev, 1))) {
		/* Its interrupt will tell whether they complete. */
		acceldev_feed_fence_locked(adev);
		adev->progress_at = jiffies;
	} else if (time_after_eq(jiffies, adev->progress_at + timeout)) {
		acceldev_hang_locked(adev);
		adev->progress_at = jiffies;
	}
	/* A FENCE fed here moved CMD_FENCE_WAIT: back to what a sync needs. */
	acceldev_arm_locked(adev);
	queue_delayed_work(adev->wq, &adev->hang_work,
			   acceldev_hang_period());
out:
	mutex_unlock(&adev->lock);
}
