/*
 * QTest testcases for the Acceldev PCI accelerator model
 *
 * Copyright (c) 2025 The Acceldev project authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Independent of any driver: each case boots a pc machine (most pcie/
 * cases: q35, the device behind a PCIe root port) with one (or two)
 * acceldev devices, builds page tables, context configs and user
 * commands in guest memory with the qtest protocol, feeds device commands
 * through BAR0 and checks memory, registers and the INTx line. The device
 * executes commands on its own thread, so every wait is a bounded poll.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "libqos/libqos-pc.h"
#include "libqos/pci.h"
#include "hw/pci/pci_regs.h"
#include "qobject/qbool.h"
#include "qobject/qdict.h"
#include "qobject/qnum.h"

/* Constants of the hardware reference (DEVICE.md), defined here again. */
#define VENDOR_ID           0x0666
#define DEVICE_ID           0x0019
#define BAR_SIZE            0x10000

#define R_INTR              0x00
#define R_INTR_ENABLE       0x04
#define R_ENABLE            0x08
#define R_CONFIGS_LO        0x0c
#define R_CONFIGS_HI        0x10
#define R_FREE              0x8c
#define R_FEED              0x8c
#define R_FENCE_LAST        0xa0
#define R_FENCE_WAIT        0xa4

#define I_FENCE_WAIT        0x01
#define I_FEED_ERROR        0x02
#define I_CMD_ERROR         0x04
#define I_MEM_ERROR         0x08
#define I_SLOT_ERROR        0x10
#define I_USER_FENCE_WAIT   0x20
#define I_ALL               0x3f

#define D_NOP               0x0
#define D_RUN               0x1
#define D_BIND_SLOT         0x2
#define D_FENCE             0x3

#define U_NOP               0x0
#define U_FENCE             0x1
#define U_FILL              0x2

#define CMD_BYTES           20
#define QUEUE_SIZE          255
#define MAX_CONTEXTS        255
#define NUM_SLOTS           16
#define CFG_SIZE            192
#define CFG_FENCE           128
#define CFG_STATUS          132
#define PAGE                4096
#define BUF_MAX             0x400000

/* PIIX3 PIRQ routing: every PIRQ goes to ISA IRQ 11 (I/O APIC pin 11). */
#define PIIX_DEVFN          QPCI_DEVFN(1, 0)
#define PIIX_PIRQC          0x60
#define TEST_IRQ            11

#define POLL_US             1000
#define POLL_MAX            10000       /* 10 s at least */

typedef struct Acd {
    QOSState *qs;
    QTestState *qts;
    QPCIDevice *dev;
    QPCIBar bar;
    uint64_t cfg;               /* context-config array */
} Acd;

/* A paged buffer: page table plus its pages (contiguous here). */
typedef struct Buf {
    uint64_t pt;
    uint64_t data;
    unsigned pages;
} Buf;

/* ---- Machine set-up ---- */

static void save_dev(QPCIDevice *dev, int devfn, void *data)
{
    QPCIDevice **found = data;

    if (!*found) {
        *found = dev;
    } else {
        g_free(dev);
    }
}

static QPCIDevice *find_acceldev(QPCIBus *bus, int skip_devfn)
{
    int devfn;

    for (devfn = 0; devfn < 32 * 8; devfn += 8) {
        QPCIDevice *dev;

        if (devfn == skip_devfn) {
            continue;
        }
        dev = qpci_device_find(bus, devfn);
        if (!dev) {
            continue;
        }
        if (qpci_config_readw(dev, PCI_VENDOR_ID) == VENDOR_ID &&
            qpci_config_readw(dev, PCI_DEVICE_ID) == DEVICE_ID) {
            return dev;
        }
        g_free(dev);
    }
    return NULL;
}

static void route_intx(Acd *a)
{
    QPCIDevice *isa = qpci_device_find(a->qs->pcibus, PIIX_DEVFN);
    int i;

    g_assert(isa);
    for (i = 0; i < 4; i++) {
        qpci_config_writeb(isa, PIIX_PIRQC + i, TEST_IRQ);
    }
    g_free(isa);
    qtest_irq_intercept_in(a->qts, "ioapic");
}

static void map_device(Acd *a)
{
    uint64_t size;

    qpci_device_enable(a->dev);
    a->bar = qpci_iomap(a->dev, 0, &size);
    g_assert_cmphex(size, ==, BAR_SIZE);
}

static Acd *acd_boot(const char *props)
{
    Acd *a = g_new0(Acd, 1);
    QPCIDevice *dev = NULL;

    a->qs = qtest_pc_boot("-machine pc -m 256 -nodefaults "
                          "-device acceldev,id=acc0%s", props);
    a->qts = a->qs->qts;
    qpci_device_foreach(a->qs->pcibus, VENDOR_ID, DEVICE_ID, save_dev, &dev);
    g_assert(dev);
    a->dev = dev;
    map_device(a);
    route_intx(a);

    a->cfg = guest_alloc(&a->qs->alloc, MAX_CONTEXTS * CFG_SIZE);
    qtest_memset(a->qts, a->cfg, 0, MAX_CONTEXTS * CFG_SIZE);
    return a;
}

static void acd_free(Acd *a)
{
    g_free(a->dev);
    qtest_shutdown(a->qs);
    g_free(a);
}

/* ---- Registers ---- */

static uint32_t rd(Acd *a, uint32_t off)
{
    return qpci_io_readl(a->dev, a->bar, off);
}

static void wr(Acd *a, uint32_t off, uint32_t val)
{
    qpci_io_writel(a->dev, a->bar, off, val);
}

static void feed(Acd *a, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3,
                 uint32_t w4)
{
    wr(a, R_FEED + 0, w0);
    wr(a, R_FEED + 4, w1);
    wr(a, R_FEED + 8, w2);
    wr(a, R_FEED + 12, w3);
    wr(a, R_FEED + 16, w4);
}

/* The start-up sequence of DEVICE.md section 7. */
static void acd_start(Acd *a)
{
    wr(a, R_INTR, 0xffffffff);
    wr(a, R_INTR_ENABLE, I_ALL);
    wr(a, R_CONFIGS_LO, (uint32_t)a->cfg);
    wr(a, R_CONFIGS_HI, a->cfg >> 32);
    wr(a, R_ENABLE, 1);
    wr(a, R_FENCE_LAST, 0);
    wr(a, R_FENCE_WAIT, 0);
}

static Acd *acd_boot_started(const char *props)
{
    Acd *a = acd_boot(props);

    acd_start(a);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    return a;
}

static bool irq_level(Acd *a)
{
    return qtest_get_irq(a->qts, TEST_IRQ);
}

static void wait_irq(Acd *a, bool level)
{
    int i;

    for (i = 0; i < POLL_MAX && irq_level(a) != level; i++) {
        g_usleep(POLL_US);
    }
    g_assert_cmpint(irq_level(a), ==, level);
}

static void wait_reg(Acd *a, uint32_t off, uint32_t val)
{
    int i;

    for (i = 0; i < POLL_MAX && rd(a, off) != val; i++) {
        g_usleep(POLL_US);
    }
    g_assert_cmphex(rd(a, off), ==, val);
}

/* Wait until INTR has all of @bits. */
static void wait_intr(Acd *a, uint32_t bits)
{
    int i;

    for (i = 0; i < POLL_MAX && (rd(a, R_INTR) & bits) != bits; i++) {
        g_usleep(POLL_US);
    }
    g_assert_cmphex(rd(a, R_INTR) & bits, ==, bits);
}

/* Device FENCE with @val, and wait until the device has passed it. */
static void sync_fence(Acd *a, uint32_t val)
{
    feed(a, D_FENCE, val, 0, 0, 0);
    wait_reg(a, R_FENCE_LAST, val);
}

static void sync_dev(Acd *a)
{
    static uint32_t seq = 0x1000;

    sync_fence(a, ++seq);
}

/* ---- Guest memory ---- */

static uint64_t galloc(Acd *a, size_t size)
{
    uint64_t addr = guest_alloc(&a->qs->alloc, size);

    g_assert_cmphex(addr & (PAGE - 1), ==, 0);
    return addr;
}

static uint32_t pte(uint64_t pa)
{
    return (uint32_t)((pa >> 12) << 4) | 1;
}

/* A buffer of @pages present pages (the rest of the table non-present). */
static Buf buf_new(Acd *a, unsigned pages, uint8_t fill)
{
    Buf b = { .pages = pages };
    g_autofree uint32_t *table = g_new0(uint32_t, 1024);
    unsigned i;

    b.pt = galloc(a, PAGE);
    b.data = galloc(a, (size_t)pages * PAGE);
    qtest_memset(a->qts, b.data, fill, (size_t)pages * PAGE);
    for (i = 0; i < pages; i++) {
        table[i] = cpu_to_le32(pte(b.data + (uint64_t)i * PAGE));
    }
    qtest_memwrite(a->qts, b.pt, table, PAGE);
    return b;
}

/* A 4 MiB buffer whose 1024 entries all map the same physical page. */
static Buf buf_alias_4m(Acd *a, uint8_t fill)
{
    Buf b = { .pages = 1 };
    g_autofree uint32_t *table = g_new0(uint32_t, 1024);
    unsigned i;

    b.pt = galloc(a, PAGE);
    b.data = galloc(a, PAGE);
    qtest_memset(a->qts, b.data, fill, PAGE);
    for (i = 0; i < 1024; i++) {
        table[i] = cpu_to_le32(pte(b.data));
    }
    qtest_memwrite(a->qts, b.pt, table, PAGE);
    return b;
}

/* Physical address of byte @off of a contiguous buffer. */
static uint64_t buf_pa(Buf *b, uint64_t off)
{
    return b->data + off;
}

/* Write a user command at byte @off of a code buffer. */
static void ucmd(Acd *a, Buf *code, uint64_t off, uint32_t w0, uint32_t w1,
                 uint32_t w2, uint32_t w3, uint32_t w4)
{
    uint32_t w[5] = {
        cpu_to_le32(w0), cpu_to_le32(w1), cpu_to_le32(w2),
        cpu_to_le32(w3), cpu_to_le32(w4),
    };
    uint64_t i;

    /* Byte by byte through the buffer's (contiguous) pages. */
    for (i = 0; i < sizeof(w); i++) {
        qtest_writeb(a->qts, buf_pa(code, off + i), ((uint8_t *)w)[i]);
    }
}

static uint64_t cfg_entry(Acd *a, unsigned ctx)
{
    return a->cfg + (uint64_t)ctx * CFG_SIZE;
}

static void set_slot(Acd *a, unsigned ctx, unsigned slot, uint64_t pt)
{
    qtest_writeq(a->qts, cfg_entry(a, ctx) + 8 * slot, pt);
}

static uint64_t get_slot(Acd *a, unsigned ctx, unsigned slot)
{
    return qtest_readq(a->qts, cfg_entry(a, ctx) + 8 * slot);
}

static uint32_t fence_counter(Acd *a, unsigned ctx)
{
    return qtest_readl(a->qts, cfg_entry(a, ctx) + CFG_FENCE);
}

static uint8_t ctx_status(Acd *a, unsigned ctx)
{
    return qtest_readb(a->qts, cfg_entry(a, ctx) + CFG_STATUS);
}

static void run(Acd *a, unsigned ctx, Buf *code, uint32_t off, uint32_t len)
{
    feed(a, D_RUN | ctx << 4, (uint32_t)code->pt, code->pt >> 32, off, len);
}

/* RUN and wait for it to complete (device FENCE after it). */
static void run_sync(Acd *a, unsigned ctx, Buf *code, uint32_t off,
                     uint32_t len)
{
    run(a, ctx, code, off, len);
    sync_dev(a);
}

/* No context in the array has its status set. */
static void assert_no_status(Acd *a)
{
    unsigned ctx;

    for (ctx = 0; ctx < MAX_CONTEXTS; ctx++) {
        g_assert_cmpint(ctx_status(a, ctx), ==, 0);
    }
}

/* Check bytes [off, off+len) of physical memory all equal @byte. */
static void assert_bytes(Acd *a, uint64_t addr, size_t len, uint8_t byte)
{
    g_autofree uint8_t *buf = g_malloc(len);
    size_t i;

    qtest_bufread(a->qts, addr, buf, len);
    for (i = 0; i < len; i++) {
        if (buf[i] != byte) {
            g_error("byte at 0x%" PRIx64 " is 0x%02x, expected 0x%02x",
                    addr + i, buf[i], byte);
        }
    }
}

/* Check the 32-bit words in [addr, addr+len) all equal @val. */
static void assert_words(Acd *a, uint64_t addr, size_t len, uint32_t val)
{
    g_autofree uint32_t *buf = g_malloc(len);
    size_t i;

    qtest_bufread(a->qts, addr, buf, len);
    for (i = 0; i < len / 4; i++) {
        if (le32_to_cpu(buf[i]) != val) {
            g_error("word at 0x%" PRIx64 " is 0x%08x, expected 0x%08x",
                    addr + 4 * i, le32_to_cpu(buf[i]), val);
        }
    }
}

/*
 * After a run on @ctx: expect exactly @bits in INTR (and the line up if
 * any), and the context's error status iff @error; then clear INTR.
 */
static void expect_result(Acd *a, unsigned ctx, uint32_t bits, bool error)
{
    g_assert_cmphex(rd(a, R_INTR), ==, bits);
    g_assert_cmpint(ctx_status(a, ctx), ==, error ? 1 : 0);
    if (bits) {
        wait_irq(a, true);
    }
    wr(a, R_INTR, 0xffffffff);
    wait_irq(a, false);
}

/* The run failed with @bits (an error bit, maybe USER_FENCE_WAIT too). */
static void expect_error(Acd *a, unsigned ctx, uint32_t bits)
{
    expect_result(a, ctx, bits, true);
}

/* The run succeeded and raised @bits (0 or USER_FENCE_WAIT). */
static void expect_ok(Acd *a, unsigned ctx, uint32_t bits)
{
    expect_result(a, ctx, bits, false);
}

/* ---- Identity and registers ---- */

/*
 * Every register at its power-on value, the queue empty. One stray bit
 * (FENCE_WAIT in this model) may be set in INTR at power-on.
 */
static void expect_power_on_state(Acd *a)
{
    g_assert_cmphex(rd(a, R_INTR), ==, I_FENCE_WAIT);
    g_assert_cmphex(rd(a, R_INTR_ENABLE), ==, 0);
    g_assert_cmphex(rd(a, R_ENABLE), ==, 0);
    g_assert_cmphex(rd(a, R_CONFIGS_LO), ==, 0);
    g_assert_cmphex(rd(a, R_CONFIGS_HI), ==, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0);
    g_assert_cmphex(rd(a, R_FENCE_WAIT), ==, 0);
}

static void test_pci_identity(void)
{
    Acd *a = acd_boot("");

    g_assert_cmphex(qpci_config_readw(a->dev, PCI_VENDOR_ID), ==, VENDOR_ID);
    g_assert_cmphex(qpci_config_readw(a->dev, PCI_DEVICE_ID), ==, DEVICE_ID);
    g_assert_cmpint(qpci_config_readb(a->dev, PCI_INTERRUPT_PIN), ==, 1);
    /* Capabilities: power management only (no MSI, no PCIe on pc). */
    g_assert_true(qpci_config_readw(a->dev, PCI_STATUS) &
                  PCI_STATUS_CAP_LIST);
    g_assert_cmphex(qpci_config_readb(a->dev, PCI_CAPABILITY_LIST), ==,
                    qpci_find_capability(a->dev, PCI_CAP_ID_PM, 0));
    g_assert_cmphex(qpci_config_readb(a->dev,
                                      qpci_find_capability(a->dev,
                                                           PCI_CAP_ID_PM, 0)
                                      + PCI_CAP_LIST_NEXT), ==, 0);
    /* BAR0 size checked by map_device(); BAR1 absent. */
    g_assert_cmphex(qpci_config_readl(a->dev, PCI_BASE_ADDRESS_1), ==, 0);
    acd_free(a);
}

static void test_reset_values(void)
{
    Acd *a = acd_boot("");

    expect_power_on_state(a);
    /* INTR_ENABLE is 0: the stray bit does not interrupt. */
    g_assert_false(irq_level(a));
    acd_free(a);
}

static void test_register_rw(void)
{
    Acd *a = acd_boot("");

    wr(a, R_CONFIGS_LO, 0x12345000);
    wr(a, R_CONFIGS_HI, 0xab);
    g_assert_cmphex(rd(a, R_CONFIGS_LO), ==, 0x12345000);
    g_assert_cmphex(rd(a, R_CONFIGS_HI), ==, 0xab);
    wr(a, R_FENCE_LAST, 0xdeadbeef);
    wr(a, R_FENCE_WAIT, 0xcafef00d);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0xdeadbeef);
    g_assert_cmphex(rd(a, R_FENCE_WAIT), ==, 0xcafef00d);
    wr(a, R_INTR_ENABLE, 0x12);
    g_assert_cmphex(rd(a, R_INTR_ENABLE), ==, 0x12);
    wr(a, R_ENABLE, 1);
    g_assert_cmphex(rd(a, R_ENABLE), ==, 1);
    wr(a, R_ENABLE, 0);
    g_assert_cmphex(rd(a, R_ENABLE), ==, 0);
    /* None of this is an error. */
    g_assert_cmphex(rd(a, R_INTR), ==, I_FENCE_WAIT);
    acd_free(a);
}

static void test_intr_w1c(void)
{
    Acd *a = acd_boot("");

    g_assert_cmphex(rd(a, R_INTR), ==, I_FENCE_WAIT);
    /* Writing 0, or 1s to inactive bits, changes nothing. */
    wr(a, R_INTR, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, I_FENCE_WAIT);
    wr(a, R_INTR, ~(uint32_t)I_FENCE_WAIT);
    g_assert_cmphex(rd(a, R_INTR), ==, I_FENCE_WAIT);
    /* Raise a second bit (MEM_ERROR: a bad access), clear one by one. */
    wr(a, 0x14, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, I_FENCE_WAIT | I_MEM_ERROR);
    wr(a, R_INTR, I_FENCE_WAIT);
    g_assert_cmphex(rd(a, R_INTR), ==, I_MEM_ERROR);
    wr(a, R_INTR, I_MEM_ERROR);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    acd_free(a);
}

static void test_irq_line(void)
{
    Acd *a = acd_boot("");

    g_assert_cmphex(rd(a, R_INTR), ==, I_FENCE_WAIT);
    g_assert_false(irq_level(a));
    /* Enabling an active bit asserts the line at once. */
    wr(a, R_INTR_ENABLE, I_FENCE_WAIT);
    g_assert_true(irq_level(a));
    /* Enabling only other bits deasserts it. */
    wr(a, R_INTR_ENABLE, I_ALL & ~I_FENCE_WAIT);
    g_assert_false(irq_level(a));
    wr(a, R_INTR_ENABLE, I_ALL);
    g_assert_true(irq_level(a));
    /* Clearing the bit deasserts it. */
    wr(a, R_INTR, I_FENCE_WAIT);
    g_assert_false(irq_level(a));
    /* A new event asserts it again (MEM_ERROR from a bad access). */
    rd(a, 0x18);
    g_assert_true(irq_level(a));
    wr(a, R_INTR_ENABLE, 0);
    g_assert_false(irq_level(a));
    g_assert_cmphex(rd(a, R_INTR), ==, I_MEM_ERROR);
    acd_free(a);
}

/* An event raised by the device's thread also drives the line. */
static void test_irq_from_device(void)
{
    Acd *a = acd_boot_started("");

    wr(a, R_INTR_ENABLE, I_FENCE_WAIT);
    wr(a, R_FENCE_WAIT, 42);
    feed(a, D_FENCE, 42, 0, 0, 0);
    wait_intr(a, I_FENCE_WAIT);
    wait_irq(a, true);
    wr(a, R_INTR, I_FENCE_WAIT);
    wait_irq(a, false);
    acd_free(a);
}

/* ---- Queue ---- */

static void test_enable_gating(void)
{
    Acd *a = acd_boot_started("");
    int i;

    wr(a, R_ENABLE, 0);
    feed(a, D_FENCE, 5, 0, 0, 0);
    feed(a, D_FENCE, 6, 0, 0, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE - 2);
    for (i = 0; i < 20; i++) {
        g_usleep(5000);
        g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0);
        g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE - 2);
    }
    /* Any non-zero value enables, and the queue was kept in order. */
    wr(a, R_ENABLE, 0x80000000);
    wait_reg(a, R_FENCE_LAST, 6);
    wait_reg(a, R_FREE, QUEUE_SIZE);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    acd_free(a);
}

static void test_free_count(void)
{
    Acd *a = acd_boot_started("");
    int i;

    wr(a, R_ENABLE, 0);
    for (i = 1; i <= 10; i++) {
        feed(a, D_NOP, 0, 0, 0, 0);
        g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE - i);
    }
    wr(a, R_ENABLE, 1);
    wait_reg(a, R_FREE, QUEUE_SIZE);
    /* Fill the whole queue: FREE reaches 0 and nothing is lost. */
    wr(a, R_ENABLE, 0);
    for (i = 1; i <= QUEUE_SIZE; i++) {
        feed(a, D_FENCE, i, 0, 0, 0);
    }
    g_assert_cmphex(rd(a, R_FREE), ==, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    wr(a, R_ENABLE, 1);
    wait_reg(a, R_FENCE_LAST, QUEUE_SIZE);
    wait_reg(a, R_FREE, QUEUE_SIZE);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    acd_free(a);
}

static void test_feed_overflow(void)
{
    Acd *a = acd_boot_started(",queue-size=4");
    int i;

    g_assert_cmphex(rd(a, R_FREE), ==, 4);
    wr(a, R_ENABLE, 0);
    for (i = 1; i <= 4; i++) {
        feed(a, D_FENCE, i, 0, 0, 0);
    }
    g_assert_cmphex(rd(a, R_FREE), ==, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    g_assert_false(irq_level(a));
    /* Fifth command: FEED_ERROR, and the command is dropped. */
    feed(a, D_FENCE, 99, 0, 0, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, I_FEED_ERROR);
    g_assert_true(irq_level(a));
    g_assert_cmphex(rd(a, R_FREE), ==, 0);
    wr(a, R_ENABLE, 1);
    wait_reg(a, R_FREE, 4);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 4);
    g_usleep(20000);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 4);
    wr(a, R_INTR, I_FEED_ERROR);
    g_assert_false(irq_level(a));
    acd_free(a);
}

static void test_queue_size_invalid(void)
{
    Acd *a = acd_boot("");
    static const int bad[] = { 0, 256, 1000 };
    int i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        QDict *resp = qtest_qmp(a->qts,
            "{'execute': 'device_add', 'arguments': {"
            " 'driver': 'acceldev', 'id': 'bad', 'queue-size': %d}}",
            bad[i]);

        g_assert(qdict_haskey(resp, "error"));
        qobject_unref(resp);
    }
    acd_free(a);
}

static void test_free_off_by_one(void)
{
    Acd *a = acd_boot_started(",queue-size=2,free-off-by-one=on");

    /* One more than really free. */
    g_assert_cmphex(rd(a, R_FREE), ==, 3);
    wr(a, R_ENABLE, 0);
    feed(a, D_FENCE, 1, 0, 0, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, 2);
    feed(a, D_FENCE, 2, 0, 0, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, 1);
    /* Feeding into the phantom entry is still an overflow. */
    feed(a, D_FENCE, 3, 0, 0, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, I_FEED_ERROR);
    g_assert_cmphex(rd(a, R_FREE), ==, 1);
    wr(a, R_ENABLE, 1);
    wait_reg(a, R_FREE, 3);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 2);
    g_usleep(20000);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 2);
    acd_free(a);
}

/* Feed FENCE @val; check that it was (and clear) or was not dropped. */
static void feed_fence_dropped(Acd *a, uint32_t val, bool dropped)
{
    feed(a, D_FENCE, val, 0, 0, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, dropped ? I_FEED_ERROR : 0);
    wr(a, R_INTR, I_FEED_ERROR);
}

/* feed-error-every=3: every third command is dropped with FEED_ERROR. */
static void test_feed_error_every(void)
{
    Acd *a = acd_boot_started(",feed-error-every=3");
    int i;

    for (i = 1; i <= 6; i++) {
        feed_fence_dropped(a, i, i % 3 == 0);
    }
    wait_reg(a, R_FENCE_LAST, 5);
    g_usleep(20000);
    /* FENCEs 3 and 6 never ran: the last one executed is 5. */
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 5);
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE);
    acd_free(a);
}

static void test_free_off_by_one_default_size(void)
{
    Acd *a = acd_boot(",free-off-by-one=on");

    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE + 1);
    acd_free(a);
}

static void test_cmd_delay(void)
{
    Acd *a = acd_boot_started(",cmd-delay-us=100000");
    gint64 t0 = g_get_monotonic_time();
    uint32_t min_free = QUEUE_SIZE;
    int i;

    for (i = 1; i <= 4; i++) {
        feed(a, D_FENCE, i, 0, 0, 0);
    }
    /* The commands back up while the device is slow. */
    for (i = 0; i < POLL_MAX && rd(a, R_FENCE_LAST) != 4; i++) {
        min_free = MIN(min_free, rd(a, R_FREE));
        g_usleep(POLL_US);
    }
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 4);
    g_assert_cmpuint(min_free, <=, QUEUE_SIZE - 3);
    /* Four commands, each delayed 100 ms. */
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 390000);
    wait_reg(a, R_FREE, QUEUE_SIZE);
    acd_free(a);
}

static void test_no_delay_default(void)
{
    Acd *a = acd_boot_started("");
    gint64 t0 = g_get_monotonic_time();
    int i;

    for (i = 1; i <= 50; i++) {
        feed(a, D_FENCE, i, 0, 0, 0);
    }
    wait_reg(a, R_FENCE_LAST, 50);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 5000000);
    acd_free(a);
}

/* ---- Knobs changed at run time (qom-set on acc0) ---- */

#define ACC0 "/machine/peripheral/acc0"

/* qom-set a knob of acc0 (the reference to @value is taken). */
static bool knob_set_obj(Acd *a, const char *name, QObject *value)
{
    QDict *args = qdict_new();
    QDict *resp;
    bool ok;

    qdict_put_str(args, "path", ACC0);
    qdict_put_str(args, "property", name);
    qdict_put_obj(args, "value", value);
    resp = qtest_qmp(a->qts, "{'execute': 'qom-set', 'arguments': %p}",
                     args);
    ok = !qdict_haskey(resp, "error");
    qobject_unref(resp);
    return ok;
}

/* qom-set a uint32 knob; true if QEMU accepted the value. */
static bool knob_set(Acd *a, const char *name, uint32_t value)
{
    return knob_set_obj(a, name, QOBJECT(qnum_from_uint(value)));
}

static bool knob_set_bool(Acd *a, const char *name, bool value)
{
    return knob_set_obj(a, name, QOBJECT(qbool_from_bool(value)));
}

static uint32_t knob_get(Acd *a, const char *name)
{
    QDict *resp = qtest_qmp(a->qts,
        "{'execute': 'qom-get', 'arguments': {'path': %s,"
        " 'property': %s}}", ACC0, name);
    uint32_t value;

    g_assert(qdict_haskey(resp, "return"));
    value = qdict_get_int(resp, "return");
    qobject_unref(resp);
    return value;
}

/* cmd-delay-us takes effect at once, also for a command already waiting. */
static void test_runtime_cmd_delay(void)
{
    Acd *a = acd_boot_started("");
    gint64 t0;
    int i;

    g_assert_cmpuint(knob_get(a, "cmd-delay-us"), ==, 0);
    g_assert_true(knob_set(a, "cmd-delay-us", 100000));
    g_assert_cmpuint(knob_get(a, "cmd-delay-us"), ==, 100000);
    t0 = g_get_monotonic_time();
    for (i = 1; i <= 4; i++) {
        feed(a, D_FENCE, i, 0, 0, 0);
    }
    wait_reg(a, R_FENCE_LAST, 4);
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 390000);
    /* A command waiting out a 60 s delay starts once it is lowered. */
    g_assert_true(knob_set(a, "cmd-delay-us", 60000000));
    feed(a, D_FENCE, 5, 0, 0, 0);
    g_usleep(50000);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 4);
    g_assert_true(knob_set(a, "cmd-delay-us", 0));
    wait_reg(a, R_FENCE_LAST, 5);
    acd_free(a);
}

/* queue-size changes only while stopped with an empty queue. */
static void test_runtime_queue_size(void)
{
    Acd *a = acd_boot_started("");
    int i;

    /* Refused while enabled, even with nothing queued. */
    g_assert_false(knob_set(a, "queue-size", 4));
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE);
    /* Refused while stopped with a command queued. */
    wr(a, R_ENABLE, 0);
    feed(a, D_FENCE, 1, 0, 0, 0);
    g_assert_false(knob_set(a, "queue-size", 4));
    g_assert_cmpuint(knob_get(a, "queue-size"), ==, QUEUE_SIZE);
    wr(a, R_ENABLE, 1);
    wait_reg(a, R_FREE, QUEUE_SIZE);
    wr(a, R_ENABLE, 0);
    /* Out of range: refused. */
    g_assert_false(knob_set(a, "queue-size", 0));
    g_assert_false(knob_set(a, "queue-size", 256));
    /* Stopped and empty: in effect at once. */
    g_assert_true(knob_set(a, "queue-size", 4));
    g_assert_cmpuint(knob_get(a, "queue-size"), ==, 4);
    g_assert_cmphex(rd(a, R_FREE), ==, 4);
    for (i = 2; i <= 5; i++) {
        feed(a, D_FENCE, i, 0, 0, 0);
    }
    g_assert_cmphex(rd(a, R_FREE), ==, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    feed(a, D_FENCE, 99, 0, 0, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, I_FEED_ERROR);
    wr(a, R_INTR, I_FEED_ERROR);
    wr(a, R_ENABLE, 1);
    wait_reg(a, R_FREE, 4);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 5);
    /* Kept across a reset, which leaves the device stopped and empty. */
    qtest_system_reset(a->qts);
    map_device(a);
    route_intx(a);
    g_assert_cmphex(rd(a, R_FREE), ==, 4);
    g_assert_true(knob_set(a, "queue-size", QUEUE_SIZE));
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE);
    acd_free(a);
}

/* free-off-by-one follows the same rule as queue-size. */
static void test_runtime_free_off_by_one(void)
{
    Acd *a = acd_boot_started(",queue-size=2");

    g_assert_false(knob_set_bool(a, "free-off-by-one", true));
    g_assert_cmphex(rd(a, R_FREE), ==, 2);
    wr(a, R_ENABLE, 0);
    g_assert_true(knob_set_bool(a, "free-off-by-one", true));
    g_assert_true(qtest_qom_get_bool(a->qts, ACC0, "free-off-by-one"));
    g_assert_cmphex(rd(a, R_FREE), ==, 3);
    feed(a, D_FENCE, 1, 0, 0, 0);
    feed(a, D_FENCE, 2, 0, 0, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, 1);
    feed(a, D_FENCE, 3, 0, 0, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, I_FEED_ERROR);
    g_assert_false(knob_set_bool(a, "free-off-by-one", false));
    wr(a, R_ENABLE, 1);
    wait_reg(a, R_FREE, 3);
    wr(a, R_ENABLE, 0);
    g_assert_true(knob_set_bool(a, "free-off-by-one", false));
    g_assert_cmphex(rd(a, R_FREE), ==, 2);
    acd_free(a);
}

/* feed-error-every counts from each qom-set; 0 turns it off at once. */
static void test_runtime_feed_error_every(void)
{
    Acd *a = acd_boot_started("");
    int i;

    for (i = 1; i <= 20; i++) {
        if (i == 3 || i == 7) {
            g_assert_true(knob_set(a, "feed-error-every", 3));
        } else if (i == 10) {
            g_assert_true(knob_set(a, "feed-error-every", 0));
        }
        /* The third command after each qom-set: 5 and 9. */
        feed_fence_dropped(a, i, i == 5 || i == 9);
    }
    g_assert_cmpuint(knob_get(a, "feed-error-every"), ==, 0);
    wait_reg(a, R_FENCE_LAST, 20);
    wait_reg(a, R_FREE, QUEUE_SIZE);
    acd_free(a);
}

/* wedged: nothing starts while set, the queue resumes when cleared. */
static void test_runtime_wedged(void)
{
    Acd *a = acd_boot_started("");

    g_assert_true(knob_set_bool(a, "wedged", true));
    feed(a, D_FENCE, 1, 0, 0, 0);
    g_usleep(50000);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE - 1);
    g_assert_true(knob_set_bool(a, "wedged", false));
    wait_reg(a, R_FENCE_LAST, 1);
    wait_reg(a, R_FREE, QUEUE_SIZE);
    acd_free(a);
}

/*
 * The read-only state properties follow the device: ENABLE, the queue
 * (the command executing included), a command executing, Bus Master
 * Enable; qom-set fails on each.
 */
static void test_state_props(void)
{
    enum { CODE_PAGES = 16 };
    Acd *a = acd_boot("");
    Buf code = buf_new(a, CODE_PAGES, 0);
    Buf data = buf_alias_4m(a, 0);
    unsigned n = CODE_PAGES * PAGE / CMD_BYTES, i;
    uint16_t cmd = qpci_config_readw(a->dev, PCI_COMMAND);

    /* map_device() turned bus mastering on; the device is stopped. */
    g_assert_true(cmd & PCI_COMMAND_MASTER);
    g_assert_true(qtest_qom_get_bool(a->qts, ACC0, "state-bus-master"));
    g_assert_cmpuint(knob_get(a, "state-enable"), ==, 0);
    g_assert_cmpuint(knob_get(a, "state-queued"), ==, 0);
    g_assert_false(qtest_qom_get_bool(a->qts, ACC0, "state-executing"));

    /* Fed while stopped: counted, not executing. */
    feed(a, D_FENCE, 1, 0, 0, 0);
    feed(a, D_FENCE, 2, 0, 0, 0);
    g_assert_cmpuint(knob_get(a, "state-queued"), ==, 2);
    g_assert_false(qtest_qom_get_bool(a->qts, ACC0, "state-executing"));
    wr(a, R_CONFIGS_LO, (uint32_t)a->cfg);
    wr(a, R_CONFIGS_HI, a->cfg >> 32);
    wr(a, R_ENABLE, 1);
    g_assert_cmpuint(knob_get(a, "state-enable"), ==, 1);
    wait_reg(a, R_FENCE_LAST, 2);
    g_assert_cmpuint(knob_get(a, "state-queued"), ==, 0);

    /* A long RUN (n FILLs of 4 MiB) executing, a FENCE queued behind it. */
    for (i = 0; i < n; i++) {
        ucmd(a, &code, i * CMD_BYTES, U_FILL, 0x11111111, 0, 0, BUF_MAX);
    }
    set_slot(a, 1, 0, data.pt);
    run(a, 1, &code, 0, n * CMD_BYTES);
    feed(a, D_FENCE, 3, 0, 0, 0);
    for (i = 0; i < POLL_MAX && qtest_readl(a->qts, data.data) == 0; i++) {
        g_usleep(100);
    }
    g_assert_cmphex(qtest_readl(a->qts, data.data), ==, 0x11111111);
    g_assert_true(qtest_qom_get_bool(a->qts, ACC0, "state-executing"));
    g_assert_cmpuint(knob_get(a, "state-queued"), ==, 2);

    /* Bus mastering off ends the RUN; the FENCE needs no DMA. */
    qpci_config_writew(a->dev, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);
    g_assert_false(qtest_qom_get_bool(a->qts, ACC0, "state-bus-master"));
    wait_reg(a, R_FENCE_LAST, 3);
    g_assert_false(qtest_qom_get_bool(a->qts, ACC0, "state-executing"));
    g_assert_cmpuint(knob_get(a, "state-queued"), ==, 0);
    wr(a, R_ENABLE, 0);
    g_assert_cmpuint(knob_get(a, "state-enable"), ==, 0);

    /* Read-only. */
    g_assert_false(knob_set(a, "state-enable", 1));
    g_assert_false(knob_set(a, "state-queued", 1));
    g_assert_false(knob_set_bool(a, "state-executing", true));
    g_assert_false(knob_set_bool(a, "state-bus-master", true));
    g_assert_cmpuint(knob_get(a, "state-enable"), ==, 0);
    g_assert_false(qtest_qom_get_bool(a->qts, ACC0, "state-bus-master"));
    acd_free(a);
}

/* ---- Device commands ---- */

static void test_nop(void)
{
    Acd *a = acd_boot_started("");

    /* A NOP only needs words 0 and 4. */
    wr(a, R_FEED, D_NOP);
    wr(a, R_FEED + 16, 0);
    feed(a, D_NOP, 1, 2, 3, 4);
    sync_fence(a, 77);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE);
    assert_no_status(a);
    acd_free(a);
}

static void test_fence(void)
{
    Acd *a = acd_boot_started("");

    wr(a, R_FENCE_WAIT, 7);
    sync_fence(a, 6);
    g_usleep(10000);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    g_assert_false(irq_level(a));
    sync_fence(a, 7);
    wait_intr(a, I_FENCE_WAIT);
    g_assert_cmphex(rd(a, R_INTR), ==, I_FENCE_WAIT);
    wait_irq(a, true);
    wr(a, R_INTR, I_FENCE_WAIT);
    wait_irq(a, false);
    /* Context-id bits of a FENCE header are ignored. */
    sync_fence(a, 8);
    feed(a, D_FENCE | 0xfffffff0, 9, 0, 0, 0);
    wait_reg(a, R_FENCE_LAST, 9);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    acd_free(a);
}

static void test_bind_slot(void)
{
    Acd *a = acd_boot_started("");
    unsigned s;

    for (s = 0; s < NUM_SLOTS; s++) {
        set_slot(a, 3, s, 0x1000 * (s + 1));
    }
    feed(a, D_BIND_SLOT | 3 << 4, 5, 0x89abc000, 0x12, 0);
    feed(a, D_BIND_SLOT | 3 << 4, 15, 0x5000, 0, 0);
    feed(a, D_BIND_SLOT | 3 << 4, 0, 0, 0, 0);         /* unbind */
    feed(a, D_BIND_SLOT | 254 << 4, 7, 0x7000, 0, 0);  /* last context */
    sync_dev(a);
    g_assert_cmphex(get_slot(a, 3, 5), ==, 0x1289abc000ULL);
    g_assert_cmphex(get_slot(a, 3, 15), ==, 0x5000);
    g_assert_cmphex(get_slot(a, 3, 0), ==, 0);
    for (s = 1; s < NUM_SLOTS; s++) {
        if (s != 5 && s != 15) {
            g_assert_cmphex(get_slot(a, 3, s), ==, 0x1000 * (s + 1));
        }
    }
    g_assert_cmphex(get_slot(a, 254, 7), ==, 0x7000);
    g_assert_cmphex(get_slot(a, 2, 5), ==, 0);
    g_assert_cmphex(get_slot(a, 4, 5), ==, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    assert_no_status(a);
    acd_free(a);
}

static void test_bind_slot_bad_slot(void)
{
    Acd *a = acd_boot_started("");

    feed(a, D_BIND_SLOT | 3 << 4, 16, 0x5000, 0, 0);
    sync_dev(a);
    g_assert_cmphex(rd(a, R_INTR), ==, I_CMD_ERROR);
    wait_irq(a, true);
    /* Nothing written: the next entry's slot 0 is untouched. */
    g_assert_cmphex(get_slot(a, 4, 0), ==, 0);
    assert_no_status(a);
    acd_free(a);
}

static void test_bad_device_cmd(void)
{
    Acd *a = acd_boot_started("");
    uint32_t type;

    for (type = 4; type <= 0xf; type++) {
        feed(a, type | 1 << 4, 0, 0, 0, 0);
        sync_dev(a);
        g_assert_cmphex(rd(a, R_INTR), ==, I_CMD_ERROR);
        wait_irq(a, true);
        wr(a, R_INTR, I_CMD_ERROR);
        wait_irq(a, false);
    }
    assert_no_status(a);
    acd_free(a);
}

static void test_bad_context(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);

    ucmd(a, &code, 0, U_FENCE, 0, 0, 0, 0);
    feed(a, D_RUN | 255 << 4, (uint32_t)code.pt, 0, 0, CMD_BYTES);
    sync_dev(a);
    g_assert_cmphex(rd(a, R_INTR), ==, I_CMD_ERROR);
    wr(a, R_INTR, I_CMD_ERROR);
    feed(a, D_BIND_SLOT | 255 << 4, 0, 0x5000, 0, 0);
    sync_dev(a);
    g_assert_cmphex(rd(a, R_INTR), ==, I_CMD_ERROR);
    wr(a, R_INTR, I_CMD_ERROR);
    feed(a, D_RUN | 0xfffffff0, (uint32_t)code.pt, 0, 0, CMD_BYTES);
    sync_dev(a);
    g_assert_cmphex(rd(a, R_INTR), ==, I_CMD_ERROR);
    assert_no_status(a);
    g_assert_cmphex(fence_counter(a, 0), ==, 0);
    /* Nothing was written right after the array either. */
    g_assert_cmphex(qtest_readq(a->qts, a->cfg + MAX_CONTEXTS * CFG_SIZE),
                    ==, 0);
    acd_free(a);
}

/* ---- RUN and user commands ---- */

static void test_run_nop_fence(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);

    ucmd(a, &code, 0, U_NOP, 0, 0, 0, 0);
    ucmd(a, &code, 20, U_FENCE, 0, 0, 0, 0);
    ucmd(a, &code, 40, U_NOP | 0xabc0, 1, 2, 3, 4);   /* high bits ignored */
    ucmd(a, &code, 60, U_FENCE, 0, 0, 0, 0);
    run(a, 7, &code, 0, 80);
    wait_intr(a, I_USER_FENCE_WAIT);
    sync_dev(a);
    g_assert_cmphex(fence_counter(a, 7), ==, 2);
    g_assert_cmphex(rd(a, R_INTR), ==, I_USER_FENCE_WAIT);
    wait_irq(a, true);
    g_assert_cmpint(ctx_status(a, 7), ==, 0);
    g_assert_cmphex(fence_counter(a, 6), ==, 0);
    g_assert_cmphex(fence_counter(a, 8), ==, 0);
    wr(a, R_INTR, I_USER_FENCE_WAIT);
    wait_irq(a, false);
    /* Again: the counter keeps counting across runs. */
    run_sync(a, 7, &code, 20, 20);
    g_assert_cmphex(fence_counter(a, 7), ==, 3);
    g_assert_cmphex(rd(a, R_INTR), ==, I_USER_FENCE_WAIT);
    /* A RUN of a word offset (not a multiple of 20) and length 0. */
    wr(a, R_INTR, I_ALL);
    run_sync(a, 7, &code, 20, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    g_assert_cmphex(fence_counter(a, 7), ==, 3);
    assert_no_status(a);
    acd_free(a);
}

static void test_run_word_offset(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);

    ucmd(a, &code, 8, U_NOP, 0, 0, 0, 0);
    ucmd(a, &code, 28, U_FENCE, 0, 0, 0, 0);
    run_sync(a, 1, &code, 8, 40);
    g_assert_cmphex(fence_counter(a, 1), ==, 1);
    expect_ok(a, 1, I_USER_FENCE_WAIT);
    acd_free(a);
}

static void test_fence_counter_wrap(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);

    qtest_writel(a->qts, cfg_entry(a, 9) + CFG_FENCE, 0xfffffffe);
    ucmd(a, &code, 0, U_FENCE, 0, 0, 0, 0);
    run_sync(a, 9, &code, 0, 20);
    g_assert_cmphex(fence_counter(a, 9), ==, 0xffffffff);
    run_sync(a, 9, &code, 0, 20);
    g_assert_cmphex(fence_counter(a, 9), ==, 0);
    run_sync(a, 9, &code, 0, 20);
    g_assert_cmphex(fence_counter(a, 9), ==, 1);
    g_assert_cmpint(ctx_status(a, 9), ==, 0);
    /* The status byte and the slots beside the counter are untouched. */
    g_assert_cmphex(get_slot(a, 9, 15), ==, 0);
    g_assert_cmphex(qtest_readl(a->qts, cfg_entry(a, 9) + CFG_STATUS), ==, 0);
    acd_free(a);
}

static void test_fill_page_boundary(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 3, 0xee);

    set_slot(a, 2, 4, data.pt);
    /* The published example: 6000 bytes of 11 from byte 12. */
    ucmd(a, &code, 0, U_FILL, 11, 4, 12, 6000);
    ucmd(a, &code, 20, U_FENCE, 0, 0, 0, 0);
    run(a, 2, &code, 0, 40);
    wait_reg(a, R_INTR, I_USER_FENCE_WAIT);
    g_assert_cmphex(fence_counter(a, 2), ==, 1);
    assert_bytes(a, data.data, 12, 0xee);
    assert_words(a, data.data + 12, 6000, 11);
    assert_bytes(a, data.data + 6012, 3 * PAGE - 6012, 0xee);
    expect_ok(a, 2, I_USER_FENCE_WAIT);
    acd_free(a);
}

static void test_fill_whole_buffer(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 3, 0x00);

    set_slot(a, 0, 15, data.pt);
    ucmd(a, &code, 0, U_FILL, 0xa1b2c3d4, 15, 0, 3 * PAGE);
    ucmd(a, &code, 20, U_FILL, 0x01020304, 15, PAGE - 8, 16);
    run_sync(a, 0, &code, 0, 40);
    assert_words(a, data.data, PAGE - 8, 0xa1b2c3d4);
    assert_words(a, data.data + PAGE - 8, 16, 0x01020304);
    assert_words(a, data.data + PAGE + 8, 2 * PAGE - 8, 0xa1b2c3d4);
    /* Little-endian in memory. */
    g_assert_cmpint(qtest_readb(a->qts, data.data), ==, 0xd4);
    expect_ok(a, 0, 0);
    acd_free(a);
}

static void test_fill_large(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 1024, 0x55);
    gint64 t0;
    int i;

    set_slot(a, 5, 1, data.pt);
    for (i = 0; i < 8; i++) {
        ucmd(a, &code, 20 * i, U_FILL, 0x1000 + i, 1, 0, BUF_MAX);
    }
    t0 = g_get_monotonic_time();
    /* A device FENCE after the RUN is passed only once it is done. */
    run_sync(a, 5, &code, 0, 8 * 20);
    g_test_message("8 fills of 4 MiB took %" PRId64 " ms",
                   (g_get_monotonic_time() - t0) / 1000);
    assert_words(a, data.data, BUF_MAX, 0x1007);
    expect_ok(a, 5, 0);
    acd_free(a);
}

static void test_fill_zero_length(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 1, 0x33);

    set_slot(a, 1, 0, data.pt);
    ucmd(a, &code, 0, U_FILL, 0, 0, 0, 0);
    ucmd(a, &code, 20, U_FILL, 0, 0, BUF_MAX, 0);  /* no memory touched */
    run_sync(a, 1, &code, 0, 40);
    assert_bytes(a, data.data, PAGE, 0x33);
    expect_ok(a, 1, 0);
    acd_free(a);
}

static void test_fill_bad_slot(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 1, 0x33);

    set_slot(a, 1, 0, data.pt);
    ucmd(a, &code, 0, U_FILL, 0, 16, 0, 4);
    ucmd(a, &code, 20, U_FENCE, 0, 0, 0, 0);
    run_sync(a, 1, &code, 0, 40);
    /* The FENCE after the failing FILL did not run. */
    g_assert_cmphex(fence_counter(a, 1), ==, 0);
    expect_error(a, 1, I_SLOT_ERROR);
    assert_bytes(a, data.data, PAGE, 0x33);
    acd_free(a);
}

static void test_fill_unbound_slot(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 1, 0x33);

    set_slot(a, 1, 0, data.pt);
    ucmd(a, &code, 0, U_FENCE, 0, 0, 0, 0);
    ucmd(a, &code, 20, U_FILL, 0, 2, 0, 4);
    ucmd(a, &code, 40, U_FENCE, 0, 0, 0, 0);
    run_sync(a, 1, &code, 0, 60);
    /* The FENCE before it ran; the one after it did not. */
    g_assert_cmphex(fence_counter(a, 1), ==, 1);
    expect_error(a, 1, I_SLOT_ERROR | I_USER_FENCE_WAIT);
    assert_bytes(a, data.data, PAGE, 0x33);
    acd_free(a);
}

/* Unbinding through BIND_SLOT makes the slot inactive. */
static void test_fill_after_unbind(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 1, 0x33);

    feed(a, D_BIND_SLOT | 1 << 4, 3, (uint32_t)data.pt, data.pt >> 32, 0);
    ucmd(a, &code, 0, U_FILL, 0x77777777, 3, 0, 8);
    run_sync(a, 1, &code, 0, 20);
    assert_words(a, data.data, 8, 0x77777777);
    expect_ok(a, 1, 0);
    feed(a, D_BIND_SLOT | 1 << 4, 3, 0, 0, 0);
    ucmd(a, &code, 0, U_FILL, 0x88888888, 3, 0, 8);
    run_sync(a, 1, &code, 0, 20);
    assert_words(a, data.data, 8, 0x77777777);
    expect_error(a, 1, I_SLOT_ERROR);
    acd_free(a);
}

static void test_fill_past_end(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 3, 0x00);
    uint64_t guard = galloc(a, PAGE);

    qtest_memset(a->qts, guard, 0x99, PAGE);
    set_slot(a, 6, 0, data.pt);
    /* The published example: 13000 bytes into a 12 KiB buffer. */
    ucmd(a, &code, 0, U_FILL, 11, 0, 0, 13000);
    ucmd(a, &code, 20, U_FENCE, 0, 0, 0, 0);
    run_sync(a, 6, &code, 0, 40);
    g_assert_cmphex(fence_counter(a, 6), ==, 0);
    expect_error(a, 6, I_MEM_ERROR);
    /* This model fills page by page up to the fault. */
    assert_words(a, data.data, 3 * PAGE, 11);
    assert_bytes(a, guard, PAGE, 0x99);
    acd_free(a);
}

static void test_fill_beyond_4mib(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_alias_4m(a, 0x00);

    set_slot(a, 6, 0, data.pt);
    /* The last word of a full 4 MiB buffer is fine... */
    ucmd(a, &code, 0, U_FILL, 0x11111111, 0, BUF_MAX - 4, 4);
    run_sync(a, 6, &code, 0, 20);
    expect_ok(a, 6, 0);
    assert_words(a, data.data + PAGE - 4, 4, 0x11111111);
    /* ...one more is not. */
    ucmd(a, &code, 0, U_FILL, 0x22222222, 0, BUF_MAX - 4, 8);
    run_sync(a, 6, &code, 0, 20);
    expect_error(a, 6, I_MEM_ERROR);
    acd_free(a);
}

static void test_code_past_end(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);

    /* RUN at an offset equal to the code buffer's size. */
    run_sync(a, 3, &code, PAGE, 20);
    g_assert_cmphex(fence_counter(a, 3), ==, 0);
    expect_error(a, 3, I_MEM_ERROR);
    acd_free(a);
}

static void test_code_crosses_into_absent_page(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);

    /* A FENCE at 4060..4079, then a command crossing into page 1. */
    ucmd(a, &code, PAGE - 36, U_FENCE, 0, 0, 0, 0);
    run_sync(a, 3, &code, PAGE - 36, 40);
    g_assert_cmphex(fence_counter(a, 3), ==, 1);
    expect_error(a, 3, I_MEM_ERROR | I_USER_FENCE_WAIT);
    acd_free(a);
}

static void test_code_crosses_page(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 2, 0);

    /* A command split over two present pages executes normally. */
    ucmd(a, &code, PAGE - 8, U_FENCE, 0, 0, 0, 0);
    run_sync(a, 3, &code, PAGE - 8, 20);
    g_assert_cmphex(fence_counter(a, 3), ==, 1);
    expect_ok(a, 3, I_USER_FENCE_WAIT);
    acd_free(a);
}

static void test_code_beyond_4mib(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_alias_4m(a, 0x00);

    /* All 1024 entries present, command at 4 MiB - 8 runs over the end. */
    run_sync(a, 4, &code, BUF_MAX - 20, 20);
    expect_ok(a, 4, 0);
    run_sync(a, 4, &code, BUF_MAX - 8, 20);
    expect_error(a, 4, I_MEM_ERROR);
    acd_free(a);
}

static void test_unknown_user_cmd(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    uint32_t type;

    for (type = 3; type <= 0xf; type++) {
        unsigned ctx = type;

        ucmd(a, &code, 0, U_FENCE, 0, 0, 0, 0);
        ucmd(a, &code, 20, type, 0, 0, 0, 0);
        ucmd(a, &code, 40, U_FENCE, 0, 0, 0, 0);
        run_sync(a, ctx, &code, 0, 60);
        g_assert_cmphex(fence_counter(a, ctx), ==, 1);
        expect_error(a, ctx, I_CMD_ERROR | I_USER_FENCE_WAIT);
    }
    acd_free(a);
}

static void test_run_unaligned(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);

    ucmd(a, &code, 0, U_FENCE, 0, 0, 0, 0);
    ucmd(a, &code, 20, U_FENCE, 0, 0, 0, 0);
    run_sync(a, 10, &code, 2, 20);
    g_assert_cmphex(fence_counter(a, 10), ==, 0);
    expect_error(a, 10, I_CMD_ERROR);
    run_sync(a, 11, &code, 0, 22);
    g_assert_cmphex(fence_counter(a, 11), ==, 0);
    expect_error(a, 11, I_CMD_ERROR);
    acd_free(a);
}

static void test_fill_unaligned(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 1, 0x33);

    set_slot(a, 12, 0, data.pt);
    set_slot(a, 13, 0, data.pt);
    ucmd(a, &code, 0, U_FILL, 0, 0, 2, 8);
    ucmd(a, &code, 20, U_FILL, 0, 0, 0, 6);
    run_sync(a, 12, &code, 0, 20);
    expect_error(a, 12, I_CMD_ERROR);
    run_sync(a, 13, &code, 20, 20);
    expect_error(a, 13, I_CMD_ERROR);
    assert_bytes(a, data.data, PAGE, 0x33);
    acd_free(a);
}

static void test_partial_trailing_cmd(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);

    ucmd(a, &code, 0, U_NOP, 0, 0, 0, 0);
    ucmd(a, &code, 20, U_FENCE, 0, 0, 0, 0);
    /* 36 bytes: the FENCE is cut at 16 of its 20 bytes. */
    run_sync(a, 2, &code, 0, 36);
    g_assert_cmphex(fence_counter(a, 2), ==, 0);
    expect_ok(a, 2, 0);
    /* 4 and 16 bytes: nothing at all. */
    run_sync(a, 2, &code, 20, 4);
    run_sync(a, 2, &code, 20, 16);
    g_assert_cmphex(fence_counter(a, 2), ==, 0);
    expect_ok(a, 2, 0);
    run_sync(a, 2, &code, 0, 40);
    g_assert_cmphex(fence_counter(a, 2), ==, 1);
    g_assert_cmpint(ctx_status(a, 2), ==, 0);
    acd_free(a);
}

static void test_error_context_skipped(void)
{
    Acd *a = acd_boot_started("");
    Buf bad = buf_new(a, 1, 0);
    Buf good = buf_new(a, 1, 0);

    ucmd(a, &bad, 0, 0xf, 0, 0, 0, 0);
    ucmd(a, &good, 0, U_FENCE, 0, 0, 0, 0);
    /* Queue: bad run on 1, then good runs on 1 and 2, all in one go. */
    run(a, 1, &bad, 0, 20);
    run(a, 1, &good, 0, 20);
    run(a, 2, &good, 0, 20);
    run(a, 1, &good, 0, 20);
    run(a, 2, &good, 0, 20);
    sync_dev(a);
    g_assert_cmphex(fence_counter(a, 1), ==, 0);
    g_assert_cmphex(fence_counter(a, 2), ==, 2);
    g_assert_cmpint(ctx_status(a, 1), ==, 1);
    g_assert_cmpint(ctx_status(a, 2), ==, 0);
    /* Skipped runs raise nothing more. */
    g_assert_cmphex(rd(a, R_INTR), ==, I_CMD_ERROR | I_USER_FENCE_WAIT);
    wr(a, R_INTR, I_ALL);
    run_sync(a, 1, &good, 0, 20);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    g_assert_cmphex(fence_counter(a, 1), ==, 0);
    /* A status pre-set by the driver is honoured too. */
    qtest_writeb(a->qts, cfg_entry(a, 3) + CFG_STATUS, 1);
    run_sync(a, 3, &good, 0, 20);
    g_assert_cmphex(fence_counter(a, 3), ==, 0);
    /* A zeroed entry (context reused) works again. */
    qtest_memset(a->qts, cfg_entry(a, 1), 0, CFG_SIZE);
    run_sync(a, 1, &good, 0, 20);
    g_assert_cmphex(fence_counter(a, 1), ==, 1);
    g_assert_cmpint(ctx_status(a, 1), ==, 0);
    acd_free(a);
}

/* The device reads slot pointers from memory when it needs them. */
static void test_no_private_slot_copy(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf d1 = buf_new(a, 1, 0);
    Buf d2 = buf_new(a, 1, 0);

    ucmd(a, &code, 0, U_FILL, 0x1111, 0, 0, PAGE);
    set_slot(a, 4, 0, d1.pt);
    run_sync(a, 4, &code, 0, 20);
    /* Rewritten while "stopped": the next RUN uses the new pointer. */
    wr(a, R_ENABLE, 0);
    set_slot(a, 4, 0, d2.pt);
    ucmd(a, &code, 0, U_FILL, 0x2222, 0, 0, PAGE);
    wr(a, R_ENABLE, 1);
    run_sync(a, 4, &code, 0, 20);
    assert_words(a, d1.data, PAGE, 0x1111);
    assert_words(a, d2.data, PAGE, 0x2222);
    expect_ok(a, 4, 0);
    acd_free(a);
}

static void test_configs_high_address(void)
{
    Acd *a = acd_boot_started("");

    /* Nothing below 1 TiB up there: DMA to it fails, MEM_ERROR. */
    wr(a, R_CONFIGS_HI, 0x100);
    feed(a, D_BIND_SLOT | 1 << 4, 0, 0x1000, 0, 0);
    sync_dev(a);
    g_assert_cmphex(rd(a, R_INTR), ==, I_MEM_ERROR);
    acd_free(a);
}

static void test_bus_master_off(void)
{
    Acd *a = acd_boot_started("");
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 1, 0x33);
    uint16_t cmd;

    set_slot(a, 1, 0, data.pt);
    ucmd(a, &code, 0, U_FILL, 0x44444444, 0, 0, PAGE);
    ucmd(a, &code, 20, U_FENCE, 0, 0, 0, 0);

    cmd = qpci_config_readw(a->dev, PCI_COMMAND);
    qpci_config_writew(a->dev, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);

    /* Device FENCEs need no DMA and still complete. */
    run(a, 1, &code, 0, 40);
    sync_dev(a);
    g_assert_cmphex(rd(a, R_INTR), ==, I_MEM_ERROR);
    assert_bytes(a, data.data, PAGE, 0x33);
    g_assert_cmphex(fence_counter(a, 1), ==, 0);
    g_assert_cmpint(ctx_status(a, 1), ==, 0);
    wr(a, R_INTR, I_ALL);
    feed(a, D_BIND_SLOT | 1 << 4, 5, 0x5000, 0, 0);
    sync_dev(a);
    g_assert_cmphex(rd(a, R_INTR), ==, I_MEM_ERROR);
    g_assert_cmphex(get_slot(a, 1, 5), ==, 0);
    wr(a, R_INTR, I_ALL);

    /* With bus mastering back on, the same RUN works. */
    qpci_config_writew(a->dev, PCI_COMMAND, cmd);
    run_sync(a, 1, &code, 0, 40);
    assert_words(a, data.data, PAGE, 0x44444444);
    g_assert_cmphex(fence_counter(a, 1), ==, 1);
    g_assert_cmphex(rd(a, R_INTR), ==, I_USER_FENCE_WAIT);
    acd_free(a);
}

/* ---- Invalid register accesses ---- */

static void expect_mem_error(Acd *a)
{
    g_assert_cmphex(rd(a, R_INTR), ==, I_MEM_ERROR);
    g_assert_true(irq_level(a));
    wr(a, R_INTR, I_ALL);
    g_assert_false(irq_level(a));
}

static void test_bad_access_size(void)
{
    Acd *a = acd_boot_started("");

    g_assert_cmphex(qpci_io_readb(a->dev, a->bar, R_FENCE_WAIT), ==, 0xff);
    expect_mem_error(a);
    g_assert_cmphex(qpci_io_readw(a->dev, a->bar, R_FENCE_WAIT), ==, 0xffff);
    expect_mem_error(a);
    g_assert_cmphex(qpci_io_readq(a->dev, a->bar, R_FENCE_LAST), ==,
                    0xffffffffffffffffULL);
    expect_mem_error(a);
    /* Writes of other sizes are ignored. */
    qpci_io_writeb(a->dev, a->bar, R_FENCE_WAIT, 0x12);
    expect_mem_error(a);
    qpci_io_writew(a->dev, a->bar, R_FENCE_WAIT, 0x1234);
    expect_mem_error(a);
    qpci_io_writeq(a->dev, a->bar, R_FENCE_LAST, 0x1234567812345678ULL);
    expect_mem_error(a);
    g_assert_cmphex(rd(a, R_FENCE_WAIT), ==, 0);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0);
    /* A 16-bit write of all ones to INTR clears nothing. */
    feed(a, 0xf, 0, 0, 0, 0);
    sync_dev(a);
    qpci_io_writew(a->dev, a->bar, R_INTR, 0xffff);
    g_assert_cmphex(rd(a, R_INTR), ==, I_CMD_ERROR | I_MEM_ERROR);
    /* A byte write to FEED word 4 submits nothing. */
    wr(a, R_INTR, I_ALL);
    wr(a, R_ENABLE, 0);
    qpci_io_writeb(a->dev, a->bar, R_FEED + 16, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE);
    expect_mem_error(a);
    acd_free(a);
}

static void test_unaligned_access(void)
{
    Acd *a = acd_boot_started("");

    wr(a, R_FENCE_WAIT, 0x11223344);
    g_assert_cmphex(rd(a, R_FENCE_WAIT + 2), ==, 0xffffffff);
    expect_mem_error(a);
    g_assert_cmphex(qpci_io_readw(a->dev, a->bar, R_FENCE_WAIT + 1), ==,
                    0xffff);
    expect_mem_error(a);
    wr(a, R_FENCE_WAIT + 1, 0);
    expect_mem_error(a);
    g_assert_cmphex(rd(a, R_FENCE_WAIT), ==, 0x11223344);
    acd_free(a);
}

static void test_undocumented_offset(void)
{
    Acd *a = acd_boot_started("");
    static const uint32_t offs[] = {
        0x14, 0x18, 0x80, 0x88, 0xa8, 0x100, 0xffc, 0x1000, 0xfffc,
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(offs); i++) {
        g_assert_cmphex(rd(a, offs[i]), ==, 0xffffffff);
        expect_mem_error(a);
        wr(a, offs[i], 0);
        expect_mem_error(a);
    }
    /* FEED words 1..4 are write-only. */
    for (i = 1; i < 5; i++) {
        g_assert_cmphex(rd(a, R_FEED + 4 * i), ==, 0xffffffff);
        expect_mem_error(a);
    }
    g_assert_cmphex(rd(a, R_ENABLE), ==, 1);
    acd_free(a);
}

/* ---- Reset and multiple devices ---- */

static void test_system_reset(void)
{
    Acd *a = acd_boot_started("");

    wr(a, R_FENCE_WAIT, 3);
    wr(a, R_FENCE_LAST, 2);
    wr(a, R_ENABLE, 0);
    feed(a, D_FENCE, 1, 0, 0, 0);
    feed(a, D_FENCE, 3, 0, 0, 0);
    rd(a, 0x14);                /* MEM_ERROR */
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE - 2);

    qtest_system_reset(a->qts);
    map_device(a);
    route_intx(a);

    expect_power_on_state(a);
    g_assert_false(irq_level(a));
    /* The queued commands are gone, and the device works again. */
    acd_start(a);
    g_usleep(20000);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0);
    sync_fence(a, 5);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    acd_free(a);
}

/* ---- Power management, FLR and AER (DEVICE.md section 10) ---- */

/* q35: the device behind a PCIe root port, as on the bench's --iommu tier. */
#define RP_DEVFN            QPCI_DEVFN(2, 0)
#define RP_BUS              1
#define ACD_BEHIND_RP       QPCI_DEVFN(RP_BUS << 5, 0)  /* bus 1, 00.0 */
#define RP_WINDOW           0xe0000000u                 /* libqos's BARs */
#define RP_WINDOW_END       0xefffffffu
#define ECAM_BASE           0xb0000000u                 /* q35's default */
#define MCH_PCIEXBAR        0x60
#define ERR_SRC_UNCOR       2   /* in Error Source Identification */

static QPCIDevice *find_at(Acd *a, int devfn)
{
    QPCIDevice *dev = qpci_device_find(a->qs->pcibus, devfn);

    g_assert(dev);
    return dev;
}

/*
 * Boot q35 with the device behind a root port: number the buses, open the
 * port's memory window over the BARs libqos assigns, and let DMA through.
 * qtest runs no firmware, so this is what the BIOS would have done.
 */
static Acd *acd_boot_q35(const char *ports, int devfn, const char *props)
{
    Acd *a = g_new0(Acd, 1);
    QPCIDevice *rp;

    a->qs = qtest_pc_boot("-machine q35 -m 256 -nodefaults %s"
                          "-device acceldev,id=acc0%s", ports, props);
    a->qts = a->qs->qts;
    qpci_secondary_buses_init(a->qs->pcibus);
    if (devfn == ACD_BEHIND_RP) {
        rp = find_at(a, RP_DEVFN);
        qpci_config_writew(rp, PCI_MEMORY_BASE, RP_WINDOW >> 16);
        qpci_config_writew(rp, PCI_MEMORY_LIMIT, RP_WINDOW_END >> 16);
        qpci_config_writew(rp, PCI_COMMAND,
                           PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
        g_free(rp);
    }
    a->dev = find_at(a, devfn);
    g_assert_cmphex(qpci_config_readw(a->dev, PCI_VENDOR_ID), ==, VENDOR_ID);
    map_device(a);
    a->cfg = guest_alloc(&a->qs->alloc, MAX_CONTEXTS * CFG_SIZE);
    qtest_memset(a->qts, a->cfg, 0, MAX_CONTEXTS * CFG_SIZE);
    return a;
}

static Acd *acd_boot_pcie(const char *props)
{
    g_autofree char *on_rp = g_strdup_printf(",bus=rp0%s", props);

    return acd_boot_q35("-device pcie-root-port,id=rp0,chassis=1,addr=0x2 ",
                        ACD_BEHIND_RP, on_rp);
}

static Acd *acd_boot_pcie_started(const char *props)
{
    Acd *a = acd_boot_pcie(props);

    acd_start(a);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    return a;
}

/* Extended config space through q35's MMCONFIG, enabled here. */
static uint64_t ecam(Acd *a, int devfn, uint16_t off)
{
    QPCIDevice *mch = find_at(a, QPCI_DEVFN(0, 0));

    qpci_config_writel(mch, MCH_PCIEXBAR + 4, 0);
    qpci_config_writel(mch, MCH_PCIEXBAR, ECAM_BASE | 1);   /* 256 MiB */
    g_free(mch);
    return ECAM_BASE + ((uint64_t)devfn << 12) + off;
}

/* Offset of extended capability @id of the function at @devfn, or 0. */
static uint16_t find_ext_cap(Acd *a, int devfn, uint16_t id)
{
    uint16_t off = PCI_CFG_SPACE_SIZE;
    int i;

    for (i = 0; off && i < 64; i++) {
        uint32_t hdr = qtest_readl(a->qts, ecam(a, devfn, off));

        if (PCI_EXT_CAP_ID(hdr) == id) {
            return off;
        }
        off = PCI_EXT_CAP_NEXT(hdr);
    }
    return 0;
}

/*
 * After a function reset, config space is back to its reset values too
 * (memory decoding and bus mastering off): map the BAR again, as a
 * driver restores its saved config space.
 */
static void remap_after_reset(Acd *a)
{
    g_assert_cmphex(qpci_config_readw(a->dev, PCI_COMMAND) &
                    (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER), ==, 0);
    map_device(a);
}

/* D3hot, then D0 through PMCSR: the PM reset. */
static void pm_reset(Acd *a)
{
    uint8_t pm = qpci_find_capability(a->dev, PCI_CAP_ID_PM, 0);
    uint16_t pmcsr;

    g_assert(pm);
    pmcsr = qpci_config_readw(a->dev, pm + PCI_PM_CTRL);
    g_assert_cmphex(pmcsr & PCI_PM_CTRL_STATE_MASK, ==, 0);
    g_assert_false(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET);
    qpci_config_writew(a->dev, pm + PCI_PM_CTRL, pmcsr | 3);
    g_assert_cmphex(qpci_config_readw(a->dev, pm + PCI_PM_CTRL) &
                    PCI_PM_CTRL_STATE_MASK, ==, 3);
    qpci_config_writew(a->dev, pm + PCI_PM_CTRL, pmcsr & ~3);
    g_assert_cmphex(qpci_config_readw(a->dev, pm + PCI_PM_CTRL) &
                    PCI_PM_CTRL_STATE_MASK, ==, 0);
    remap_after_reset(a);
}

/* Function Level Reset through the PCIe capability's Device Control. */
static void flr(Acd *a)
{
    uint8_t exp = qpci_find_capability(a->dev, PCI_CAP_ID_EXP, 0);
    uint16_t ctl;

    g_assert(exp);
    g_assert_true(qpci_config_readl(a->dev, exp + PCI_EXP_DEVCAP) &
                  PCI_EXP_DEVCAP_FLR);
    ctl = qpci_config_readw(a->dev, exp + PCI_EXP_DEVCTL);
    qpci_config_writew(a->dev, exp + PCI_EXP_DEVCTL,
                       ctl | PCI_EXP_DEVCTL_BCR_FLR);
    /* The initiate bit always reads 0. */
    g_assert_false(qpci_config_readw(a->dev, exp + PCI_EXP_DEVCTL) &
                   PCI_EXP_DEVCTL_BCR_FLR);
    remap_after_reset(a);
}

/* Registers set, commands queued: all of it is lost by @reset. */
static void check_reset(Acd *a, void (*reset)(Acd *))
{
    sync_fence(a, 7);
    wr(a, R_FENCE_WAIT, 3);
    wr(a, R_ENABLE, 0);
    feed(a, D_FENCE, 1, 0, 0, 0);
    feed(a, D_FENCE, 3, 0, 0, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE - 2);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 7);

    reset(a);

    expect_power_on_state(a);
    /* The queued commands are gone, and the device works again. */
    acd_start(a);
    g_usleep(20000);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0);
    sync_fence(a, 5);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
}

/* A slow command in flight (cmd-delay-us) and more queued behind it. */
static void check_reset_slow_cmd(Acd *a, void (*reset)(Acd *))
{
    int i;

    for (i = 1; i <= 4; i++) {
        feed(a, D_FENCE, i, 0, 0, 0);
    }
    g_usleep(50000);            /* the first one is waiting out its delay */
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0);
    g_assert_cmphex(rd(a, R_FREE), ==, QUEUE_SIZE - 4);

    reset(a);

    expect_power_on_state(a);
    acd_start(a);
    /* None of the four ever completes, not even the one in flight. */
    g_usleep(500000);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
    sync_fence(a, 9);
}

/*
 * A RUN busy writing memory: the reset abandons it (what it wrote stays),
 * and from then on the device writes nothing, nor raises anything.
 */
static void check_reset_during_run(Acd *a, void (*reset)(Acd *))
{
    enum { CODE_PAGES = 4 };
    Buf code = buf_new(a, CODE_PAGES, 0);
    Buf data = buf_alias_4m(a, 0);
    unsigned n = CODE_PAGES * PAGE / CMD_BYTES - 1, i;
    Buf small = buf_new(a, 1, 0);

    /* n FILLs of 4 MiB each, then one user FENCE. */
    for (i = 0; i < n; i++) {
        ucmd(a, &code, i * CMD_BYTES, U_FILL, 0x11111111, 0, 0, BUF_MAX);
    }
    ucmd(a, &code, n * CMD_BYTES, U_FENCE, 0, 0, 0, 0);
    set_slot(a, 1, 0, data.pt);
    run(a, 1, &code, 0, (n + 1) * CMD_BYTES);
    feed(a, D_FENCE, 1, 0, 0, 0);
    for (i = 0; i < POLL_MAX && qtest_readl(a->qts, data.data) == 0; i++) {
        g_usleep(100);
    }
    g_assert_cmphex(qtest_readl(a->qts, data.data), ==, 0x11111111);

    reset(a);

    /* Nothing written after the reset, the RUN did not get to its end. */
    qtest_memset(a->qts, data.data, 0x5a, PAGE);
    g_usleep(200000);
    assert_bytes(a, data.data, PAGE, 0x5a);
    g_assert_cmphex(fence_counter(a, 1), ==, 0);
    g_assert_cmpint(ctx_status(a, 1), ==, 0);
    expect_power_on_state(a);

    /* Programmed again, it works. */
    acd_start(a);
    g_assert_cmphex(rd(a, R_FENCE_LAST), ==, 0);
    set_slot(a, 2, 0, small.pt);
    ucmd(a, &code, 0, U_FILL, 0x22222222, 0, 0, PAGE);
    run_sync(a, 2, &code, 0, CMD_BYTES);
    assert_words(a, small.data, PAGE, 0x22222222);
    g_assert_cmphex(rd(a, R_INTR), ==, 0);
}

/* One way to reset the function, checked in one situation. */
typedef struct ResetCase {
    const char *name;
    bool pcie;                  /* q35, behind a root port; else pc */
    const char *props;
    void (*reset)(Acd *a);
    void (*check)(Acd *a, void (*reset)(Acd *a));
} ResetCase;

static void test_reset_case(const void *data)
{
    const ResetCase *c = data;
    Acd *a = c->pcie ? acd_boot_pcie_started(c->props)
                     : acd_boot_started(c->props);

    c->check(a, c->reset);
    acd_free(a);
}

static const ResetCase reset_cases[] = {
    { "pm/d3hot-reset", false, "", pm_reset, check_reset },
    { "pm/d3hot-reset-slow-cmd", false, ",cmd-delay-us=200000", pm_reset,
      check_reset_slow_cmd },
    { "pm/d3hot-reset-during-run", false, "", pm_reset,
      check_reset_during_run },
    { "pcie/flr", true, "", flr, check_reset },
    { "pcie/flr-slow-cmd", true, ",cmd-delay-us=200000", flr,
      check_reset_slow_cmd },
    { "pcie/flr-during-run", true, "", flr, check_reset_during_run },
    { "pcie/pm-reset", true, "", pm_reset, check_reset },
};

/* The PM capability: D0 and D3hot only, No_Soft_Reset clear. */
static void test_pm_capability(void)
{
    Acd *a = acd_boot("");
    uint8_t pm = qpci_find_capability(a->dev, PCI_CAP_ID_PM, 0);
    uint16_t pmc;

    g_assert(pm);
    pmc = qpci_config_readw(a->dev, pm + PCI_PM_PMC);
    g_assert_false(pmc & (PCI_PM_CAP_D1 | PCI_PM_CAP_D2));
    g_assert_cmphex(qpci_config_readw(a->dev, pm + PCI_PM_CTRL), ==, 0);
    /* D1 is refused: the state stays D0. */
    qpci_config_writew(a->dev, pm + PCI_PM_CTRL, 1);
    g_assert_cmphex(qpci_config_readw(a->dev, pm + PCI_PM_CTRL) &
                    PCI_PM_CTRL_STATE_MASK, ==, 0);
    acd_free(a);
}

/* In D3hot the device masters nothing: a queued RUN never executes. */
static void test_pm_d3hot_stops(void)
{
    Acd *a = acd_boot_started(",cmd-delay-us=100000");
    uint8_t pm = qpci_find_capability(a->dev, PCI_CAP_ID_PM, 0);
    Buf code = buf_new(a, 1, 0);
    Buf data = buf_new(a, 1, 0x33);

    set_slot(a, 1, 0, data.pt);
    ucmd(a, &code, 0, U_FILL, 0x44444444, 0, 0, PAGE);
    run(a, 1, &code, 0, CMD_BYTES);
    qpci_config_writew(a->dev, pm + PCI_PM_CTRL, 3);
    g_assert_true(knob_set(a, "cmd-delay-us", 0));
    g_usleep(300000);
    assert_bytes(a, data.data, PAGE, 0x33);
    qpci_config_writew(a->dev, pm + PCI_PM_CTRL, 0);
    remap_after_reset(a);
    expect_power_on_state(a);
    g_usleep(100000);
    assert_bytes(a, data.data, PAGE, 0x33);
    acd_free(a);
}

/* A conventional PCI function: PM, but no PCIe capability (then freed). */
static void expect_conventional(Acd *a)
{
    g_assert_cmpint(qpci_find_capability(a->dev, PCI_CAP_ID_EXP, 0), ==, 0);
    g_assert(qpci_find_capability(a->dev, PCI_CAP_ID_PM, 0));
    acd_free(a);
}

static void test_pcie_absent_on_pc(void)
{
    expect_conventional(acd_boot(""));
}

/* On q35's root bus (no port above it) it stays conventional too. */
static void test_pcie_absent_on_root_bus(void)
{
    expect_conventional(acd_boot_q35("", QPCI_DEVFN(3, 0), ",addr=0x3"));
}

/* Behind a root port: a PCIe endpoint with FLR, and PM as well. */
static void test_pcie_capability(void)
{
    Acd *a = acd_boot_pcie("");
    uint8_t exp = qpci_find_capability(a->dev, PCI_CAP_ID_EXP, 0);
    uint16_t flags;

    g_assert(exp);
    flags = qpci_config_readw(a->dev, exp + PCI_EXP_FLAGS);
    g_assert_cmphex((flags & PCI_EXP_FLAGS_TYPE) >> 4, ==,
                    PCI_EXP_TYPE_ENDPOINT);
    g_assert_true(qpci_config_readl(a->dev, exp + PCI_EXP_DEVCAP) &
                  PCI_EXP_DEVCAP_FLR);
    g_assert(qpci_find_capability(a->dev, PCI_CAP_ID_PM, 0));
    acd_free(a);
}

static void test_pcie_aer_capability(void)
{
    Acd *a = acd_boot_pcie("");
    uint16_t aer = find_ext_cap(a, ACD_BEHIND_RP, PCI_EXT_CAP_ID_ERR);

    g_assert_cmphex(aer, !=, 0);
    g_assert_cmphex(PCI_EXT_CAP_VER(qtest_readl(a->qts,
                                                ecam(a, ACD_BEHIND_RP, aer))),
                    ==, 2);
    g_assert_cmphex(qtest_readl(a->qts, ecam(a, ACD_BEHIND_RP,
                                             aer + PCI_ERR_UNCOR_STATUS)),
                    ==, 0);
    acd_free(a);
}

/*
 * HMP pcie_aer_inject_error on acc0: logged in the device's AER status,
 * and received by the root port (Root Error Status, source = our BDF),
 * whose interrupt is what the guest's AER driver handles.
 */
static void test_pcie_aer_inject(void)
{
    Acd *a = acd_boot_pcie_started("");
    QPCIDevice *rp = find_at(a, RP_DEVFN);
    uint8_t exp = qpci_find_capability(a->dev, PCI_CAP_ID_EXP, 0);
    uint8_t rp_exp = qpci_find_capability(rp, PCI_CAP_ID_EXP, 0);
    uint16_t aer = find_ext_cap(a, ACD_BEHIND_RP, PCI_EXT_CAP_ID_ERR);
    uint16_t rp_aer = find_ext_cap(a, RP_DEVFN, PCI_EXT_CAP_ID_ERR);
    uint16_t enables = PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE |
                       PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE;
    g_autofree char *out = NULL;
    uint32_t status;

    g_assert(exp && rp_exp && aer && rp_aer);
    /* What the kernel's AER set-up enables. */
    qpci_config_writew(a->dev, exp + PCI_EXP_DEVCTL,
                       qpci_config_readw(a->dev, exp + PCI_EXP_DEVCTL) |
                       enables);
    qpci_config_writew(rp, rp_exp + PCI_EXP_DEVCTL,
                       qpci_config_readw(rp, rp_exp + PCI_EXP_DEVCTL) |
                       enables);
    qpci_config_writew(rp, PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_SERR);
    qtest_writel(a->qts, ecam(a, RP_DEVFN, rp_aer + PCI_ERR_ROOT_COMMAND),
                 PCI_ERR_ROOT_CMD_COR_EN | PCI_ERR_ROOT_CMD_NONFATAL_EN |
                 PCI_ERR_ROOT_CMD_FATAL_EN);

    out = qtest_hmp(a->qts, "pcie_aer_inject_error acc0 UNSUP");
    g_assert_true(g_str_has_prefix(out, "OK id: acc0 "));

    status = qtest_readl(a->qts, ecam(a, ACD_BEHIND_RP,
                                      aer + PCI_ERR_UNCOR_STATUS));
    g_assert_cmphex(status, ==, PCI_ERR_UNC_UNSUP);
    g_assert_true(qpci_config_readw(a->dev, exp + PCI_EXP_DEVSTA) &
                  PCI_EXP_DEVSTA_NFED);
    status = qtest_readl(a->qts, ecam(a, RP_DEVFN,
                                      rp_aer + PCI_ERR_ROOT_STATUS));
    g_assert_true(status & PCI_ERR_ROOT_UNCOR_RCV);
    g_assert_true(status & PCI_ERR_ROOT_NONFATAL_RCV);
    g_assert_cmphex(qtest_readw(a->qts,
                                ecam(a, RP_DEVFN,
                                     rp_aer + PCI_ERR_ROOT_ERR_SRC +
                                     ERR_SRC_UNCOR)),
                    ==, RP_BUS << 8);
    /* The device itself carries on. */
    sync_fence(a, 4);
    g_free(rp);
    acd_free(a);
}

static void test_two_devices(void)
{
    Acd *a = acd_boot_started(" -device acceldev");
    QPCIDevice *dev2 = find_acceldev(a->qs->pcibus, a->dev->devfn);
    QPCIBar bar2;
    uint64_t size;

    g_assert(dev2);
    qpci_device_enable(dev2);
    bar2 = qpci_iomap(dev2, 0, &size);
    g_assert_cmphex(size, ==, BAR_SIZE);

    /* Independent registers and queues. */
    g_assert_cmphex(qpci_io_readl(dev2, bar2, R_INTR), ==, I_FENCE_WAIT);
    g_assert_cmphex(qpci_io_readl(dev2, bar2, R_ENABLE), ==, 0);
    feed(a, D_FENCE, 11, 0, 0, 0);
    wait_reg(a, R_FENCE_LAST, 11);
    g_assert_cmphex(qpci_io_readl(dev2, bar2, R_FENCE_LAST), ==, 0);
    qpci_io_writel(dev2, bar2, R_FENCE_WAIT, 5);
    g_assert_cmphex(rd(a, R_FENCE_WAIT), ==, 0);
    g_free(dev2);
    acd_free(a);
}

/*
 * Hot-plug is the VM bench's business; this only checks that unplugging
 * a device whose thread is busy stops it cleanly, and that the same slot
 * can be reused.
 */
static void test_unplug_while_busy(void)
{
    Acd *a = acd_boot_started("");
    Acd hp = *a;
    int round, i;

    for (round = 0; round < 2; round++) {
        qtest_qmp_device_add(a->qts, "acceldev", "hp1",
                             "{'addr': '0x6', 'cmd-delay-us': 20000}");
        hp.dev = qpci_device_find(a->qs->pcibus, QPCI_DEVFN(6, 0));
        g_assert(hp.dev);
        map_device(&hp);
        g_assert_cmphex(rd(&hp, R_FREE), ==, QUEUE_SIZE);
        acd_start(&hp);
        for (i = 1; i <= 50; i++) {
            feed(&hp, D_FENCE, i, 0, 0, 0);
        }
        g_assert_cmpuint(rd(&hp, R_FREE), <, QUEUE_SIZE - 40);
        qpci_unplug_acpi_device_test(a->qts, "hp1", 6);
        g_free(hp.dev);
        g_assert_null(qpci_device_find(a->qs->pcibus, QPCI_DEVFN(6, 0)));
    }
    /* The cold-plugged device is unaffected. */
    sync_fence(a, 3);
    acd_free(a);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        { "pci-identity", test_pci_identity },
        { "regs/reset-values", test_reset_values },
        { "regs/read-write", test_register_rw },
        { "regs/intr-w1c", test_intr_w1c },
        { "irq/line-vs-intr-enable", test_irq_line },
        { "irq/raised-by-device", test_irq_from_device },
        { "queue/enable-gating", test_enable_gating },
        { "queue/free-count", test_free_count },
        { "queue/feed-overflow", test_feed_overflow },
        { "knob/queue-size-invalid", test_queue_size_invalid },
        { "knob/free-off-by-one", test_free_off_by_one },
        { "knob/feed-error-every", test_feed_error_every },
        { "knob/free-off-by-one-default-size",
          test_free_off_by_one_default_size },
        { "knob/cmd-delay-us", test_cmd_delay },
        { "knob/no-delay-by-default", test_no_delay_default },
        { "knob/runtime-cmd-delay-us", test_runtime_cmd_delay },
        { "knob/runtime-queue-size", test_runtime_queue_size },
        { "knob/runtime-free-off-by-one", test_runtime_free_off_by_one },
        { "knob/runtime-feed-error-every", test_runtime_feed_error_every },
        { "knob/runtime-wedged", test_runtime_wedged },
        { "state/read-only-properties", test_state_props },
        { "dev-cmd/nop", test_nop },
        { "dev-cmd/fence", test_fence },
        { "dev-cmd/bind-slot", test_bind_slot },
        { "dev-cmd/bind-slot-bad-slot", test_bind_slot_bad_slot },
        { "dev-cmd/bad-type", test_bad_device_cmd },
        { "dev-cmd/bad-context", test_bad_context },
        { "run/nop-fence", test_run_nop_fence },
        { "run/word-offset", test_run_word_offset },
        { "run/fence-counter-wrap", test_fence_counter_wrap },
        { "run/fill-page-boundary", test_fill_page_boundary },
        { "run/fill-whole-buffer", test_fill_whole_buffer },
        { "run/fill-large", test_fill_large },
        { "run/fill-zero-length", test_fill_zero_length },
        { "run/fill-bad-slot", test_fill_bad_slot },
        { "run/fill-unbound-slot", test_fill_unbound_slot },
        { "run/fill-after-unbind", test_fill_after_unbind },
        { "run/fill-past-end", test_fill_past_end },
        { "run/fill-beyond-4mib", test_fill_beyond_4mib },
        { "run/code-past-end", test_code_past_end },
        { "run/code-crosses-into-absent-page",
          test_code_crosses_into_absent_page },
        { "run/code-crosses-page", test_code_crosses_page },
        { "run/code-beyond-4mib", test_code_beyond_4mib },
        { "run/unknown-user-cmd", test_unknown_user_cmd },
        { "run/unaligned-offset-length", test_run_unaligned },
        { "run/fill-unaligned", test_fill_unaligned },
        { "run/partial-trailing-cmd", test_partial_trailing_cmd },
        { "run/error-context-skipped", test_error_context_skipped },
        { "run/no-private-slot-copy", test_no_private_slot_copy },
        { "dma/configs-unbacked-address", test_configs_high_address },
        { "dma/bus-master-off", test_bus_master_off },
        { "mmio/bad-access-size", test_bad_access_size },
        { "mmio/unaligned-access", test_unaligned_access },
        { "mmio/undocumented-offset", test_undocumented_offset },
        { "reset/system-reset", test_system_reset },
        { "pm/capability", test_pm_capability },
        { "pm/d3hot-stops", test_pm_d3hot_stops },
        { "pcie/absent-on-pc", test_pcie_absent_on_pc },
        { "pcie/absent-on-root-bus", test_pcie_absent_on_root_bus },
        { "pcie/capability", test_pcie_capability },
        { "pcie/aer-capability", test_pcie_aer_capability },
        { "pcie/aer-inject", test_pcie_aer_inject },
        { "multi/two-devices", test_two_devices },
        { "multi/unplug-while-busy", test_unplug_while_busy },
    };
    int i;

    g_test_init(&argc, &argv, NULL);
    if (!qtest_has_device("acceldev")) {
        g_test_skip("acceldev device not available");
        return g_test_run();
    }
    for (i = 0; i < ARRAY_SIZE(tests); i++) {
        g_autofree char *path = g_strdup_printf("acceldev/%s",
                                                tests[i].name);

        qtest_add_func(path, tests[i].fn);
    }
    for (i = 0; i < ARRAY_SIZE(reset_cases); i++) {
        g_autofree char *path = g_strdup_printf("acceldev/%s",
                                                reset_cases[i].name);

        qtest_add_data_func(path, &reset_cases[i], test_reset_case);
    }
    return g_test_run();
}
