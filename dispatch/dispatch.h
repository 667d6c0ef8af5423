/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Acceldev dispatcher: what its files share.
 *
 * The per-device pending list and the work that drains it into
 * CMD_MANUAL_FEED. Every device command (RUN, BIND_SLOT) goes through one
 * FIFO, the pending list, and only the device's work item feeds the
 * hardware; it adds the device FENCEs itself. The work runs on the
 * device's own per-CPU workqueue, on the CPU that queued it; like every
 * work item it never runs concurrently with itself, and it holds
 * &acceldev_device.lock for its whole pass, as the watchdog does, so the
 * two never overlap either.
 *
 * Feed space. The device has no "queue has room" interrupt. The work keeps
 * a credit of entries it knows to be free and reads CMD_MANUAL_FREE only
 * when the credit is exhausted. Every FENCE fed sets CMD_FENCE_WAIT to its
 * own value, so the newest FENCE fed is the one that interrupts, unless
 * the work armed an older one for a sync (acceldev_arm_locked()); and
 * when the work stops for lack of room, the FENCE armed is still in
 * flight, so its interrupt runs the work again. Watermark FENCEs, fed once the
 * queue is half full, make it come while the device still has half a
 * queue to run; with no FENCE in flight the last credit is kept for one
 * (acceldev_feed_locked()).
 *
 * Completion. Each FENCE fed covers every command fed before it. The work
 * keeps the FENCEs in flight in a ring; on FENCE_WAIT it reads
 * CMD_FENCE_LAST, retires the ring up to it and advances done_seq, waking
 * sync callers whose commands are covered. A sync caller asks for a FENCE
 * behind its commands (fence_want), which the work feeds once those are
 * fed; only then, and after taking in every interrupt raised before it,
 * does the retire wake it.
 *
 * The files, one responsibility each (Documentation/acceldev.rst walks a
 * RUN through them):
 *
 *   submit.c    onto the pending list: RUN, queueing, fault injection,
 *               and dropping the list at removal
 *   feed.c      the work's main path: interrupts in, device FENCEs
 *               retired, the pending list fed
 *   fence.c     user fences: reading the config array, WAIT
 *   recovery.c  error attribution, device restart, the hang watchdog
 *   sync.c      waiting for commands to complete (close, unreachable
 *               WAIT), killed closes, the end at removal
 *
 * Every function declared here runs in the work (or the watchdog) with
 * &acceldev_device.lock held, unless its comment says otherwise.
 */
#ifndef _ACCELDEV_DISPATCH_DISPATCH_H
#define _ACCELDEV_DISPATCH_DISPATCH_H

#include "../core/acceldev.h"
#include "../core/regs.h"

static inline bool acceldev_cmd_is_run(const struct acceldev_cmd *cmd)
{
	return ACCELDEV_DEVICE_CMD_TYPE(cmd->words[0]) ==
	       ACCELDEV_DEVICE_CMD_TYPE_RUN;
}

/*
 * The device context id of a RUN or BIND_SLOT: word 0 holds it above the
 * type the same way for both.
 */
static_assert(ACCELDEV_DEVICE_CMD_RUN_EXTRACT_CONTEXT_ID(0x1230) ==
	      ACCELDEV_DEVICE_CMD_BIND_SLOT_EXTRACT_CONTEXT_ID(0x1230));
static inline unsigned int acceldev_cmd_ctx(const struct acceldev_cmd *cmd)
{
	return ACCELDEV_DEVICE_CMD_RUN_EXTRACT_CONTEXT_ID(cmd->words[0]);
}

/* Context errors counted so far (see acceldev_error_explained_locked()). */
static inline unsigned long acceldev_ctx_errors(struct acceldev_device *adev)
{
	return atomic_long_read(&adev->stats.ctx_errors);
}

/* feed.c */
u32 acceldev_pull_intr_locked(struct acceldev_device *adev);
void acceldev_push_intr(struct acceldev_device *adev, u32 intr);
void acceldev_retire_locked(struct acceldev_device *adev, u32 last);
void acceldev_feed_fence_locked(struct acceldev_device *adev);
bool acceldev_refill_credit_locked(struct acceldev_device *adev, u32 need);
void acceldev_arm_locked(struct acceldev_device *adev);

/* fence.c */
u32 acceldev_scan_locked(struct acceldev_device *adev);
void acceldev_apply_scan_locked(struct acceldev_device *adev);
void acceldev_context_complete_locked(struct acceldev_context *ctx);

/* recovery.c */
bool acceldev_error_explained_locked(struct acceldev_device *adev);
bool acceldev_errors_unused_locked(struct acceldev_device *adev);
void acceldev_settle_errors_locked(struct acceldev_device *adev, u32 last);
void acceldev_restart_locked(struct acceldev_device *adev, u32 intr);
void acceldev_bind_fed_locked(struct acceldev_device *adev,
			      const struct acceldev_cmd *cmd);

/* sync.c */
void acceldev_wake_syncs_locked(struct acceldev_device *adev, int status);
u64 acceldev_sync_first_target_locked(struct acceldev_device *adev);

#endif /* _ACCELDEV_DISPATCH_DISPATCH_H */
