/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Acceldev dispatcher: the per-device pending list and the work that feeds
 * it into CMD_MANUAL_FEED. Documentation/acceldev.rst, "Dispatch", walks a
 * RUN through these files:
 *
 *   submit.c    onto the pending list: RUN and its backlog, BIND_SLOT,
 *               fault injection, the list dropped at removal
 *   feed.c      the work: interrupts in, FENCEs retired, the list fed
 *   fence.c     user fences: the config array, WAIT
 *   recovery.c  the one recovery path, the hang watchdog
 *   sync.c      waiting for commands to complete, killed closes
 *
 * Functions declared here run in the work (or the watchdog) with
 * &acceldev_device.lock held unless their comment says otherwise.
 */
#ifndef _ACCELDEV_DISPATCH_DISPATCH_H
#define _ACCELDEV_DISPATCH_DISPATCH_H

#include "../core/accel.h"
#include "../core/acceldev.h"
#include "../core/regs.h"

static inline bool acceldev_cmd_is_run(const struct acceldev_cmd *cmd)
{
	return ACCELDEV_DEVICE_CMD_TYPE(cmd->words[0]) ==
	       ACCELDEV_DEVICE_CMD_TYPE_RUN;
}

/* RUN and BIND_SLOT keep the context id in word 0 the same way. */
static_assert(ACCELDEV_DEVICE_CMD_RUN_EXTRACT_CONTEXT_ID(0x1230) ==
	      ACCELDEV_DEVICE_CMD_BIND_SLOT_EXTRACT_CONTEXT_ID(0x1230));
static inline unsigned int acceldev_cmd_ctx(const struct acceldev_cmd *cmd)
{
	return ACCELDEV_DEVICE_CMD_RUN_EXTRACT_CONTEXT_ID(cmd->words[0]);
}

/* feed.c */
u32 acceldev_pull_intr_locked(struct acceldev_device *adev);
void acceldev_push_intr(struct acceldev_device *adev, u32 intr);
void acceldev_feed_fence_locked(struct acceldev_device *adev);
bool acceldev_refill_credit_locked(struct acceldev_device *adev, u32 need);
void acceldev_arm_locked(struct acceldev_device *adev);
void acceldev_feed_forget_locked(struct acceldev_device *adev);

/* fence.c */
u32 acceldev_scan_locked(struct acceldev_device *adev);
void acceldev_apply_scan_locked(struct acceldev_device *adev);
void acceldev_context_complete_locked(struct acceldev_context *ctx);

/* recovery.c */
void acceldev_device_error_locked(struct acceldev_device *adev, u32 intr);
void acceldev_quarantine_end_locked(struct acceldev_device *adev);

/* sync.c */
void acceldev_wake_syncs_locked(struct acceldev_device *adev, int status);
u64 acceldev_sync_first_target_locked(struct acceldev_device *adev);

#endif /* _ACCELDEV_DISPATCH_DISPATCH_H */
