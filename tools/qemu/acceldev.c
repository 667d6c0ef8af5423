/*
 * Acceldev: an imaginary PCI ML accelerator (device model)
 *
 * Copyright (c) 2025 The Acceldev project authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * This is an independent implementation of the project's hardware
 * reference (DEVICE.md). Registers, commands, the context-config array and
 * device paging are as described there. Where that reference is silent,
 * this model behaves as follows:
 *
 * Identity and bus
 *  - Vendor 0x0666, device 0x0019, class "other". BAR0 is a 64 KiB memory
 *    BAR (the description's size); a driver mapping only the first 4 KiB
 *    (the header's ACCELDEV_BAR_SIZE) reaches every register. One legacy
 *    INTx line (pin A), no MSI. The device can be hot-plugged and
 *    instantiated several times. It has no migration support (marked
 *    unmigratable).
 *  - A PCI power-management capability (D0 and D3hot, No_Soft_Reset
 *    clear). Behind a PCI Express port (a bus that is PCIe and not a root
 *    bus) the function is a PCIe endpoint with FLR and AER; on a
 *    conventional bus, and on the q35 root bus, it is a conventional PCI
 *    function (no PCIe capability, 256 bytes of config space).
 *
 * Registers
 *  - Only aligned 32-bit accesses to documented registers are valid. Any
 *    other access (other size, unaligned, undocumented offset anywhere in
 *    the 64 KiB BAR, or a read of the write-only FEED words 1..4 at
 *    0x90..0x9c) is ignored, reads as all ones, and raises MEM_ERROR.
 *  - INTR is write-1-to-clear. The INTx line is (INTR & INTR_ENABLE) != 0,
 *    recomputed whenever either changes.
 *  - The FEED words are latches; they keep their values after a submit (so
 *    a NOP only needs words 0 and 4). Writing word 4 submits a copy of all
 *    five. Submitting while the queue is full raises FEED_ERROR and drops
 *    the command. Commands can be fed while ENABLE is 0: they wait.
 *  - ENABLE = 0 stops the device from starting further commands; the
 *    command being executed (e.g. a RUN) is finished. The queue keeps its
 *    contents, and processing resumes when ENABLE becomes non-zero.
 *
 * Command queue
 *  - Commands are executed in order, one at a time, on the device's own
 *    thread; an MMIO write only enqueues. A command keeps its queue entry
 *    until it has COMPLETED (it is removed after execution, not when it
 *    starts), so CMD_MANUAL_FREE = capacity - queued - executing and never
 *    over-reports (except with the free-off-by-one knob, on purpose).
 *  - A FENCE therefore completes after all earlier commands, including
 *    all user commands of earlier RUNs, have completed.
 *  - Device-level errors (unknown type, context id >= 255, BIND_SLOT slot
 *    >= 16) raise CMD_ERROR and change no context status. The context id
 *    field of NOP and FENCE headers is ignored.
 *
 * Contexts, RUN and user commands
 *  - The device keeps no copy of the context-config array: it reads and
 *    writes the guest's entries by DMA whenever it needs them (status
 *    before a RUN, slot pointers for each FILL, fence_counter at the first
 *    user FENCE of a burst, see below). Only the context-config base address (CONTEXTS_CONFIGS) is
 *    held in registers; it is sampled when a command starts.
 *  - A RUN of a context whose status has the error bit is skipped. Offset
 *    or length not a multiple of 4 is a CMD_ERROR for the context. User
 *    commands are read in 20-byte steps from [offset, offset + length); a
 *    trailing partial command is not executed. Code is fetched a page at a
 *    time through the page table (the page containing the next command is
 *    fetched when first needed); a non-present page-table entry or an
 *    address at or beyond 4 MiB is a MEM_ERROR for the context.
 *  - The header word's bits 4..31 of user commands are ignored.
 *  - FILL checks, in order: start and length multiples of 4 (else
 *    CMD_ERROR), slot < 16 (else SLOT_ERROR), slot bound (else SLOT_ERROR).
 *    A zero-length FILL then does nothing (no page-table access). The fill
 *    proceeds page by page in increasing address order; on a non-present
 *    entry or at 4 MiB it stops with MEM_ERROR, with the earlier pages
 *    already written.
 *  - On a per-context error the device sets status bit 0 in the entry
 *    (read-modify-write of the status byte), then raises the interrupt,
 *    and abandons the rest of the RUN.
 *  - User FENCEs are counted on chip while they follow each other within
 *    one RUN: the counter is read from the entry at the first, and written
 *    back, followed by one USER_FENCE_WAIT, before the next FILL, before a
 *    per-context error is reported, at the end of the RUN and at least
 *    every 65536 FENCEs. The counter the guest sees is thus never ahead of
 *    the FENCEs executed, and catches up before anything else happens;
 *    this is what lets a guest drive it across 2^32 in minutes.
 *
 * DMA failures
 *  - All DMA goes through pci_dma_* (the device's bus-master address
 *    space). If bus mastering is disabled in the PCI command register (or
 *    an address is not backed by anything), QEMU fails the transaction;
 *    the model checks every result and reports a failed transfer as
 *    MEM_ERROR: a failure inside a RUN is a MEM_ERROR for the context
 *    (whose status cannot be written either, if mastering is off), a
 *    failure in BIND_SLOT or while reading a context's status before a
 *    RUN raises MEM_ERROR at device level. Nothing is written to memory
 *    and no FENCE-counter update happens in that case; device FENCEs,
 *    which need no DMA, still complete.
 *  - Clearing Bus Master Enable takes effect at once: the config write
 *    completes only after the command being executed, if any, has finished
 *    (its next transfer fails, so a RUN ends with MEM_ERROR), or after at
 *    most 5 s (then a guest error is logged). Once the write completed,
 *    the device reaches no memory: a driver may free everything it gave
 *    the device, whatever was left in the queue.
 *
 * Reset
 *  - Every reset (system reset, a bus reset such as a root port's
 *    secondary bus reset, FLR, D3hot -> D0) and realize empty the queue,
 *    zero all registers (ENABLE, INTR_ENABLE, CONTEXTS_CONFIGS,
 *    FENCE_LAST, FENCE_WAIT, FEED latches) and leave one stray bit,
 *    FENCE_WAIT, set in INTR (allowed by DEVICE.md section 9), so a
 *    driver must clear INTR on start-up. Host memory is not touched.
 *  - A command executing during a reset is abandoned: its effects so far
 *    stay (a FILL may be partial), its later effects (DMA, interrupts,
 *    FENCE_LAST) never happen. The reset returns only once the worker is
 *    out of any DMA transfer and can start no other for that command, so
 *    the function masters no cycle for it once the reset is done.
 *  - FLR and D3hot -> D0 also reset config space as pci_device_reset()
 *    does (command register, BARs; the PCIe Device Control error-reporting
 *    enables), like a conventional reset: the driver restores it.
 *  - D0 -> D3hot stops the function at once (the command in flight is
 *    abandoned, nothing else starts): it masters no cycle in D3hot, where
 *    its BAR is not mapped. Leaving D3hot for D0 resets it.
 *
 * Interrupt delivery
 *  - The worker thread does not take the BQL. It updates INTR under the
 *    device lock and schedules a bottom half, which recomputes the INTx
 *    level in the main loop (under the BQL). MMIO writes and reset update
 *    the line directly, as they already run under the BQL.
 *
 * Test knobs (QOM properties, all off by default). Each can be given at
 * -device time (-device acceldev,queue-size=4) and changed at run time
 * through the monitor (HMP "qom-set /machine/peripheral/acc0 queue-size
 * 4", QMP qom-set; qom-get reads the value in effect). None is changed by
 * a reset. A value out of range is refused (at -device time the device is
 * not created; at run time qom-set fails and nothing changes).
 *  - cmd-delay-us (uint32, 0): sleep this many microseconds before each
 *    device command executes, so that the queue backs up. A new value
 *    takes effect at once: a command already waiting out its delay then
 *    waits until (start of its wait + the new value), so setting 0 lets
 *    it start at once.
 *  - queue-size (uint32, 255, 1..255): capacity of the command queue.
 *  - free-off-by-one (bool, false): CMD_MANUAL_FREE reads one more than
 *    really free (like an older device of the family). Feeding into that
 *    phantom entry still raises FEED_ERROR and drops the command.
 *    These two define the queue accounting a driver learns from FREE (and
 *    may remember), so at run time they change only while the device is
 *    stopped (ENABLE = 0) with an empty queue (no command waiting or
 *    executing): after reset, or once a driver has drained and stopped it
 *    (unbound). Otherwise qom-set fails and nothing changes. A driver
 *    bound afterwards sees the new FREE from its first read; one bound
 *    across the change would not have been told.
 *  - feed-error-every (uint32, 0): drop every Nth submitted command with
 *    FEED_ERROR, as if the queue had been full: a device-level error on
 *    demand, for testing a driver's recovery. Counted from reset and from
 *    each qom-set: the Nth command submitted after either is the first
 *    dropped. Takes effect at once.
 *  - wedged (bool, false; e.g. HMP
 *    "qom-set /machine/peripheral/acc0 wedged true"): the device starts no
 *    command while set, as if it had hung; nothing the guest can see
 *    changes (FREE, FENCE_LAST and INTR stay as they are, commands can
 *    still be fed) and the queue resumes when it is cleared. A command
 *    being executed when it is set finishes.
 *
 * State for the host (read-only QOM properties, qom-get; e.g. read by the
 * VM bench after the guest powered off, when the guest can tell nothing):
 * state-enable (uint32, the ENABLE register), state-queued (uint32,
 * commands in the queue, the one executing included), state-executing
 * (bool), state-bus-master (bool, Bus Master Enable in the PCI command
 * register). qom-set fails on them.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/rcu.h"
#include "qemu/thread.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_aer.h"
#include "migration/vmstate.h"
#include "qom/object.h"

#define TYPE_ACCELDEV "acceldev"
OBJECT_DECLARE_SIMPLE_TYPE(AcceldevState, ACCELDEV)

/* PCI identity and BAR. */
#define ACD_VENDOR_ID           0x0666
#define ACD_DEVICE_ID           0x0019
#define ACD_MMIO_SIZE           (64 * KiB)

/* Registers (offsets in BAR0). */
#define ACD_REG_INTR            0x0000
#define ACD_REG_INTR_ENABLE     0x0004
#define ACD_REG_ENABLE          0x0008
#define ACD_REG_CONFIGS_LO      0x000c
#define ACD_REG_CONFIGS_HI      0x0010
#define ACD_REG_FREE            0x008c  /* read */
#define ACD_REG_FEED            0x008c  /* write, 5 words */
#define ACD_REG_FEED_LAST       (ACD_REG_FEED + 4 * (ACD_CMD_WORDS - 1))
#define ACD_REG_FENCE_LAST      0x00a0
#define ACD_REG_FENCE_WAIT      0x00a4

/* Interrupt bits. */
#define ACD_INTR_FENCE_WAIT       0x01
#define ACD_INTR_FEED_ERROR       0x02
#define ACD_INTR_CMD_ERROR        0x04
#define ACD_INTR_MEM_ERROR        0x08
#define ACD_INTR_SLOT_ERROR       0x10
#define ACD_INTR_USER_FENCE_WAIT  0x20

/* The bit left set in INTR by reset (DEVICE.md section 9). */
#define ACD_INTR_STRAY          ACD_INTR_FENCE_WAIT

/* Commands: five words; header bits 0..3 type, bits 4..31 context id. */
#define ACD_CMD_WORDS           5
#define ACD_CMD_BYTES           (ACD_CMD_WORDS * 4)
#define ACD_CMD_TYPE(w0)        ((w0) & 0xf)
#define ACD_CMD_CTX(w0)         ((w0) >> 4)

#define ACD_DEV_CMD_NOP         0x0
#define ACD_DEV_CMD_RUN         0x1
#define ACD_DEV_CMD_BIND_SLOT   0x2
#define ACD_DEV_CMD_FENCE       0x3

#define ACD_USER_CMD_NOP        0x0
#define ACD_USER_CMD_FENCE      0x1
#define ACD_USER_CMD_FILL       0x2

#define ACD_QUEUE_MAX           255

/* Contexts and their config entries in guest memory. */
#define ACD_MAX_CONTEXTS        255
#define ACD_NUM_SLOTS           16
#define ACD_CFG_ENTRY_SIZE      192
#define ACD_CFG_SLOT(n)         (8 * (n))
#define ACD_CFG_FENCE_COUNTER   128
#define ACD_CFG_STATUS          132
#define ACD_STATUS_ERROR        0x01

/* Device paging. */
#define ACD_PAGE_SHIFT          12
#define ACD_PAGE_SIZE           (1u << ACD_PAGE_SHIFT)
#define ACD_PAGE_MASK           (ACD_PAGE_SIZE - 1)
#define ACD_BUFFER_MAX          (4 * MiB)
#define ACD_PTE_PRESENT         0x1
#define ACD_PTE_ADDR(pte)       ((uint64_t)((pte) >> 4) << ACD_PAGE_SHIFT)

typedef struct AcceldevCmd {
    uint32_t w[ACD_CMD_WORDS];
} AcceldevCmd;

struct AcceldevState {
    PCIDevice pdev;
    MemoryRegion mmio;

    QemuThread thread;
    QemuMutex lock;             /* protects everything below */
    QemuCond cond;              /* queue, ENABLE or stopping changed */
    QemuCond idle_cond;         /* the worker finished a command */
    bool executing;             /* the worker is executing a command */
    bool dma_busy;              /* the worker is in a DMA transfer */
    bool wedged;                /* run-time knob "wedged", see the top */
    QEMUBH *irq_bh;
    bool thread_running;
    bool stopping;
    unsigned int generation;    /* incremented by each reset */

    uint32_t intr;
    uint32_t intr_enable;
    uint32_t enable;
    uint64_t configs;
    uint32_t fence_last;
    uint32_t fence_wait;
    uint32_t feed[ACD_CMD_WORDS];

    AcceldevCmd queue[ACD_QUEUE_MAX];
    unsigned int q_head;
    unsigned int q_count;       /* includes the command being executed */

    /* test knobs (run-time QOM properties, see the top) */
    uint32_t cmd_delay_us;      /* also read by the worker without lock */
    uint32_t queue_size;
    bool free_off_by_one;
    uint32_t feed_error_every;
    uint32_t feeds;             /* commands submitted, for feed-error-every */
};

/* Everything the worker needs about the command it executes. */
typedef struct AcceldevJob {
    AcceldevState *s;
    unsigned int generation;
    uint64_t configs;
} AcceldevJob;

/* A one-page code fetch cache, valid for one RUN. */
typedef struct AcceldevCodeReader {
    uint64_t pt;
    int64_t page;               /* virtual page number held, or -1 */
    uint8_t data[ACD_PAGE_SIZE];
} AcceldevCodeReader;

/* ---- Interrupts ---- */

/* Recompute the INTx level. Called with the BQL held. */
static void acceldev_update_irq(AcceldevState *s)
{
    int level;

    qemu_mutex_lock(&s->lock);
    level = (s->intr & s->intr_enable) != 0;
    qemu_mutex_unlock(&s->lock);
    pci_set_irq(&s->pdev, level);
}

static void acceldev_irq_bh(void *opaque)
{
    acceldev_update_irq(opaque);
}

/* Raise INTR bits from the worker (no BQL), unless a reset intervened. */
static void acceldev_job_raise(AcceldevJob *job, uint32_t bits)
{
    AcceldevState *s = job->s;

    qemu_mutex_lock(&s->lock);
    if (s->generation == job->generation) {
        s->intr |= bits;
    }
    qemu_mutex_unlock(&s->lock);
    qemu_bh_schedule(s->irq_bh);
}

/* Raise INTR bits from an MMIO handler (BQL held). */
static void acceldev_raise_locked_bql(AcceldevState *s, uint32_t bits)
{
    qemu_mutex_lock(&s->lock);
    s->intr |= bits;
    qemu_mutex_unlock(&s->lock);
    acceldev_update_irq(s);
}

/* True when the command being executed must be abandoned. */
static bool acceldev_job_aborted(AcceldevJob *job)
{
    return qatomic_read(&job->s->stopping) ||
           qatomic_read(&job->s->generation) != job->generation;
}

/* ---- DMA helpers ---- */

/*
 * Every transfer of the worker goes through here. The abort check and the
 * start of the transfer are one step under the device lock (dma_busy), so
 * once a reset has changed the generation and seen dma_busy clear, the
 * abandoned command can start no further transfer (acceldev_dma_quiesce).
 */
static bool acceldev_dma_rw(AcceldevJob *job, uint64_t addr, void *buf,
                            uint64_t len, DMADirection dir)
{
    AcceldevState *s = job->s;
    MemTxResult res;

    qemu_mutex_lock(&s->lock);
    if (s->stopping || s->generation != job->generation) {
        qemu_mutex_unlock(&s->lock);
        return false;
    }
    s->dma_busy = true;
    qemu_mutex_unlock(&s->lock);

    res = pci_dma_rw(&s->pdev, addr, buf, len, dir, MEMTXATTRS_UNSPECIFIED);

    qemu_mutex_lock(&s->lock);
    s->dma_busy = false;
    qemu_cond_broadcast(&s->idle_cond);
    qemu_mutex_unlock(&s->lock);
    return res == MEMTX_OK;
}

static bool acceldev_dma_read(AcceldevJob *job, uint64_t addr,
                              void *buf, uint64_t len)
{
    return acceldev_dma_rw(job, addr, buf, len, DMA_DIRECTION_TO_DEVICE);
}

static bool acceldev_dma_write(AcceldevJob *job, uint64_t addr,
                               const void *buf, uint64_t len)
{
    return acceldev_dma_rw(job, addr, (void *)buf, len,
                           DMA_DIRECTION_FROM_DEVICE);
}

static bool acceldev_ld8(AcceldevJob *job, uint64_t addr, uint8_t *v)
{
    return acceldev_dma_read(job, addr, v, 1);
}

static bool acceldev_ld32(AcceldevJob *job, uint64_t addr, uint32_t *v)
{
    uint32_t le;

    if (!acceldev_dma_read(job, addr, &le, 4)) {
        return false;
    }
    *v = le32_to_cpu(le);
    return true;
}

static bool acceldev_ld64(AcceldevJob *job, uint64_t addr, uint64_t *v)
{
    uint64_t le;

    if (!acceldev_dma_read(job, addr, &le, 8)) {
        return false;
    }
    *v = le64_to_cpu(le);
    return true;
}

static bool acceldev_st8(AcceldevJob *job, uint64_t addr, uint8_t v)
{
    return acceldev_dma_write(job, addr, &v, 1);
}

static bool acceldev_st32(AcceldevJob *job, uint64_t addr, uint32_t v)
{
    uint32_t le = cpu_to_le32(v);

    return acceldev_dma_write(job, addr, &le, 4);
}

static bool acceldev_st64(AcceldevJob *job, uint64_t addr, uint64_t v)
{
    uint64_t le = cpu_to_le64(v);

    return acceldev_dma_write(job, addr, &le, 8);
}

/*
 * Translate a buffer virtual address through a single-level page table.
 * Returns 0 and sets *pa, or ACD_INTR_MEM_ERROR.
 */
static uint32_t acceldev_translate(AcceldevJob *job, uint64_t pt,
                                   uint64_t va, uint64_t *pa)
{
    uint32_t pte;

    if (va >= ACD_BUFFER_MAX) {
        return ACD_INTR_MEM_ERROR;
    }
    if (!acceldev_ld32(job, pt + 4 * (va >> ACD_PAGE_SHIFT), &pte)) {
        return ACD_INTR_MEM_ERROR;
    }
    if (!(pte & ACD_PTE_PRESENT)) {
        return ACD_INTR_MEM_ERROR;
    }
    *pa = ACD_PTE_ADDR(pte) | (va & ACD_PAGE_MASK);
    return 0;
}

/* Read len bytes of code at virtual address va. Returns 0 or error bits. */
static uint32_t acceldev_code_read(AcceldevJob *job, AcceldevCodeReader *cr,
                                   uint64_t va, void *buf, unsigned len)
{
    uint8_t *out = buf;

    while (len) {
        uint64_t page = va >> ACD_PAGE_SHIFT;
        unsigned in_page = va & ACD_PAGE_MASK;
        unsigned n = MIN(len, ACD_PAGE_SIZE - in_page);

        if (cr->page != page) {
            uint64_t pa;
            uint32_t err = acceldev_translate(job, cr->pt,
                                              page << ACD_PAGE_SHIFT, &pa);

            if (err) {
                return err;
            }
            if (!acceldev_dma_read(job, pa, cr->data, ACD_PAGE_SIZE)) {
                cr->page = -1;
                return ACD_INTR_MEM_ERROR;
            }
            cr->page = page;
        }
        memcpy(out, cr->data + in_page, n);
        out += n;
        va += n;
        len -= n;
    }
    return 0;
}

/* ---- Contexts ---- */

static uint64_t acceldev_ctx_entry(AcceldevJob *job, uint32_t ctx)
{
    return job->configs + (uint64_t)ctx * ACD_CFG_ENTRY_SIZE;
}

/* A per-context error: mark the context's status, then interrupt. */
static void acceldev_ctx_error(AcceldevJob *job, uint64_t entry,
                               uint32_t bits)
{
    uint8_t status;

    if (!acceldev_ld8(job, entry + ACD_CFG_STATUS, &status) ||
        !acceldev_st8(job, entry + ACD_CFG_STATUS,
                      status | ACD_STATUS_ERROR)) {
        bits |= ACD_INTR_MEM_ERROR;
    }
    acceldev_job_raise(job, bits);
}

/*
 * The fence counter of the context a RUN executes for, held "on chip"
 * while user FENCEs follow each other; see acceldev_fence_flush().
 */
typedef struct AcceldevFenceBurst {
    bool loaded;                /* counter read from the entry */
    uint32_t counter;
    uint32_t pending;           /* FENCEs not yet written back */
} AcceldevFenceBurst;

/* Write back at least this often, so waiters see long bursts progress. */
#define ACD_FENCE_BURST_MAX     65536

/*
 * Write the fence counter back and raise USER_FENCE_WAIT once for every
 * FENCE executed since the last write-back. Returns 0 or error bits.
 */
static uint32_t acceldev_fence_flush(AcceldevJob *job, uint64_t entry,
                                     AcceldevFenceBurst *fb)
{

    if (!fb->pending) {
        return 0;
    }
    fb->pending = 0;
    if (!acceldev_st32(job, entry + ACD_CFG_FENCE_COUNTER, fb->counter)) {
        return ACD_INTR_MEM_ERROR;
    }
    acceldev_job_raise(job, ACD_INTR_USER_FENCE_WAIT);
    return 0;
}

/* User FENCE. Returns 0 or error bits. */
static uint32_t acceldev_user_fence(AcceldevJob *job, uint64_t entry,
                                    AcceldevFenceBurst *fb)
{

    if (!fb->loaded) {
        if (!acceldev_ld32(job, entry + ACD_CFG_FENCE_COUNTER,
                           &fb->counter)) {
            return ACD_INTR_MEM_ERROR;
        }
        fb->loaded = true;
    }
    fb->counter++;
    if (++fb->pending >= ACD_FENCE_BURST_MAX) {
        return acceldev_fence_flush(job, entry, fb);
    }
    return 0;
}

/* User FILL. Returns 0 or error bits. */
static uint32_t acceldev_user_fill(AcceldevJob *job, uint64_t entry,
                                   const uint32_t *w)
{
    uint32_t value = w[1], slot = w[2], start = w[3], len = w[4];
    uint32_t pattern[ACD_PAGE_SIZE / 4];
    uint64_t pt, va, end;
    unsigned i;

    if ((start | len) & 3) {
        return ACD_INTR_CMD_ERROR;
    }
    if (slot >= ACD_NUM_SLOTS) {
        return ACD_INTR_SLOT_ERROR;
    }
    if (!acceldev_ld64(job, entry + ACD_CFG_SLOT(slot), &pt)) {
        return ACD_INTR_MEM_ERROR;
    }
    if (!pt) {
        return ACD_INTR_SLOT_ERROR;
    }
    if (!len) {
        return 0;
    }

    for (i = 0; i < ARRAY_SIZE(pattern); i++) {
        pattern[i] = cpu_to_le32(value);
    }

    end = (uint64_t)start + len;
    for (va = start; va < end; ) {
        uint64_t pa;
        unsigned n = MIN(end - va, ACD_PAGE_SIZE - (va & ACD_PAGE_MASK));
        uint32_t err;

        if (acceldev_job_aborted(job)) {
            return 0;
        }
        err = acceldev_translate(job, pt, va, &pa);
        if (err) {
            return err;
        }
        if (!acceldev_dma_write(job, pa, pattern, n)) {
            return ACD_INTR_MEM_ERROR;
        }
        va += n;
    }
    return 0;
}

/* Device RUN: execute the user commands of one code range. */
static void acceldev_run(AcceldevJob *job, const AcceldevCmd *cmd)
{
    uint32_t ctx = ACD_CMD_CTX(cmd->w[0]);
    uint32_t offset = cmd->w[3], len = cmd->w[4];
    uint64_t entry = acceldev_ctx_entry(job, ctx);
    g_autofree AcceldevCodeReader *cr = NULL;
    AcceldevFenceBurst fb = { 0 };
    uint64_t pos, end;
    uint8_t status;

    if (!acceldev_ld8(job, entry + ACD_CFG_STATUS, &status)) {
        acceldev_job_raise(job, ACD_INTR_MEM_ERROR);
        return;
    }
    if (status & ACD_STATUS_ERROR) {
        return;                 /* context in error: RUN skipped */
    }
    if ((offset | len) & 3) {
        acceldev_ctx_error(job, entry, ACD_INTR_CMD_ERROR);
        return;
    }

    cr = g_new(AcceldevCodeReader, 1);
    cr->pt = cmd->w[1] | (uint64_t)cmd->w[2] << 32;
    cr->page = -1;

    end = (uint64_t)offset + len;
    for (pos = offset; pos + ACD_CMD_BYTES <= end; pos += ACD_CMD_BYTES) {
        uint32_t w[ACD_CMD_WORDS];
        uint32_t err;
        unsigned i;

        if (acceldev_job_aborted(job)) {
            return;
        }
        err = acceldev_code_read(job, cr, pos, w, sizeof(w));
        if (!err) {
            for (i = 0; i < ACD_CMD_WORDS; i++) {
                w[i] = le32_to_cpu(w[i]);
            }
            switch (ACD_CMD_TYPE(w[0])) {
            case ACD_USER_CMD_NOP:
                break;
            case ACD_USER_CMD_FENCE:
                err = acceldev_user_fence(job, entry, &fb);
                break;
            case ACD_USER_CMD_FILL:
                err = acceldev_fence_flush(job, entry, &fb);
                if (!err) {
                    err = acceldev_user_fill(job, entry, w);
                }
                break;
            default:
                err = ACD_INTR_CMD_ERROR;
                break;
            }
        }
        if (err) {
            if (!acceldev_job_aborted(job)) {
                /* FENCEs before the error did execute: count them. */
                err |= acceldev_fence_flush(job, entry, &fb);
                acceldev_ctx_error(job, entry, err);
            }
            return;
        }
    }
    if (!acceldev_job_aborted(job) && acceldev_fence_flush(job, entry, &fb)) {
        acceldev_ctx_error(job, entry, ACD_INTR_MEM_ERROR);
    }
}

static void acceldev_bind_slot(AcceldevJob *job, const AcceldevCmd *cmd)
{
    uint32_t ctx = ACD_CMD_CTX(cmd->w[0]);
    uint32_t slot = cmd->w[1];
    uint64_t pt = cmd->w[2] | (uint64_t)cmd->w[3] << 32;

    if (slot >= ACD_NUM_SLOTS) {
        acceldev_job_raise(job, ACD_INTR_CMD_ERROR);
        return;
    }
    if (!acceldev_st64(job, acceldev_ctx_entry(job, ctx) + ACD_CFG_SLOT(slot),
                       pt)) {
        acceldev_job_raise(job, ACD_INTR_MEM_ERROR);
    }
}

static void acceldev_fence(AcceldevJob *job, const AcceldevCmd *cmd)
{
    AcceldevState *s = job->s;

    qemu_mutex_lock(&s->lock);
    if (s->generation == job->generation) {
        s->fence_last = cmd->w[1];
        if (cmd->w[1] == s->fence_wait) {
            s->intr |= ACD_INTR_FENCE_WAIT;
        }
    }
    qemu_mutex_unlock(&s->lock);
    qemu_bh_schedule(s->irq_bh);
}

static void acceldev_execute(AcceldevJob *job, const AcceldevCmd *cmd)
{
    uint32_t type = ACD_CMD_TYPE(cmd->w[0]);

    if ((type == ACD_DEV_CMD_RUN || type == ACD_DEV_CMD_BIND_SLOT) &&
        ACD_CMD_CTX(cmd->w[0]) >= ACD_MAX_CONTEXTS) {
        acceldev_job_raise(job, ACD_INTR_CMD_ERROR);
        return;
    }

    switch (type) {
    case ACD_DEV_CMD_NOP:
        break;
    case ACD_DEV_CMD_RUN:
        acceldev_run(job, cmd);
        break;
    case ACD_DEV_CMD_BIND_SLOT:
        acceldev_bind_slot(job, cmd);
        break;
    case ACD_DEV_CMD_FENCE:
        acceldev_fence(job, cmd);
        break;
    default:
        acceldev_job_raise(job, ACD_INTR_CMD_ERROR);
        break;
    }
}

/* ---- The device's thread ---- */

/*
 * Sleep for the cmd-delay-us knob, re-reading it (a qom-set takes effect
 * at once); returns early on stop or reset.
 */
static void acceldev_delay(AcceldevJob *job)
{
    AcceldevState *s = job->s;
    int64_t start = g_get_monotonic_time();
    int64_t left;

    while (!acceldev_job_aborted(job) &&
           (left = start + qatomic_read(&s->cmd_delay_us) -
                   g_get_monotonic_time()) > 0) {
        g_usleep(MIN(left, 10000));
    }
}

static void *acceldev_thread(void *opaque)
{
    AcceldevState *s = opaque;

    rcu_register_thread();
    qemu_mutex_lock(&s->lock);
    for (;;) {
        AcceldevJob job;
        AcceldevCmd cmd;

        while (!s->stopping && !(s->enable && !s->wedged && s->q_count)) {
            qemu_cond_wait(&s->cond, &s->lock);
        }
        if (s->stopping) {
            break;
        }

        job.s = s;
        job.generation = s->generation;
        if (s->cmd_delay_us) {
            qemu_mutex_unlock(&s->lock);
            acceldev_delay(&job);
            qemu_mutex_lock(&s->lock);
            if (s->stopping || s->generation != job.generation ||
                !s->enable || s->wedged || !s->q_count) {
                continue;       /* re-evaluate from the top */
            }
        }
        cmd = s->queue[s->q_head];
        job.configs = s->configs;
        s->executing = true;
        qemu_mutex_unlock(&s->lock);

        acceldev_execute(&job, &cmd);

        qemu_mutex_lock(&s->lock);
        s->executing = false;
        qemu_cond_broadcast(&s->idle_cond);
        if (s->generation == job.generation) {
            /* Completed: now, and only now, free its entry. */
            s->q_head = (s->q_head + 1) % ACD_QUEUE_MAX;
            s->q_count--;
        }
    }
    qemu_mutex_unlock(&s->lock);
    rcu_unregister_thread();
    return NULL;
}

/* ---- MMIO ---- */

static bool acceldev_access_ok(hwaddr addr, unsigned size)
{
    return size == 4 && !(addr & 3);
}

static uint64_t acceldev_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    AcceldevState *s = opaque;
    uint64_t val;
    bool ok = true;

    if (!acceldev_access_ok(addr, size)) {
        ok = false;
    } else {
        qemu_mutex_lock(&s->lock);
        switch (addr) {
        case ACD_REG_INTR:
            val = s->intr;
            break;
        case ACD_REG_INTR_ENABLE:
            val = s->intr_enable;
            break;
        case ACD_REG_ENABLE:
            val = s->enable;
            break;
        case ACD_REG_CONFIGS_LO:
            val = (uint32_t)s->configs;
            break;
        case ACD_REG_CONFIGS_HI:
            val = s->configs >> 32;
            break;
        case ACD_REG_FREE:
            val = s->queue_size - s->q_count + (s->free_off_by_one ? 1 : 0);
            break;
        case ACD_REG_FENCE_LAST:
            val = s->fence_last;
            break;
        case ACD_REG_FENCE_WAIT:
            val = s->fence_wait;
            break;
        default:
            ok = false;
            break;
        }
        qemu_mutex_unlock(&s->lock);
    }

    if (!ok) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "acceldev: invalid read of size %u at 0x%" HWADDR_PRIx
                      "\n", size, addr);
        acceldev_raise_locked_bql(s, ACD_INTR_MEM_ERROR);
        return MAKE_64BIT_MASK(0, size * 8);
    }
    return val;
}

/* Called with s->lock held. Returns false if the queue was full. */
static bool acceldev_submit(AcceldevState *s)
{
    unsigned int tail;

    if (s->q_count >= s->queue_size) {
        return false;
    }
    tail = (s->q_head + s->q_count) % ACD_QUEUE_MAX;
    memcpy(s->queue[tail].w, s->feed, sizeof(s->feed));
    s->q_count++;
    qemu_cond_broadcast(&s->cond);
    return true;
}

static void acceldev_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    AcceldevState *s = opaque;
    uint32_t raise = 0;
    bool irq_changed = false;

    if (!acceldev_access_ok(addr, size)) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "acceldev: invalid write of size %u at 0x%" HWADDR_PRIx
                      "\n", size, addr);
        acceldev_raise_locked_bql(s, ACD_INTR_MEM_ERROR);
        return;
    }

    qemu_mutex_lock(&s->lock);
    switch (addr) {
    case ACD_REG_INTR:
        s->intr &= ~(uint32_t)val;
        irq_changed = true;
        break;
    case ACD_REG_INTR_ENABLE:
        s->intr_enable = val;
        irq_changed = true;
        break;
    case ACD_REG_ENABLE:
        s->enable = val;
        qemu_cond_broadcast(&s->cond);
        break;
    case ACD_REG_CONFIGS_LO:
        s->configs = deposit64(s->configs, 0, 32, val);
        break;
    case ACD_REG_CONFIGS_HI:
        s->configs = deposit64(s->configs, 32, 32, val);
        break;
    case ACD_REG_FEED ... ACD_REG_FEED_LAST:
        s->feed[(addr - ACD_REG_FEED) / 4] = val;
        if (addr == ACD_REG_FEED_LAST) {
            s->feeds++;
            if ((s->feed_error_every &&
                 s->feeds % s->feed_error_every == 0) ||
                !acceldev_submit(s)) {
                raise = ACD_INTR_FEED_ERROR;
            }
        }
        break;
    case ACD_REG_FENCE_LAST:
        s->fence_last = val;
        break;
    case ACD_REG_FENCE_WAIT:
        s->fence_wait = val;
        break;
    default:
        raise = ACD_INTR_MEM_ERROR;
        break;
    }
    qemu_mutex_unlock(&s->lock);

    if (raise == ACD_INTR_MEM_ERROR) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "acceldev: write to undocumented offset 0x%"
                      HWADDR_PRIx "\n", addr);
    }
    if (raise) {
        acceldev_raise_locked_bql(s, raise);
    } else if (irq_changed) {
        acceldev_update_irq(s);
    }
}

static const MemoryRegionOps acceldev_mmio_ops = {
    .read = acceldev_mmio_read,
    .write = acceldev_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* Let every access reach the handlers, which reject the bad ones. */
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

/* ---- Life cycle ---- */

/*
 * Power-on register state: empty queue, everything zero but one stray
 * INTR bit. Caller holds s->lock, or the device thread does not exist yet.
 */
static void acceldev_power_on_state(AcceldevState *s)
{
    s->q_head = 0;
    s->q_count = 0;
    s->intr = ACD_INTR_STRAY;
    s->intr_enable = 0;
    s->enable = 0;
    s->configs = 0;
    s->fence_last = 0;
    s->fence_wait = 0;
    s->feeds = 0;
    memset(s->feed, 0, sizeof(s->feed));
}

/* Longest a reset waits for a transfer in flight (see below). */
#define ACD_RESET_DMA_WAIT_MS   1000

/*
 * Abandon the command being executed, if any, and return once it can
 * reach memory no more: its transfer in flight, if one, has ended and it
 * starts no other (acceldev_dma_rw). Caller holds s->lock and has changed
 * s->generation. The wait is bounded in case the transfer waits for the
 * BQL (DMA aimed at MMIO) held by our caller.
 */
static void acceldev_dma_quiesce(AcceldevState *s)
{
    int64_t deadline = g_get_monotonic_time() + ACD_RESET_DMA_WAIT_MS * 1000;

    while (s->dma_busy && g_get_monotonic_time() < deadline) {
        qemu_cond_timedwait(&s->idle_cond, &s->lock, 10);
    }
    if (s->dma_busy) {
        qemu_log_mask(LOG_GUEST_ERROR, "acceldev: a reset found a DMA "
                      "transfer still in flight after %d ms\n",
                      ACD_RESET_DMA_WAIT_MS);
    }
}

/*
 * Every reset: system reset, bus reset (e.g. a root port's secondary bus
 * reset), FLR, and the D3hot -> D0 transition (acceldev_write_config).
 * Queue, registers and the command in flight are lost; host memory is not
 * touched, and once this returns the abandoned command masters no cycle.
 */
static void acceldev_reset_state(AcceldevState *s)
{
    qemu_mutex_lock(&s->lock);
    qatomic_set(&s->generation, s->generation + 1);
    acceldev_power_on_state(s);
    qemu_cond_broadcast(&s->cond);
    acceldev_dma_quiesce(s);
    qemu_mutex_unlock(&s->lock);
    acceldev_update_irq(s);
}

static void acceldev_reset(DeviceState *dev)
{
    PCIDevice *pdev = PCI_DEVICE(dev);

    acceldev_reset_state(ACCELDEV(dev));
    if (pci_is_express(pdev)) {
        pcie_cap_deverr_reset(pdev);
    }
}

/* The run-time knob "wedged" (qom-set): see the comment at the top. */
static bool acceldev_get_wedged(Object *obj, Error **errp)
{
    AcceldevState *s = ACCELDEV(obj);
    bool v;

    if (!DEVICE(obj)->realized) {
        return s->wedged;       /* no worker, no lock yet */
    }
    qemu_mutex_lock(&s->lock);
    v = s->wedged;
    qemu_mutex_unlock(&s->lock);
    return v;
}

static void acceldev_set_wedged(Object *obj, bool value, Error **errp)
{
    AcceldevState *s = ACCELDEV(obj);

    if (!DEVICE(obj)->realized) {
        s->wedged = value;      /* -device acceldev,wedged=on */
        return;
    }
    qemu_mutex_lock(&s->lock);
    s->wedged = value;
    qemu_cond_broadcast(&s->cond);
    qemu_mutex_unlock(&s->lock);
}

/* The other run-time knobs (see the comment at the top). */
typedef struct AcceldevKnob {
    const char *name;
    size_t offset;              /* of a uint32_t or bool in AcceldevState */
    bool is_bool;
    uint32_t min, max;
    bool stopped_only;          /* changes only when stopped and empty */
    bool restarts_count;        /* a qom-set restarts feed counting */
    const char *desc;
} AcceldevKnob;

static const AcceldevKnob acceldev_knobs[] = {
    { "cmd-delay-us", offsetof(AcceldevState, cmd_delay_us), false,
      0, UINT32_MAX, false, false,
      "microseconds each device command waits before it executes" },
    { "queue-size", offsetof(AcceldevState, queue_size), false,
      1, ACD_QUEUE_MAX, true, false,
      "command queue capacity, 1..255 (changes only while stopped, empty)" },
    { "free-off-by-one", offsetof(AcceldevState, free_off_by_one), true,
      0, 1, true, false,
      "CMD_MANUAL_FREE over-reports by one (changes only while stopped)" },
    { "feed-error-every", offsetof(AcceldevState, feed_error_every), false,
      0, UINT32_MAX, false, true,
      "drop every Nth command fed with FEED_ERROR (0: never)" },
};

static uint32_t acceldev_knob_load(AcceldevState *s, const AcceldevKnob *k)
{
    void *p = (char *)s + k->offset;

    return k->is_bool ? *(bool *)p : qatomic_read((uint32_t *)p);
}

static void acceldev_knob_store(AcceldevState *s, const AcceldevKnob *k,
                                uint32_t value)
{
    void *p = (char *)s + k->offset;

    if (k->is_bool) {
        *(bool *)p = value;
    } else {
        qatomic_set((uint32_t *)p, value);
    }
}

static void acceldev_get_knob(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    AcceldevState *s = ACCELDEV(obj);
    const AcceldevKnob *k = opaque;
    bool realized = DEVICE(obj)->realized;  /* else no lock yet */
    uint32_t value;
    bool b;

    if (realized) {
        qemu_mutex_lock(&s->lock);
    }
    value = acceldev_knob_load(s, k);
    if (realized) {
        qemu_mutex_unlock(&s->lock);
    }
    if (k->is_bool) {
        b = value;
        visit_type_bool(v, name, &b, errp);
    } else {
        visit_type_uint32(v, name, &value, errp);
    }
}

static void acceldev_set_knob(Object *obj, Visitor *v, const char *name,
                              void *opaque, Error **errp)
{
    AcceldevState *s = ACCELDEV(obj);
    const AcceldevKnob *k = opaque;
    uint32_t value;
    bool b;

    if (k->is_bool) {
        if (!visit_type_bool(v, name, &b, errp)) {
            return;
        }
        value = b;
    } else if (!visit_type_uint32(v, name, &value, errp)) {
        return;
    }
    if (value < k->min || value > k->max) {
        error_setg(errp, "acceldev: %s must be %" PRIu32 "..%" PRIu32
                   ", not %" PRIu32, k->name, k->min, k->max, value);
        return;
    }
    if (!DEVICE(obj)->realized) {
        acceldev_knob_store(s, k, value);   /* -device acceldev,NAME=V */
        return;
    }
    qemu_mutex_lock(&s->lock);
    if (k->stopped_only && (s->enable || s->q_count)) {
        qemu_mutex_unlock(&s->lock);
        error_setg(errp, "acceldev: %s can only change while the device is "
                   "stopped (ENABLE = 0) with an empty queue", k->name);
        return;
    }
    acceldev_knob_store(s, k, value);
    if (k->restarts_count) {
        s->feeds = 0;
    }
    qemu_cond_broadcast(&s->cond);
    qemu_mutex_unlock(&s->lock);
}

/*
 * Read-only state for the host (qom-get), e.g. once the guest has powered
 * off: "state-enable" (the ENABLE register), "state-queued" (commands in
 * the queue, the one executing included), "state-executing" (a command is
 * being executed) and "state-bus-master" (Bus Master Enable in the PCI
 * command register). Reading them changes nothing.
 */
/* A uint32 of AcceldevState at offset @opaque, read under the lock. */
static void acceldev_get_state_u32(Object *obj, Visitor *v, const char *name,
                                   void *opaque, Error **errp)
{
    AcceldevState *s = ACCELDEV(obj);
    const void *field = (const char *)s + (uintptr_t)opaque;
    uint32_t value = 0;

    if (DEVICE(obj)->realized) {
        qemu_mutex_lock(&s->lock);
        value = *(const uint32_t *)field;  /* uint32_t, unsigned int */
        qemu_mutex_unlock(&s->lock);
    }
    visit_type_uint32(v, name, &value, errp);
}

static bool acceldev_get_state_executing(Object *obj, Error **errp)
{
    AcceldevState *s = ACCELDEV(obj);
    bool v;

    if (!DEVICE(obj)->realized) {
        return false;
    }
    qemu_mutex_lock(&s->lock);
    v = s->executing;
    qemu_mutex_unlock(&s->lock);
    return v;
}

/* Config space belongs to the BQL, which qom-get holds. */
static bool acceldev_get_state_bus_master(Object *obj, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(obj);

    return DEVICE(obj)->realized &&
           (pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER);
}

static void acceldev_add_state_props(Object *obj)
{
    object_property_add(obj, "state-enable", "uint32",
                        acceldev_get_state_u32, NULL, NULL,
                        (void *)offsetof(AcceldevState, enable));
    object_property_set_description(obj, "state-enable",
                                    "the ENABLE register (read-only)");
    object_property_add(obj, "state-queued", "uint32",
                        acceldev_get_state_u32, NULL, NULL,
                        (void *)offsetof(AcceldevState, q_count));
    object_property_set_description(obj, "state-queued",
                                    "commands in the queue, the one "
                                    "executing included (read-only)");
    object_property_add_bool(obj, "state-executing",
                             acceldev_get_state_executing, NULL);
    object_property_set_description(obj, "state-executing",
                                    "a command is being executed "
                                    "(read-only)");
    object_property_add_bool(obj, "state-bus-master",
                             acceldev_get_state_bus_master, NULL);
    object_property_set_description(obj, "state-bus-master",
                                    "Bus Master Enable in the PCI command "
                                    "register (read-only)");
}

static void acceldev_instance_init(Object *obj)
{
    AcceldevState *s = ACCELDEV(obj);
    int i;

    object_property_add_bool(obj, "wedged", acceldev_get_wedged,
                             acceldev_set_wedged);
    object_property_set_description(obj, "wedged",
                                    "start no command, as if hung");
    s->queue_size = ACD_QUEUE_MAX;
    /*
     * A hybrid device: PCIe capable, which needs the 4 KiB config space
     * allocated before realize; realize turns this off on a conventional
     * bus.
     */
    PCI_DEVICE(obj)->cap_present |= QEMU_PCI_CAP_EXPRESS;
    for (i = 0; i < ARRAY_SIZE(acceldev_knobs); i++) {
        const AcceldevKnob *k = &acceldev_knobs[i];

        object_property_add(obj, k->name, k->is_bool ? "bool" : "uint32",
                            acceldev_get_knob, acceldev_set_knob, NULL,
                            (void *)k);
        object_property_set_description(obj, k->name, k->desc);
    }
    acceldev_add_state_props(obj);
}

/* Longest a config write waits for the command in flight (see above). */
#define ACD_MASTER_OFF_WAIT_MS  5000

/* Config-space layout: PM, then on PCIe the PCIe and AER capabilities. */
#define ACD_PM_CAP_OFFSET       0x40
#define ACD_EXP_CAP_OFFSET      0x50
#define ACD_AER_OFFSET          PCI_CONFIG_SPACE_SIZE

#define ACD_PM_D0               0
#define ACD_PM_D3HOT            3

static unsigned int acceldev_pm_state(PCIDevice *pdev)
{
    return pci_get_word(pdev->config + pdev->pm_cap + PCI_PM_CTRL) &
           PCI_PM_CTRL_STATE_MASK;
}

/*
 * Stop in D3hot: the command being executed is abandoned and nothing is
 * started, so the function masters no cycle there. Its BAR is unmapped by
 * the PCI core, so nothing of this can be seen before D0, which resets.
 */
static void acceldev_enter_d3hot(AcceldevState *s)
{
    acceldev_reset_state(s);
}

/*
 * Clearing Bus Master Enable: once the write completes, the device
 * reaches no memory. Transfers fail from the moment the bus-master
 * address space is disabled, so only the command being executed can still
 * be in the middle of one: wait until the worker is done with it (its
 * next transfer fails, so a RUN ends at once).
 */
static void acceldev_master_off(AcceldevState *s)
{
    int64_t deadline = g_get_monotonic_time() + ACD_MASTER_OFF_WAIT_MS * 1000;

    qemu_mutex_lock(&s->lock);
    while (s->executing &&
           g_get_monotonic_time() < deadline) {
        qemu_cond_timedwait(&s->idle_cond, &s->lock, 100);
    }
    if (s->executing) {
        qemu_log_mask(LOG_GUEST_ERROR, "acceldev: bus mastering cleared "
                      "while a command was still executing after %d ms\n",
                      ACD_MASTER_OFF_WAIT_MS);
    }
    qemu_mutex_unlock(&s->lock);
}

/*
 * Config writes: the PCI core updates PMCSR (and unmaps the BAR outside
 * D0); D3hot -> D0 with No_Soft_Reset clear then resets the function here,
 * config space included, as pci_device_reset() does for FLR, which
 * pcie_cap_flr_write_config() handles on PCIe.
 */
static void acceldev_write_config(PCIDevice *pdev, uint32_t addr,
                                  uint32_t val, int len)
{
    AcceldevState *s = ACCELDEV(pdev);
    bool was_master = pci_get_word(pdev->config + PCI_COMMAND) &
                      PCI_COMMAND_MASTER;
    unsigned int old_pm = acceldev_pm_state(pdev), new_pm;

    pci_default_write_config(pdev, addr, val, len);
    if (pci_is_express(pdev)) {
        if (ranges_overlap(addr, len, pdev->exp.aer_cap, PCI_ERR_SIZEOF)) {
            pcie_aer_write_config(pdev, addr, val, len);
        }
        pcie_cap_flr_write_config(pdev, addr, val, len);
    }

    new_pm = acceldev_pm_state(pdev);
    if (old_pm == ACD_PM_D3HOT && new_pm == ACD_PM_D0 &&
        !(pci_get_word(pdev->config + pdev->pm_cap + PCI_PM_CTRL) &
          PCI_PM_CTRL_NO_SOFT_RESET)) {
        pci_device_reset(pdev);
        return;
    }
    if (old_pm != ACD_PM_D3HOT && new_pm == ACD_PM_D3HOT) {
        acceldev_enter_d3hot(s);
    }
    if (was_master &&
        !(pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        acceldev_master_off(s);
    }
}

/* Power management: D0 and D3hot, No_Soft_Reset clear. */
static bool acceldev_pm_init(PCIDevice *pdev, Error **errp)
{
    if (pci_pm_init(pdev, ACD_PM_CAP_OFFSET, errp) < 0) {
        return false;
    }
    pci_set_word(pdev->config + pdev->pm_cap + PCI_PM_PMC,
                 PCI_PM_CAP_VER_1_2);
    pci_set_word(pdev->config + pdev->pm_cap + PCI_PM_CTRL, 0);
    pci_set_word(pdev->wmask + pdev->pm_cap + PCI_PM_CTRL,
                 PCI_PM_CTRL_STATE_MASK);
    return true;
}

/*
 * Behind a PCIe port (not on a root bus, as virtio-pci decides) the
 * function is a PCIe endpoint with FLR and AER; elsewhere, including the
 * q35 root bus, it stays a conventional PCI function.
 */
static bool acceldev_on_pcie_port(PCIDevice *pdev)
{
    PCIBus *bus = pci_get_bus(pdev);

    return pci_bus_is_express(bus) && !pci_bus_is_root(bus);
}

static bool acceldev_pcie_init(PCIDevice *pdev, Error **errp)
{
    if (pcie_endpoint_cap_init(pdev, ACD_EXP_CAP_OFFSET) < 0) {
        error_setg(errp, "acceldev: cannot add the PCI Express capability");
        return false;
    }
    pcie_cap_deverr_init(pdev);
    pcie_cap_flr_init(pdev);
    if (pcie_aer_init(pdev, PCI_ERR_VER, ACD_AER_OFFSET, PCI_ERR_SIZEOF,
                      errp) < 0) {
        pcie_cap_exit(pdev);
        return false;
    }
    return true;
}

static void acceldev_realize(PCIDevice *pdev, Error **errp)
{
    AcceldevState *s = ACCELDEV(pdev);

    pci_config_set_interrupt_pin(pdev->config, 1);

    if (!acceldev_on_pcie_port(pdev)) {
        /* Conventional: pci_is_express() false, 256-byte config space. */
        pdev->cap_present &= ~QEMU_PCI_CAP_EXPRESS;
    }
    if (!acceldev_pm_init(pdev, errp)) {
        return;
    }
    if (pci_is_express(pdev) && !acceldev_pcie_init(pdev, errp)) {
        return;
    }

    memory_region_init_io(&s->mmio, OBJECT(s), &acceldev_mmio_ops, s,
                          "acceldev-mmio", ACD_MMIO_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);

    qemu_mutex_init(&s->lock);
    qemu_cond_init(&s->cond);
    qemu_cond_init(&s->idle_cond);
    s->executing = false;
    s->dma_busy = false;
    s->irq_bh = qemu_bh_new_guarded(acceldev_irq_bh, s,
                                    &DEVICE(s)->mem_reentrancy_guard);

    s->generation = 0;
    s->stopping = false;
    acceldev_power_on_state(s);

    qemu_thread_create(&s->thread, "acceldev", acceldev_thread, s,
                       QEMU_THREAD_JOINABLE);
    s->thread_running = true;
}

static void acceldev_exit(PCIDevice *pdev)
{
    AcceldevState *s = ACCELDEV(pdev);

    if (s->thread_running) {
        qemu_mutex_lock(&s->lock);
        qatomic_set(&s->stopping, true);
        qemu_cond_broadcast(&s->cond);
        qemu_mutex_unlock(&s->lock);
        qemu_thread_join(&s->thread);
        s->thread_running = false;
    }
    qemu_bh_delete(s->irq_bh);
    s->irq_bh = NULL;
    qemu_cond_destroy(&s->cond);
    qemu_cond_destroy(&s->idle_cond);
    qemu_mutex_destroy(&s->lock);
    if (pci_is_express(pdev)) {
        pcie_aer_exit(pdev);
        pcie_cap_exit(pdev);
    }
}

static const VMStateDescription acceldev_vmstate = {
    .name = TYPE_ACCELDEV,
    .unmigratable = 1,
};

static void acceldev_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = acceldev_realize;
    k->exit = acceldev_exit;
    k->config_write = acceldev_write_config;
    k->vendor_id = ACD_VENDOR_ID;
    k->device_id = ACD_DEVICE_ID;
    k->revision = 0;
    k->class_id = PCI_CLASS_OTHERS;
    dc->desc = "Acceldev ML accelerator";
    dc->vmsd = &acceldev_vmstate;
    dc->hotpluggable = true;
    device_class_set_legacy_reset(dc, acceldev_reset);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo acceldev_info = {
    .name = TYPE_ACCELDEV,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(AcceldevState),
    .instance_init = acceldev_instance_init,
    .class_init = acceldev_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { },
    },
};

static void acceldev_register_types(void)
{
    type_register_static(&acceldev_info);
}

type_init(acceldev_register_types)
