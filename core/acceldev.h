/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Acceldev driver: objects shared by core/, dispatch/ and mm/.
 *
 * Object model (Documentation/acceldev.rst draws it):
 *
 *   struct acceldev_device   one per PCI function; kref
 *     ^ counted ref
 *   struct acceldev_context  one per open file of /dev/acceldevN; kref
 *     ^ counted ref
 *   struct acceldev_buffer   one per buffer file; owned by that file
 *
 * Lock order (outermost first). Nothing else nests:
 *
 *   acceldev_device.remove_sem (rw_semaphore, read: buffer creation)
 *     -> acceldev_device.lock (mutex)
 *       -> acceldev_context.lock (spinlock)
 *         -> acceldev_device.queue_lock (spinlock)
 *
 *   acceldev_device.intr_lock (spinlock, a leaf: nothing nests inside,
 *   and it may be taken under any of the above)
 *
 *   acceldev_minors_lock (mutex, the minor table) nests outside all of
 *   them: device_destroy() under it waits for sysfs reads, which take
 *   acceldev_device.lock.
 *
 * Only intr_lock is taken in hard-IRQ context: the interrupt handler only
 * reads and acknowledges INTR, records the bits in an atomic and queues
 * the device's work; the work takes it with interrupts off. The other
 * spinlocks are never taken in IRQ context, so plain spin_lock() does.
 */
#ifndef _ACCELDEV_CORE_ACCELDEV_H
#define _ACCELDEV_CORE_ACCELDEV_H

#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "../uapi/acceldev.h"

#define ACCELDEV_MAX_DEVICES	256

/* Interrupts the driver enables and handles. */
#define ACCELDEV_INTR_ALL	(ACCELDEV_INTR_FENCE_WAIT | \
				 ACCELDEV_INTR_FEED_ERROR | \
				 ACCELDEV_INTR_CMD_ERROR | \
				 ACCELDEV_INTR_MEM_ERROR | \
				 ACCELDEV_INTR_SLOT_ERROR | \
				 ACCELDEV_INTR_USER_FENCE_WAIT)
/* Interrupts that may mean a context went into error. */
#define ACCELDEV_INTR_CTX_ERRORS (ACCELDEV_INTR_CMD_ERROR | \
				  ACCELDEV_INTR_MEM_ERROR | \
				  ACCELDEV_INTR_SLOT_ERROR)
/* Interrupts that may mean a device-level error. */
#define ACCELDEV_INTR_DEVICE_ERRORS (ACCELDEV_INTR_FEED_ERROR | \
				     ACCELDEV_INTR_CMD_ERROR)

/*
 * Device queue entries kept free whatever FREE says, so that a device that
 * over-reports FREE by one (the older family) is never overfed.
 */
#define ACCELDEV_QUEUE_RESERVE	1
/* The most credit the dispatcher ever has: entries it may fill. */
#define ACCELDEV_QUEUE_ROOM	(CMDS_BUFFER_SIZE - ACCELDEV_QUEUE_RESERVE)
/* Commands between two watermark FENCEs: half the queue. */
#define ACCELDEV_WATERMARK	(ACCELDEV_QUEUE_ROOM / 2)

/* A device command type the device does not know (fault injection). */
#define ACCELDEV_DEVICE_CMD_TYPE_INVALID	0xf

/* Bytes of one user command; RUN sizes are bounded by it for WAIT. */
#define ACCELDEV_USER_CMD_BYTES	(ACCELDEV_USER_CMD_WORDS * sizeof(u32))

/* Fences the dispatcher can track between two reads of FENCE_LAST. */
#define ACCELDEV_FENCE_RING	256

/**
 * struct acceldev_hw_context - one entry of the device's context-config
 * array, as the device sees it
 * @slots: page-table DMA address of the data buffer bound at each slot.
 * @fence_counter: user FENCEs executed; written by the device.
 * @status: %ACCELDEV_CONTEXT_STATUS_ERROR once the context failed;
 *          written by the device.
 *
 * The kernel view of &struct acceldev_context_on_device_config with its
 * little-endian types spelled out; the two must stay byte-identical (see
 * the static_asserts in core/main.c).
 */
struct acceldev_hw_context {
	__le64 slots[ACCELDEV_NUM_BUFFERS];
	__le32 fence_counter;
	u8 status;
} __aligned(64);

/**
 * struct acceldev_cmd - a device command waiting on the pending list
 * @node: link in &acceldev_device.pending.
 * @seq: position in the device's submission order (queued_seq); set when
 *       queued. A restart's copy of a BIND_SLOT already fed takes the
 *       last one fed (acceldev_rebind_locked()), which it follows.
 * @words: the five FEED words.
 *
 * Owner: whoever allocated it (acceldev_cmd_alloc()) until it is queued;
 * from then on the dispatcher, which frees it once fed (or dropped at
 * removal). While on the pending list the node is reachable only under
 * &acceldev_device.queue_lock, or by the dispatcher after splicing. Device
 * FENCEs are not queued: the dispatcher feeds them itself, as watermarks
 * and where &acceldev_device.fence_want asks for one.
 *
 * Memory: 48 bytes (one object of its slab cache) per command waiting,
 * charged to the memory cgroup of the task that submitted it.
 */
struct acceldev_cmd {
	struct list_head node;
	u64 seq;
	u32 words[ACCELDEV_DEVICE_CMD_WORDS];
};

/**
 * struct acceldev_fence_rec - a device FENCE fed and not yet retired
 * @val: the FENCE's VAL, compared with CMD_FENCE_LAST.
 * @covers: submission sequence number of the last command fed before it:
 *          once it executed, every command up to @covers has completed.
 * @ctx_errors: &acceldev_stats.ctx_errors when it was fed: the RUNs of
 *              those errors came before it, and so did their interrupts.
 */
struct acceldev_fence_rec {
	u32 val;
	u64 covers;
	unsigned long ctx_errors;
};

/**
 * struct acceldev_stats - a device's counters, shown in sysfs
 * @runs_submitted: RUNs accepted by the ioctl.
 * @contexts: contexts holding a device context now.
 * @runs_pending: RUNs on the pending list, not yet fed to the device.
 * @fences_signalled: user FENCEs seen executed, over all contexts.
 * @ctx_errors: contexts seen going into error, each counted once, by the
 *              dispatcher's scan of the config array (the only reader of
 *              the statuses).
 * @restarts: device restarts after device-level errors.
 *
 * Atomic so that every path counts without a lock. Readers get each value
 * on its own: a set of them is not a snapshot.
 */
struct acceldev_stats {
	atomic_long_t contexts;
	atomic_long_t runs_submitted;
	atomic_long_t runs_pending;
	atomic_long_t fences_signalled;
	atomic_long_t ctx_errors;
	atomic_long_t restarts;
};

/**
 * struct acceldev_profile - where the dispatcher's time goes
 * @passes: (work) passes of the work that reached the hardware.
 * @fed: (work) device commands the dispatcher (the work, or the
 *       watchdog) wrote into CMD_MANUAL_FEED, FENCEs included.
 * @feed_ns: (work) time spent in acceldev_feed_locked(), the part of a
 *           pass that feeds the pending list (its MMIO writes included).
 * @free_reads: (work) reads of CMD_MANUAL_FREE for credit.
 * @run_kicks: (&acceldev_device.queue_lock) kicks of the work by
 *             submissions that found the pending list empty.
 * @irqs: (&acceldev_device.intr_lock) interrupts the handler took.
 *
 * Part of &struct acceldev_device, no references. Plain counters, each
 * under the lock named for it, that only count up: debugfs ``profile``
 * prints them, and a tool takes the differences over a run
 * (tools/acceldev/bench-vm/stages_vm.c). A few increments a pass, and
 * two clock reads, so they stay on in every build.
 */
struct acceldev_profile {
	u64 passes;
	u64 fed;
	u64 feed_ns;
	u64 free_reads;
	u64 run_kicks;
	u64 irqs;
};

/**
 * struct acceldev_device - one Acceldev PCI function
 * @ref: lifetime. The PCI binding holds one reference from probe to
 *       remove; every &struct acceldev_context holds one. The last put
 *       frees the structure (acceldev_device_release()).
 * @pdev: the PCI device (reference held until release).
 * @regs: BAR0 mapping (managed: pcim_iomap_region()); valid from probe
 *        until remove has returned.
 * @minor: number N of /dev/acceldevN; given back at remove.
 * @cdev: character device (separately allocated: open files pin it).
 * @chardev: the class device of /dev/acceldevN.
 * @lock: protects @gone and @stopped (together with @queue_lock),
 *        @contexts, @ctx_live, @buffers, @configs and the dispatcher
 *        state marked "work", below and in @prof.
 * @gone: set once in remove, right after the device node and debugfs
 *        are gone: nothing more is queued or fed,
 *        the dispatcher no longer touches the hardware (remove does, to
 *        drain it), and new requests fail with -ENODEV. Sleepers keep
 *        sleeping until @stopped.
 * @stopped: set once by remove after @gone, when the device can no longer
 *           reach memory (drained and stopped, bus mastering off) and its
 *           DMA memory was given back: sleepers are then woken with
 *           -ENODEV, and may free what they own.
 * @remove_sem: held for reading by buffer creation from its @gone check
 *              until the new buffer is on @buffers; remove takes it for
 *              writing once, after setting @gone, to wait for those.
 * @drained: completed by the IRQ handler for FENCE_WAIT while @draining.
 * @draining: acceldev_hw_drain() is waiting for its FENCE; the IRQ handler
 *            wakes it instead of the work.
 * @intr_mask: the INTR bits enabled now (what INTR_ENABLE was last set
 *             to); the IRQ handler takes only these.
 * @contexts: live contexts by device context id.
 * @ctx_live: the ids with an entry in @contexts: the allocator of device
 *            context ids 0..254 (open takes the lowest clear bit, the
 *            context's end clears it), and what the dispatcher's walks
 *            over contexts (acceldev_next_context()) go by, so they cost
 *            what the live ones do, not 255 entries.
 * @buffers: every &struct acceldev_buffer whose pages are DMA-mapped.
 * @configs: context-config array (coherent DMA), freed by remove.
 * @configs_dma: its bus address.
 * @wq: the device's per-CPU workqueue running @work and @hang_work;
 *      lives until release.
 * @work: the dispatcher (dispatch/feed.c).
 * @hang_work: the watchdog, armed by @work while commands are in flight
 *             (acceldev_hang_work()).
 * @progress_at: (work) jiffies of the last sign of progress.
 * @hang_free: (work) CMD_MANUAL_FREE at the watchdog's last look.
 * @hang_last: (work) CMD_FENCE_LAST at the watchdog's last look.
 * @intr_lock: makes reading and acknowledging INTR one step, in the IRQ
 *             handler and in the work's acceldev_pull_intr_locked(), so
 *             that each raised bit is taken exactly once; also protects
 *             @prof.irqs.
 * @intr_pending: INTR bits acknowledged by the IRQ handler (or pushed
 *                back by the work) and not yet processed by @work.
 * @queue_lock: protects @pending, @queued_seq, @done_seq (written under
 *              @lock too, so the work reads it under either), @fence_want,
 *              @sync_waiters, @deferred_buffers, @deferred_contexts,
 *              @prof.run_kicks and, with @lock, @gone and @stopped.
 * @pending: device commands waiting to be fed, in submission order.
 * @queued_seq: sequence number of the last command queued.
 * @done_seq: every command with a sequence number up to this completed.
 * @fence_want: a sync waiter wants a device FENCE behind every command up
 *              to this sequence number.
 * @sync_waiters: &struct acceldev_sync_waiter, sleeping in a sync.
 * @deferred_buffers: buffers whose close was killed, freed by the work
 *                    once their commands are done (or by removal).
 * @deferred_contexts: contexts likewise, each with its file's reference.
 * @credit: (work) commands that may still be fed without reading FREE.
 * @fence_val: (work) VAL of the last device FENCE fed.
 * @fed_seq: (work) sequence number of the last command fed.
 * @tail_is_fence: (work) the last command fed was a FENCE.
 * @run_boundary: (work) device context id whose last RUN queued was the
 *                last RUN fed, with no FENCE fed since; -1 if none. A
 *                RUN of another context gets a FENCE before it.
 * @fence_armed: (work) VAL that CMD_FENCE_WAIT holds: the FENCE the
 *               device interrupts for (acceldev_arm_locked()).
 * @arm_floor: (work) VAL of the FENCE the last restart fed: one fed
 *             before may have been dropped, and is never armed.
 * @fenced_seq: (work) sequence number of the last command fed before the
 *              last FENCE fed: what that FENCE covers.
 * @ring: (work) device FENCEs fed and not yet retired, oldest first.
 * @ring_head: (work) index of the oldest entry of @ring.
 * @ring_len: (work) number of entries in @ring.
 * @scan_counter: (work) fence counters read by the current scan, by
 *                device context id.
 * @scan_broke: (work) contexts the current scan found newly in error.
 * @accepted_seq: (work) every command up to this one reached the device
 *                queue (no FEED_ERROR was raised before a later pull of
 *                INTR).
 * @injected: (work) invalid commands fed by fault injection and not yet
 *            answered by a CMD_ERROR restart; only the log uses it.
 * @fed_run_seq: (work) sequence number of the last RUN fed, by device
 *               context id: the RUNs a device-level error may have lost.
 * @fed_slots: (work) page frame (bus address >> 12; the DMA mask is 40
 *             bits) of the page table that the last BIND_SLOT fed for
 *             each slot names, 0 for an unbind, by device context id:
 *             the slots as the device will have them once it executed
 *             everything fed (acceldev_rebind_locked()).
 * @restart_last: (work) CMD_FENCE_LAST read once the last restart that
 *                failed contexts had stopped the device.
 * @restart_excuse: (work) that restart may have failed a context whose
 *                  RUN the device was executing: one error interrupt
 *                  from that RUN is explained until a FENCE after
 *                  @restart_last executed (acceldev_error_explained_locked()).
 * @ctx_errors_used: (work) context errors that already explained an
 *                   error interrupt; never more than @stats.ctx_errors.
 * @stats: counters for sysfs.
 * @prof: counters for profiling (debugfs), under the locks they name.
 * @debugfs: this device's debugfs folder, or NULL.
 *
 * Invariants: while !@gone, the device runs with CONTEXTS_CONFIGS =
 * @configs_dma and CMD_FENCE_WAIT = @fence_armed, and if @pending is not
 * empty when the work stops feeding, @ring_len > 0 and the FENCE with VAL
 * @fence_armed (the newest, @fence_val, or an older one a sync waits for)
 * is not retired yet, so its FENCE_WAIT interrupt, pending or to come,
 * will run the work again.
 */
struct acceldev_device {
	struct kref ref;
	struct pci_dev *pdev;
	void __iomem *regs;
	int minor;
	struct cdev *cdev;
	struct device *chardev;

	struct mutex lock; /* device state, see @lock above */
	bool gone;
	bool stopped;
	struct rw_semaphore remove_sem;
	struct completion drained;
	bool draining;
	u32 intr_mask;
	struct acceldev_context *contexts[ACCELDEV_MAX_CONTEXTS];
	DECLARE_BITMAP(ctx_live, ACCELDEV_MAX_CONTEXTS);
	struct list_head buffers;
	struct acceldev_hw_context *configs;
	dma_addr_t configs_dma;

	struct workqueue_struct *wq;
	struct work_struct work;
	struct delayed_work hang_work;
	unsigned long progress_at;
	u32 hang_free;
	u32 hang_last;
	spinlock_t intr_lock; /* reading + acknowledging INTR */
	atomic_t intr_pending;

	spinlock_t queue_lock; /* the pending list, see @queue_lock above */
	struct list_head pending;
	u64 queued_seq;
	u64 done_seq;
	u64 fence_want;
	struct list_head sync_waiters;
	struct list_head deferred_buffers;
	struct list_head deferred_contexts;

	u32 credit;
	u32 fence_val;
	u64 fed_seq;
	bool tail_is_fence;
	int run_boundary;
	u32 fence_armed;
	u32 arm_floor;
	u64 fenced_seq;
	struct acceldev_fence_rec ring[ACCELDEV_FENCE_RING];
	unsigned int ring_head;
	unsigned int ring_len;
	u64 accepted_seq;
	unsigned int injected;
	u32 scan_counter[ACCELDEV_MAX_CONTEXTS];
	DECLARE_BITMAP(scan_broke, ACCELDEV_MAX_CONTEXTS);
	u64 fed_run_seq[ACCELDEV_MAX_CONTEXTS];
	u32 fed_slots[ACCELDEV_MAX_CONTEXTS][ACCELDEV_NUM_BUFFERS];
	u32 restart_last;
	bool restart_excuse;
	unsigned long ctx_errors_used;

	struct acceldev_stats stats;
	struct acceldev_profile prof;
	struct dentry *debugfs;
};

/**
 * struct acceldev_context - a context: one open file of /dev/acceldevN
 * @ref: lifetime. Held by the file (dropped at release) and by each
 *       &struct acceldev_buffer created on the context.
 * @adev: the device (counted reference).
 * @id: device context id; meaningful while !@detached.
 * @deferred: link in &acceldev_device.deferred_contexts while the id's
 *            return waits for the dispatcher (killed close); under
 *            &acceldev_device.queue_lock, as that list.
 * @deferred_seq: what it waits for there; under the same lock.
 * @lock: protects every field below.
 * @detached: the device context was given back (file closed or device
 *            removed): @id and the config entry are no longer ours.
 * @broken: the device reported an error for this context, or a device
 *          restart failed it.
 * @lost: a device-level error may have lost one of its RUNs, so later
 *        fences would be counted against the wrong runs: @counter is
 *        frozen. Implies @broken.
 * @waiters: &struct acceldev_fence_waiter sleeping in WAIT.
 * @counter: last fence_counter read from the config entry.
 * @fences_seen: user FENCEs observed so far (@counter without the wrap).
 * @cmds_submitted: user commands submitted by RUN so far: no more user
 *                  FENCEs than this can ever execute.
 * @last_seq: submission sequence number of the last device command
 *            queued for this context.
 * @last_run_seq: the same for its last RUN: what close and an unreachable
 *                WAIT wait for.
 * @slots: bit n set while slot n is bound (or its BIND_SLOT is queued).
 * @slot_buf: buffer bound at each set bit of @slots (not counted: the
 *            buffer clears its entry before it is freed).
 */
struct acceldev_context {
	struct kref ref;
	struct acceldev_device *adev;
	u32 id;
	struct list_head deferred;	/* under adev->queue_lock */
	u64 deferred_seq;

	spinlock_t lock; /* every field below */
	bool detached;
	bool broken;
	bool lost;
	struct list_head waiters;
	u32 counter;
	u64 fences_seen;
	u64 cmds_submitted;
	u64 last_seq;
	u64 last_run_seq;
	unsigned long slots;
	struct acceldev_buffer *slot_buf[ACCELDEV_NUM_BUFFERS];
};

/**
 * struct acceldev_buffer - a code or data buffer
 * @ctx: the context it was created on (counted reference).
 * @type: %BUFFER_TYPE_CODE or %BUFFER_TYPE_DATA.
 * @size: bytes, a multiple of the page size.
 * @npages: @size in pages.
 * @pages: the page behind each coherent allocation; the buffer holds a
 *         reference on each until it is freed (at its file's release, or
 *         later by the dispatcher after a killed close).
 * @vaddr: CPU address of each page's coherent allocation, valid while
 *         @mapped.
 * @dma: bus address of each page, valid while @mapped.
 * @pt: the device page table (one coherent page of 1024 PTEs), valid
 *      while @mapped.
 * @pt_dma: bus address of @pt, valid while @mapped.
 * @mapped: the coherent allocations are live (the device may have been
 *          given their addresses); cleared under &acceldev_device.lock
 *          when they are freed, by release or, device stopped, by removal.
 * @node: link in &acceldev_device.buffers while @mapped.
 * @slot: slot it was bound to, or -1.
 * @unbind: the BIND_SLOT command that will unbind its slot, allocated
 *          with the bind so that close cannot fail; NULL once queued (by
 *          its close or its context's) or for a CODE buffer.
 * @deferred: link in &acceldev_device.deferred_buffers after a killed
 *            close.
 * @deferred_seq: the last command that may reach it then.
 *
 * Owner: the buffer's file (file->private_data). struct file's own
 * reference count is the buffer's: mappings (vma->vm_file) and RUN (fdget)
 * hold the file, so the buffer lives until the file's release; a release
 * that cannot wait (a killed close, an exiting task, a hung device) hands
 * it to the dispatcher instead (@deferred), which frees it once the
 * device can no longer reach it.
 */
struct acceldev_buffer {
	struct acceldev_context *ctx;
	enum acceldev_buffer_type type;
	size_t size;
	unsigned int npages;
	struct page **pages;
	void **vaddr;
	dma_addr_t *dma;
	__le32 *pt;
	dma_addr_t pt_dma;
	bool mapped;
	struct list_head node;
	int slot;
	struct acceldev_cmd *unbind;
	struct list_head deferred;
	u64 deferred_seq;
};

/*
 * The first live context of @adev with an id of at least *@id, or NULL;
 * *@id is its id. Walk them all with
 *	for (id = 0; (ctx = acceldev_next_context(adev, &id)); id++)
 * holding &acceldev_device.lock, which keeps the set fixed.
 */
static inline struct acceldev_context *
acceldev_next_context(struct acceldev_device *adev, unsigned int *id)
{
	lockdep_assert_held(&adev->lock);

	*id = find_next_bit(adev->ctx_live, ACCELDEV_MAX_CONTEXTS, *id);
	return *id < ACCELDEV_MAX_CONTEXTS ? adev->contexts[*id] : NULL;
}

/* core/main.c */
extern unsigned int acceldev_hang_timeout_ms;
unsigned long acceldev_hang_timeout(void);
struct acceldev_device *acceldev_device_lookup(unsigned int minor);
void acceldev_device_put(struct acceldev_device *adev);
void acceldev_hw_start(struct acceldev_device *adev);
void acceldev_hw_restart(struct acceldev_device *adev);
void acceldev_hw_stop(struct acceldev_device *adev);

/* core/context.c */
extern const struct file_operations acceldev_fops;
void acceldev_context_put(struct acceldev_context *ctx);
void acceldev_context_finish(struct acceldev_context *ctx);
struct acceldev_context *acceldev_context_get(struct acceldev_context *ctx);

/* core/sysfs.c */
extern const struct attribute_group *acceldev_sysfs_groups[];

/* core/debugfs.c */
void acceldev_debugfs_init(void);
void acceldev_debugfs_exit(void);
void acceldev_debugfs_add(struct acceldev_device *adev);
void acceldev_debugfs_remove(struct acceldev_device *adev);

/* core/irq.c */
irqreturn_t acceldev_irq_handler(int irq, void *data);

/* dispatch/submit.c */
int acceldev_cmd_cache_create(void);
void acceldev_cmd_cache_destroy(void);
struct acceldev_cmd *acceldev_cmd_alloc(gfp_t gfp);
void acceldev_cmd_free(struct acceldev_cmd *cmd);
void acceldev_dispatch_init(struct acceldev_device *adev);
void acceldev_dispatch_kick(struct acceldev_device *adev);
int acceldev_queue_locked(struct acceldev_context *ctx,
			  struct acceldev_cmd *cmd);
int acceldev_ioctl_run(struct acceldev_context *ctx, void __user *uarg);
int acceldev_dispatch_inject_bad(struct acceldev_device *adev, unsigned int n);
void acceldev_dispatch_abort(struct acceldev_device *adev);

/* dispatch/feed.c */
void acceldev_dispatch_work(struct work_struct *work);

/* dispatch/recovery.c */
void acceldev_hang_work(struct work_struct *work);
unsigned long acceldev_hang_period(void);

/* dispatch/sync.c */
int acceldev_sync_killable(struct acceldev_device *adev, u64 seq);
int acceldev_sync_interruptible(struct acceldev_device *adev, u64 seq);
bool acceldev_defer_buffer(struct acceldev_buffer *buf, u64 seq);
bool acceldev_defer_context(struct acceldev_context *ctx, u64 seq);
void acceldev_reap_deferred(struct acceldev_device *adev, bool all);
void acceldev_dispatch_stopped(struct acceldev_device *adev);

/* dispatch/fence.c */
int acceldev_ioctl_wait(struct acceldev_context *ctx, void __user *uarg);
void acceldev_context_fail_waiters_locked(struct acceldev_context *ctx,
					  int err);

/* mm/buffer.c */
int acceldev_ioctl_create_buffer(struct acceldev_context *ctx,
				 void __user *uarg, bool compat);
struct acceldev_buffer *acceldev_buffer_from_file(struct file *file);
void acceldev_buffer_unmap_locked(struct acceldev_buffer *buf);
void acceldev_buffer_unbind_locked(struct acceldev_buffer *buf);
void acceldev_buffer_destroy(struct acceldev_buffer *buf);

#endif /* _ACCELDEV_CORE_ACCELDEV_H */
