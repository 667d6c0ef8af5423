/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Acceldev driver: objects shared by core/, dispatch/ and mm/. The design,
 * the object lifetimes and the lock order's reasons are in
 * Documentation/acceldev.rst.
 *
 * Lock order (outermost first); nothing else nests:
 *
 *   acceldev_minors_lock (mutex)
 *     acceldev_device.remove_sem (rw_semaphore)
 *       acceldev_device.lock (mutex)
 *         acceldev_context.lock (spinlock)
 *           acceldev_device.queue_lock (spinlock)
 *
 *   acceldev_device.intr_lock (spinlock, irqsave) is a leaf, taken under
 *   any of them; it is the only lock taken in hard-IRQ context.
 *
 *   dma_fence locks (accel jobs' and in-fences') nest inside
 *   acceldev_context.lock and acceldev_device.lock; fence callbacks take
 *   none of ours.
 *
 *   A page fault on a buffer's mapping takes remove_sem for reading under
 *   mmap_lock; remove holds remove_sem for writing while it zaps user
 *   mappings (unmap_mapping_range(): i_mmap_rwsem, page table locks) and
 *   never takes mmap_lock under it.
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

/* Entries kept free against a device that over-reports FREE by one. */
#define ACCELDEV_QUEUE_RESERVE	1
#define ACCELDEV_QUEUE_ROOM	(CMDS_BUFFER_SIZE - ACCELDEV_QUEUE_RESERVE)
/* Commands between two watermark FENCEs: half the queue. */
#define ACCELDEV_WATERMARK	(ACCELDEV_QUEUE_ROOM / 2)
/* Commands one pass of the work feeds at most before it yields. */
#define ACCELDEV_FEED_BUDGET	CMDS_BUFFER_SIZE

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
 * struct acceldev_cmd - a device command on the pending list
 * @node: link in &acceldev_device.pending.
 * @seq: position in the device's submission order, set when queued.
 * @words: the five FEED words.
 *
 * Owner: its allocator until acceldev_queue_locked() succeeds, then the
 * dispatcher, which frees it once fed. Device FENCEs are never queued.
 * Charged to the submitter's memory cgroup (48 bytes, SLAB_ACCOUNT).
 */
struct acceldev_cmd {
	struct list_head node;
	u64 seq;
	u32 words[ACCELDEV_DEVICE_CMD_WORDS];
};

/**
 * struct acceldev_job_link - an accel job's place on &acceldev_device.jobs
 * @node: the link.
 * @seq: its RUN's &acceldev_cmd.seq, set as the RUN is queued.
 */
struct acceldev_job_link {
	struct list_head node;
	u64 seq;
};

/**
 * struct acceldev_fence_rec - a device FENCE fed and not yet retired
 * @val: its VAL, compared with CMD_FENCE_LAST.
 * @covers: seq of the last command fed before it.
 */
struct acceldev_fence_rec {
	u32 val;
	u64 covers;
};

/**
 * struct acceldev_stats - a device's counters (sysfs, debugfs)
 * @runs_submitted: RUNs accepted by the ioctl.
 * @contexts: contexts holding a device context id.
 * @runs_pending: RUNs on the pending list.
 * @fences_signalled: user FENCEs seen executed.
 * @ctx_errors: contexts seen going into error by the scan.
 * @restarts: passes through the recovery path.
 * @device_errors: error interrupts no context explained (debugfs).
 *
 * Atomic, updated without locks; a set of them is not a snapshot.
 */
struct acceldev_stats {
	atomic_long_t contexts;
	atomic_long_t runs_submitted;
	atomic_long_t runs_pending;
	atomic_long_t fences_signalled;
	atomic_long_t ctx_errors;
	atomic_long_t restarts;
	atomic_long_t device_errors;
};

/**
 * struct acceldev_profile - where the dispatcher's time goes (debugfs)
 * @passes: work passes that reached the hardware.
 * @fed: commands written to CMD_MANUAL_FEED, FENCEs included.
 * @feed_ns: time spent in acceldev_feed_locked().
 * @free_reads: reads of CMD_MANUAL_FREE.
 * @run_kicks: kicks of the work by submitters.
 * @irqs: interrupts taken.
 *
 * Counters that only go up; each is under the lock named on its field's
 * owner (&acceldev_device.lock, queue_lock, intr_lock).
 */
struct acceldev_profile {
	u64 passes;		/* lock */
	u64 fed;		/* lock */
	u64 feed_ns;		/* lock */
	u64 free_reads;		/* lock */
	u64 run_kicks;		/* queue_lock */
	u64 irqs;		/* intr_lock */
};

/**
 * struct acceldev_feed - the dispatcher's view of the device queue
 *
 * Only the work and the watchdog touch it, with &acceldev_device.lock held.
 * Sequence numbers are &acceldev_cmd.seq values.
 */
struct acceldev_feed {
	u32 credit;		/* entries known free, not yet used */
	u32 fence_val;		/* VAL of the last FENCE fed */
	u32 fence_armed;	/* what CMD_FENCE_WAIT holds */
	u32 arm_floor;		/* first VAL fed since the last restart */
	u64 fed_seq;		/* last command fed */
	u64 accepted_seq;	/* last fed before an INTR pull: no drop */
	u64 fenced_seq;		/* last command fed before the last FENCE */
	bool tail_is_fence;	/* the last command fed was a FENCE */
	int run_boundary;	/* context id of the last RUN fed, or -1 */
	/* FENCEs fed and not retired, oldest first */
	struct acceldev_fence_rec ring[ACCELDEV_FENCE_RING];
	unsigned int ring_head;
	unsigned int ring_len;
	/* last command fed per context id: what a fault may have lost */
	u64 ctx_fed_seq[ACCELDEV_MAX_CONTEXTS];
	/* the scan in progress (dispatch/fence.c) */
	u32 scan_counter[ACCELDEV_MAX_CONTEXTS];
	DECLARE_BITMAP(scan_broke, ACCELDEV_MAX_CONTEXTS);
	bool scan_error;	/* some context's status shows an error */
	u64 quarantine_seq;	/* @ctx_quarantine ends once this is done */
	/* the watchdog */
	unsigned long progress_at;
	u32 hang_free;
	u32 hang_last;
};

/**
 * struct acceldev_device - one Acceldev PCI function
 * @ref: the PCI binding holds one reference from probe to remove, each
 *       &struct acceldev_context one; the last put frees it.
 * @pdev: the PCI device (reference held).
 * @irq: its interrupt (pci_alloc_irq_vectors(), INTx).
 * @regs: BAR0, mapped from probe until remove returns.
 * @minor: N of /dev/acceldevN.
 * @cdev: the character device (open files pin it).
 * @chardev: the class device of /dev/acceldevN.
 * @lock: see the fields under it.
 * @gone: set once by remove: nothing more is queued or fed.
 * @frozen: the hardware is not ours for now (suspended, being reset, a
 *          PCI error, shut down): the work and the watchdog leave it be.
 * @suspending: suspend waits for work in flight: nothing new is fed.
 * @stopped: set once by remove when the device can no longer reach
 *           memory; sleepers are then woken with -ENODEV.
 * @remove_sem: read by buffer creation and destruction around the DMA
 *              API calls, and by mmap and page faults around a buffer's
 *              pages; remove writes it to wait for them and to replace
 *              the pages of user mappings.
 * @drained: completed by the IRQ handler while @draining.
 * @draining: a drain (probe, remove) waits for FENCE_WAIT itself.
 * @intr_mask: the INTR bits enabled.
 * @contexts: live contexts by device context id.
 * @ctx_live: ids with a context (open takes the lowest id in neither
 *            this nor @ctx_quarantine).
 * @ctx_quarantine: ids without a context whose last commands a recovery
 *                  may have lost; free again once a FENCE fed after it
 *                  executed and their entries were zeroed.
 * @buffers: buffers whose DMA memory is allocated.
 * @configs: the context-config array (coherent DMA).
 * @configs_dma: its bus address.
 * @feed: the dispatcher's state.
 * @wq: runs @work, @hang_work and @reap_work; lives until release.
 * @work: the dispatcher (dispatch/feed.c).
 * @hang_work: the watchdog, armed while commands are in flight.
 * @reap_work: frees what killed closes left (dispatch/sync.c).
 * @intr_lock: makes reading and acknowledging INTR one step.
 * @intr_pending: INTR bits acknowledged and not yet handled by @work.
 * @queue_lock: see the fields under it.
 * @pending: commands waiting to be fed, in submission order.
 * @queued_seq: seq of the last command queued.
 * @done_seq: every command up to this seq has completed.
 * @fence_want: a sync waiter wants a FENCE behind this seq.
 * @sync_waiters: &struct acceldev_sync_waiter sleepers.
 * @deferred_buffers: buffers a killed close left to the reaper.
 * @deferred_contexts: contexts likewise, with their file's reference.
 * @jobs: accel jobs whose RUN is queued, in seq order, until signalled.
 * @jobs_done: signalled jobs whose references the reaper drops.
 * @stats: counters.
 * @prof: profiling counters.
 * @debugfs: the device's debugfs folder, or NULL.
 * @accel: the accel front end (core/accel.c), or NULL.
 *
 * Invariant: while !@gone and @pending is not empty after a pass, a FENCE
 * fed is unretired and CMD_FENCE_WAIT names one in flight, or the work is
 * queued again: its interrupt (or the queueing) brings the work back.
 */
struct acceldev_device {
	struct kref ref;
	struct pci_dev *pdev;
	int irq;
	void __iomem *regs;
	int minor;
	struct cdev *cdev;
	struct device *chardev;

	struct mutex lock; /* protects the fields below, up to @feed */
	bool gone;		/* also under queue_lock */
	bool frozen;
	bool suspending;
	bool stopped;		/* also under queue_lock */
	struct rw_semaphore remove_sem;
	struct completion drained;
	bool draining;
	u32 intr_mask;
	struct acceldev_context *contexts[ACCELDEV_MAX_CONTEXTS];
	DECLARE_BITMAP(ctx_live, ACCELDEV_MAX_CONTEXTS);
	DECLARE_BITMAP(ctx_quarantine, ACCELDEV_MAX_CONTEXTS);
	struct list_head buffers;
	struct acceldev_hw_context *configs;
	dma_addr_t configs_dma;
	struct acceldev_feed feed;

	struct workqueue_struct *wq;
	struct work_struct work;
	struct delayed_work hang_work;
	struct work_struct reap_work;

	spinlock_t intr_lock; /* INTR reads and acks, @prof.irqs */
	atomic_t intr_pending;

	spinlock_t queue_lock; /* protects the fields below */
	struct list_head pending;
	u64 queued_seq;
	u64 done_seq;		/* written with @lock held too */
	u64 fence_want;
	struct list_head sync_waiters;
	struct list_head deferred_buffers;
	struct list_head deferred_contexts;
	struct list_head jobs;
	struct list_head jobs_done;

	struct acceldev_stats stats;
	struct acceldev_profile prof;
	struct dentry *debugfs;
	struct acceldev_accel *accel;
};

/**
 * struct acceldev_context - a context: one open file of /dev/acceldevN or
 * of /dev/accel/accelN
 * @ref: held by the file, by each buffer created on the context and by
 *       each accel job until its references are dropped.
 * @adev: the device (counted reference).
 * @id: device context id, ours until @detached.
 * @runs_queued: RUNs of this context on the pending list, at most
 *               acceldev_run_backlog.
 * @deferred: link in &acceldev_device.deferred_contexts (queue_lock).
 * @deferred_seq: what it waits for there (queue_lock).
 * @fence_context: the dma_fence context of its accel jobs.
 * @held_work: queues held jobs whose in-fences signalled (dispatch/job.c).
 * @lock: protects the fields below.
 * @detached: the id was given back (closed, or the device removed).
 * @broken: the device reported an error, or recovery failed it.
 * @lost: recovery failed it; @counter is frozen. Implies @broken.
 * @waiters: WAIT sleepers (dispatch/fence.c).
 * @run_waiters: RUN sleepers waiting for room in the backlog.
 * @counter: last fence_counter taken in.
 * @fences_seen: user FENCEs taken in (@counter without the wrap).
 * @cmds_submitted: user commands submitted: the most FENCEs possible.
 * @last_seq: seq of the last command queued for the context.
 * @last_run_seq: seq of its last RUN.
 * @slots: bit n set while slot n is reserved or bound.
 * @slot_buf: the buffer at each set bit of @slots (not counted: the
 *            buffer clears its entry before it is freed).
 * @jobs_submitted: accel jobs submitted: the last job's number.
 * @held: accel jobs not yet queued, in submission order: the first waits
 *        for its in-fences, the others for it.
 */
struct acceldev_context {
	struct kref ref;
	struct acceldev_device *adev;
	u32 id;
	atomic_t runs_queued;
	struct list_head deferred;
	u64 deferred_seq;
	u64 fence_context;
	struct work_struct held_work;

	spinlock_t lock; /* protects the fields below */
	bool detached;
	bool broken;
	bool lost;
	struct list_head waiters;
	struct list_head run_waiters;
	u32 counter;
	u64 fences_seen;
	u64 cmds_submitted;
	u64 last_seq;
	u64 last_run_seq;
	unsigned long slots;
	struct acceldev_buffer *slot_buf[ACCELDEV_NUM_BUFFERS];
	u64 jobs_submitted;
	struct list_head held;
};

/**
 * struct acceldev_buffer - a code or data buffer
 * @ctx: the context it was created on (counted reference).
 * @type: %BUFFER_TYPE_CODE or %BUFFER_TYPE_DATA.
 * @size: bytes, whole pages.
 * @npages: @size in pages.
 * @pages: the page behind each coherent allocation (a reference held);
 *         after removal, a copy of it (NULL where none could be made).
 *         Read and replaced under &acceldev_device.remove_sem.
 * @kept: after removal, the coherent pages of an exported buffer, still
 *        referenced: importing devices may reach them until they detach.
 * @inode: the inode whose mapping holds every user mapping of the buffer
 *         (the buffer file's own, or its accel object's map file's), a
 *         reference held; NULL for an import (its exporter maps it).
 * @exported: PRIME-exported once (accel).
 * @vaddr: CPU address of each page, valid while @mapped.
 * @dma: bus address of each page, valid while @mapped.
 * @pt: the device page table, valid while @mapped.
 * @pt_dma: its bus address.
 * @mapped: the DMA memory is allocated; cleared under
 *          &acceldev_device.lock by whoever takes it off @node's list.
 * @published: its fd was installed: a RUN or a mapping may use it.
 * @node: link in &acceldev_device.buffers while @mapped.
 * @slot: the slot it holds, or -1.
 * @bind: the BIND_SLOT, allocated ahead; NULL once queued.
 * @unbind: the unbind, allocated ahead so that close cannot fail; NULL
 *          once queued.
 * @deferred: link in &acceldev_device.deferred_buffers.
 * @deferred_seq: the last command that may reach it then.
 * @attach: an imported dma-buf's attachment to our device, or NULL; then
 *          there are no @pages, @vaddr, @dma, and @pt maps @sgt.
 * @sgt: @attach mapped.
 * @dmabuf: the imported dma-buf (a reference held).
 *
 * Owner: its file (private_data), or its accel buffer object; mappings
 * and RUN hold the file, accel jobs the object. A release that cannot
 * wait hands it to the reaper (@deferred).
 */
struct acceldev_buffer {
	struct acceldev_context *ctx;
	enum acceldev_buffer_type type;
	size_t size;
	unsigned int npages;
	struct page **pages;
	struct page **kept;
	struct inode *inode;
	bool exported;
	void **vaddr;
	dma_addr_t *dma;
	__le32 *pt;
	dma_addr_t pt_dma;
	bool mapped;
	bool published;
	struct list_head node;
	int slot;
	struct acceldev_cmd *bind;
	struct acceldev_cmd *unbind;
	struct list_head deferred;
	u64 deferred_seq;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	struct dma_buf *dmabuf;
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
extern unsigned int acceldev_run_backlog;
unsigned long acceldev_hang_timeout(void);
struct acceldev_device *acceldev_device_lookup(unsigned int minor);
void acceldev_device_put(struct acceldev_device *adev);
void acceldev_hw_start(struct acceldev_device *adev);
void acceldev_hw_restart(struct acceldev_device *adev);
void acceldev_hw_stop(struct acceldev_device *adev);
bool acceldev_hw_configured(struct acceldev_device *adev);
int acceldev_hw_drain(struct acceldev_device *adev);
extern const struct dev_pm_ops acceldev_pm_ops;
extern const struct pci_error_handlers acceldev_err_handlers;
void acceldev_shutdown(struct pci_dev *pdev);

/* core/context.c */
extern const struct file_operations acceldev_fops;
struct acceldev_context *acceldev_context_create(struct acceldev_device *adev);
void acceldev_context_close(struct acceldev_context *ctx);
void acceldev_context_put(struct acceldev_context *ctx);
void acceldev_context_finish(struct acceldev_context *ctx);
struct acceldev_context *acceldev_context_get(struct acceldev_context *ctx);

/* core/sysfs.c */
extern const struct attribute_group *acceldev_sysfs_groups[];

/* core/debugfs.c */
void acceldev_debugfs_init(void);
void acceldev_debugfs_exit(void);
void acceldev_debugfs_add(struct acceldev_device *adev);
void acceldev_debugfs_files(struct acceldev_device *adev, struct dentry *dir);
void acceldev_debugfs_files_remove(struct dentry *dir);
void acceldev_debugfs_remove(struct acceldev_device *adev);

/* core/irq.c */
irqreturn_t acceldev_irq_handler(int irq, void *data);

/* dispatch/submit.c */
int acceldev_cmd_cache_create(void);
void acceldev_cmd_cache_destroy(void);
struct acceldev_cmd *acceldev_cmd_alloc(gfp_t gfp);
void acceldev_cmd_free(struct acceldev_cmd *cmd);
void acceldev_cmd_list_free(struct list_head *list);
void acceldev_dispatch_init(struct acceldev_device *adev);
void acceldev_dispatch_kick(struct acceldev_device *adev);
int acceldev_queue_job_locked(struct acceldev_context *ctx,
			      struct acceldev_cmd *cmd,
			      struct acceldev_job_link *job);
int acceldev_queue_locked(struct acceldev_context *ctx,
			  struct acceldev_cmd *cmd);
int acceldev_run_reserve(struct acceldev_context *ctx);
void acceldev_run_unreserve_locked(struct acceldev_context *ctx);
int acceldev_ioctl_run(struct acceldev_context *ctx, void __user *uarg);
void acceldev_context_wake_runs_locked(struct acceldev_context *ctx);
int acceldev_dispatch_inject_bad(struct acceldev_device *adev, unsigned int n);
void acceldev_dispatch_abort(struct acceldev_device *adev,
			     struct list_head *dropped);

/* dispatch/feed.c */
void acceldev_dispatch_work(struct work_struct *work);

/* dispatch/recovery.c */
void acceldev_hang_work(struct work_struct *work);
void acceldev_recover_locked(struct acceldev_device *adev, const char *why,
			     u64 kept, bool queue_lost);
void acceldev_recover_reset_locked(struct acceldev_device *adev,
				   const char *why);
unsigned long acceldev_hang_period(void);

/* dispatch/sync.c */
int acceldev_sync_killable(struct acceldev_device *adev, u64 seq);
int acceldev_sync_interruptible(struct acceldev_device *adev, u64 seq,
				long timeout);
int acceldev_sync_timeout(struct acceldev_device *adev, u64 seq,
			  unsigned long timeout);
bool acceldev_defer_buffer(struct acceldev_buffer *buf, u64 seq);
bool acceldev_defer_context(struct acceldev_context *ctx, u64 seq);
void acceldev_reap_work(struct work_struct *work);
void acceldev_reap_deferred(struct acceldev_device *adev, bool all);
void acceldev_dispatch_stopped(struct acceldev_device *adev);

/* dispatch/fence.c */
int acceldev_ioctl_wait(struct acceldev_context *ctx, void __user *uarg);
int acceldev_context_wait(struct acceldev_context *ctx, u32 target,
			  unsigned long deadline);
void acceldev_context_fail_waiters_locked(struct acceldev_context *ctx,
					  int err);
void acceldev_context_recheck_waiters_locked(struct acceldev_context *ctx);

/* mm/buffer.c */
int acceldev_ioctl_create_buffer(struct acceldev_context *ctx,
				 void __user *uarg, bool compat);
struct acceldev_buffer *acceldev_buffer_from_file(struct file *file);
void acceldev_buffer_unbind_locked(struct acceldev_buffer *buf);
void acceldev_buffer_destroy(struct acceldev_buffer *buf);
struct acceldev_buffer *acceldev_buffer_new(struct acceldev_context *ctx,
					    enum acceldev_buffer_type type,
					    size_t size);
struct acceldev_buffer *acceldev_buffer_import(struct acceldev_context *ctx,
					       struct dma_buf_attachment *attach,
					       struct sg_table *sgt);
int acceldev_buffer_publish(struct acceldev_buffer *buf);
void acceldev_buffer_discard(struct acceldev_buffer *buf);
void acceldev_buffer_release(struct acceldev_buffer *buf);
void acceldev_buffer_set_inode(struct acceldev_buffer *buf, struct file *file);
vm_fault_t acceldev_buffer_fault_page(struct acceldev_buffer *buf,
				      struct vm_fault *vmf);
void acceldev_buffer_mmap_prepare(struct vm_area_struct *vma);
void acceldev_buffers_release_dma(struct acceldev_device *adev);

#endif /* _ACCELDEV_CORE_ACCELDEV_H */
