// SPDX-License-Identifier: GPL-2.0
/*
 * Probe with a long RUN left executing by a previous driver instance (the
 * kdump case: the crashed kernel did not stop the device). The test plays
 * that instance: it unbinds the driver and drives the function itself
 * through BAR0 and config space, with a config array, page tables and
 * code in locked pages of its own (physical addresses from pagemap: no
 * IOMMU). A RUN of N steps (B FILLs of 4 MiB into a scratch page, then
 * step number into a progress word) ends with a FILL of a canary page;
 * a RUN of another context, writing a second canary, waits behind it.
 * While the first runs, the driver is bound again. DRIVER.md, Life
 * cycle: once probe has turned bus mastering on, the device writes
 * nowhere the new instance did not give it: the progress word stops
 * moving and neither canary is ever written; the driver then works.
 * (The debug kernel's KASAN and DMA-API debug fail the test if they
 * report anything.)
 */
// vmtest: timeout=60 tiers=debian,debug
#include "acceldev_knobs.h"
#include "acceldev_raw.h"

#define DRIVER_DIR "/sys/bus/pci/drivers/" ACCELDEV_NAME
#define COMPACT_LOCKED "/proc/sys/vm/compact_unevictable_allowed"

/* Pages of the test's memory (struct acc_raw_mem). */
enum {
	P_CONFIGS,		/* config array: contexts 0..20 fit a page */
	P_SCRATCH, P_SCRATCH_PT,	/* 4 MiB buffer, every page the same */
	P_PROGRESS, P_PROGRESS_PT,
	P_CANARY1, P_CANARY1_PT,	/* the long RUN's last FILL */
	P_CANARY2, P_CANARY2_PT,	/* the RUN queued behind it */
	P_CODE2, P_CODE2_PT,
	P_CODE_PT,
	P_CODE,			/* CODE_PAGES of code for the long RUN */
	CODE_PAGES = 1024,
	PAGES = P_CODE + CODE_PAGES,
};

#define CTX_LONG	1
#define CTX_QUEUED	2
#define CTX_CALIB	3
#define CANARY1		0xcafe0001u
#define CANARY2		0xcafe0002u
#define OLD_FENCE	0x5eedu
#define CALIB		256
#define MAX_CMDS	(CODE_PAGES * ACCELDEV_PAGE_SIZE / ACC_CMD_BYTES)

static char bdf[64];
static struct acc_raw_mem mem;
static volatile uint32_t *bar;
static enum { BOUND, UNBOUND, STARTED } state = BOUND;

/* However the test ends: the device stopped, or the driver's again. */
static void give_back(void)
{
	if (state == STARTED) {
		acc_raw_wr(bar, ACCELDEV_ENABLE, 0);
		/* the model ends the command executing (DEVICE.md 10) */
		acc_raw_set16(bdf, ACC_PCI_COMMAND,
			      acc_raw_config16(bdf, ACC_PCI_COMMAND) &
			      ~ACC_PCI_COMMAND_MASTER);
	}
	if (state != BOUND && !acc_try_write_file(DRIVER_DIR "/bind", bdf))
		fprintf(stderr, "binding %s again: %s\n", bdf,
			acc_errname(errno));
	state = BOUND;
}

static struct acceldev_context_on_device_config *config(unsigned int ctx)
{
	return (struct acceldev_context_on_device_config *)
		acc_raw_page(&mem, P_CONFIGS) + ctx;
}

static uint32_t *page_words(size_t page)
{
	return acc_raw_page(&mem, page);
}

/* The table of a buffer: entry 0, or all 1024 entries, map @page. */
static uint64_t table(size_t pt, size_t page, bool all)
{
	for (unsigned int i = 0; i < (all ? 1024u : 1u); i++)
		page_words(pt)[i] = acc_raw_pte(&mem, page);
	return mem.pa[pt];
}

/* User command @i of the long RUN's code. */
static void put(size_t i, uint32_t w0, uint32_t w1, uint32_t w2,
		uint32_t w3, uint32_t w4)
{
	size_t byte = i * ACC_CMD_BYTES;
	uint32_t w[5] = { w0, w1, w2, w3, w4 };

	for (int k = 0; k < 5; k++, byte += 4)
		page_words(P_CODE + byte / ACCELDEV_PAGE_SIZE)
			[byte % ACCELDEV_PAGE_SIZE / 4] = w[k];
}

static void run(unsigned int ctx, size_t code_pt, uint32_t bytes)
{
	acc_raw_feed(bar, ACCELDEV_DEVICE_CMD_RUN_HEADER(ctx),
		     (uint32_t)mem.pa[code_pt], mem.pa[code_pt] >> 32, 0, bytes);
}

static uint32_t progress(void)
{
	return __atomic_load_n(page_words(P_PROGRESS), __ATOMIC_RELAXED);
}

/* Words of @page that are not 0: the device wrote there. */
static unsigned int written(size_t page)
{
	const uint32_t *p = acc_raw_page(&mem, page);
	unsigned int n = 0;

	for (unsigned int i = 0; i < ACCELDEV_PAGE_SIZE / 4; i++)
		n += __atomic_load_n(&p[i], __ATOMIC_RELAXED) != 0;
	return n;
}

int main(void)
{
	const uint32_t fill = ACCELDEV_USER_CMD_TYPE_FILL;
	double t0, t_big, rate, t_bind;
	uint32_t steps, b, p_a, p0, p1, p2;
	char path[64], line[160];
	size_t cmds = 0;

	acc_require_devices(1);
	CHECK(acc_dev_bdf(0, bdf, sizeof(bdf)));
	if (acc_raw_behind_iommu(bdf))
		SKIP("%s is behind an IOMMU: its bus addresses are not the "
		     "physical addresses pagemap gives", bdf);
	if (access(COMPACT_LOCKED, F_OK) == 0)
		acc_setting_write(COMPACT_LOCKED, "0");
	acc_raw_mem_alloc(&mem, PAGES);

	/* The previous instance: the driver unbound, the device ours. */
	CHECK_MSG(acc_try_write_file(DRIVER_DIR "/unbind", bdf),
		  "unbind %s: %s", bdf, acc_errname(errno));
	state = UNBOUND;
	atexit(give_back);
	snprintf(line, sizeof(line), "echo %s >%s/bind\n", bdf, DRIVER_DIR);
	if (getenv("VMTEST_RESTORE")) {
		FILE *f = fopen(getenv("VMTEST_RESTORE"), "a");

		if (f) {
			fputs(line, f);
			fclose(f);
		}
	}
	acc_raw_command(bdf, ACC_PCI_COMMAND_MEMORY | ACC_PCI_COMMAND_MASTER,
			true);
	bar = acc_raw_map_bar(bdf);
	for (unsigned int ctx = CTX_LONG; ctx <= CTX_CALIB; ctx++) {
		config(ctx)->buffers_slots_config_ptr[0] =
			table(P_SCRATCH_PT, P_SCRATCH, true);
		config(ctx)->buffers_slots_config_ptr[1] =
			table(P_PROGRESS_PT, P_PROGRESS, false);
	}
	config(CTX_LONG)->buffers_slots_config_ptr[2] =
		table(P_CANARY1_PT, P_CANARY1, false);
	config(CTX_QUEUED)->buffers_slots_config_ptr[0] =
		table(P_CANARY2_PT, P_CANARY2, false);
	for (unsigned int i = 0; i < CODE_PAGES; i++)
		page_words(P_CODE_PT)[i] = acc_raw_pte(&mem, P_CODE + i);
	table(P_CODE2_PT, P_CODE2, false);
	acc_put_fill(page_words(P_CODE2), 0, CANARY2, 0, 0,
		     ACCELDEV_PAGE_SIZE);

	/* Started as DEVICE.md 7 says, but no interrupt: no driver here. */
	acc_raw_wr(bar, ACCELDEV_INTR, ~0u);
	acc_raw_wr(bar, ACCELDEV_INTR_ENABLE, 0);
	acc_raw_wr(bar, ACCELDEV_CONTEXTS_CONFIGS, (uint32_t)mem.pa[P_CONFIGS]);
	acc_raw_wr(bar, ACCELDEV_CONTEXTS_CONFIGS + 4, mem.pa[P_CONFIGS] >> 32);
	acc_raw_wr(bar, ACCELDEV_CMD_FENCE_LAST, 0);
	acc_raw_wr(bar, ACCELDEV_CMD_FENCE_WAIT, 0);
	acc_raw_wr(bar, ACCELDEV_ENABLE, 1);
	state = STARTED;

	/* How long a FILL of 4 MiB takes: CALIB of them, then a FENCE. */
	for (unsigned int i = 0; i < CALIB; i++)
		put(i, fill, 0x5c, 0, 0, ACCELDEV_BUFFER_MAX_SIZE);
	t0 = acc_now();
	run(CTX_CALIB, P_CODE_PT, CALIB * ACC_CMD_BYTES);
	acc_raw_feed(bar, ACCELDEV_DEVICE_CMD_TYPE_FENCE, 1, 0, 0, 0);
	while (acc_raw_rd(bar, ACCELDEV_CMD_FENCE_LAST) != 1) {
		CHECK_MSG(acc_now() - t0 < 20, "%d FILLs of 4 MiB did not "
			  "finish in 20 s (INTR %#x)", CALIB,
			  acc_raw_rd(bar, ACCELDEV_INTR));
		usleep(1000);
	}
	t_big = (acc_now() - t0) / CALIB;
	CHECK_MSG(acc_raw_rd(bar, ACCELDEV_INTR) == 0 &&
		  !(config(CTX_CALIB)->status & ACCELDEV_CONTEXT_STATUS_ERROR),
		  "calibration RUN failed: INTR %#x",
		  acc_raw_rd(bar, ACCELDEV_INTR));

	/*
	 * The long RUN: steps of about 5 ms, about 12 s in all as calibrated
	 * (on a loaded host the RUN then went 3 times as fast).
	 */
	b = t_big >= 0.005 ? 1 : (uint32_t)(0.005 / t_big);
	steps = (uint32_t)(12.0 / (b * t_big));
	if ((size_t)steps * (b + 1) + 1 > MAX_CMDS)
		steps = (MAX_CMDS - 1) / (b + 1);
	CHECK_MSG(steps * b * t_big >= 3.0, "the device fills 4 MiB in %.0f "
		  "us: %u steps of %u FILLs take under 3 s", t_big * 1e6,
		  steps, b);
	for (uint32_t s = 1; s <= steps; s++) {
		for (uint32_t k = 0; k < b; k++)
			put(cmds++, fill, 0x5c, 0, 0, ACCELDEV_BUFFER_MAX_SIZE);
		put(cmds++, fill, s, 1, 0, 4);
	}
	put(cmds++, fill, CANARY1, 2, 0, ACCELDEV_PAGE_SIZE);
	printf("long RUN: %u steps of %u FILLs of 4 MiB (%.0f us each), then "
	       "the canary; about %.1f s\n", steps, b, t_big * 1e6,
	       steps * b * t_big);
	run(CTX_LONG, P_CODE_PT, cmds * ACC_CMD_BYTES);
	run(CTX_QUEUED, P_CODE2_PT, ACC_CMD_BYTES);
	acc_raw_feed(bar, ACCELDEV_DEVICE_CMD_TYPE_FENCE, OLD_FENCE, 0, 0, 0);

	/* Running, and far from its end. */
	t0 = acc_now();
	while ((p_a = progress()) < 20) {
		CHECK_MSG(acc_now() - t0 < 10, "the long RUN made no progress "
			  "(INTR %#x)", acc_raw_rd(bar, ACCELDEV_INTR));
		usleep(1000);
	}
	t0 = acc_now();
	usleep(300 * 1000);
	p0 = progress();
	rate = (p0 - p_a) / (acc_now() - t0);
	CHECK_MSG(rate >= 20, "%.1f steps a second", rate);
	CHECK_MSG((steps - p0) / rate >= 2.0, "step %u of %u at %.0f steps a "
		  "second: too close to its end", p0, steps, rate);

	/* The next instance binds while the RUN executes. */
	munmap((void *)bar, ACCELDEV_BAR_SIZE);
	state = UNBOUND;
	t0 = acc_now();
	CHECK_MSG(acc_try_write_file(DRIVER_DIR "/bind", bdf),
		  "bind %s while the RUN executes: %s", bdf,
		  acc_errname(errno));
	state = BOUND;
	t_bind = acc_now() - t0;
	p1 = progress();
	usleep(1000 * 1000);
	p2 = progress();
	printf("step %u when bound (%.0f steps a second); the bind took %.3f "
	       "s; step %u after it, %u a second later\n", p0, rate, t_bind,
	       p1, p2);
	CHECK_MSG(!written(P_CANARY1), "the long RUN ran to its end after "
		  "the driver was bound: %u words of its canary written "
		  "(steps %u at bind, %u after it)", written(P_CANARY1), p0, p1);
	CHECK_MSG(!written(P_CANARY2), "the RUN queued by the previous "
		  "instance executed: %u words of its canary written",
		  written(P_CANARY2));
	CHECK_MSG(p2 == p1, "the device still writes our memory after the "
		  "bind: step %u, then %u a second later", p1, p2);
	CHECK_MSG(p1 < steps, "step %u of %u: the RUN ended", p1, steps);

	/* The new instance works. */
	acc_dev_path(path, sizeof(path), 0);
	CHECK_MSG(acc_wait_for_path(path, true, 10), "%s not back", path);
	acc_check_device_works(0);
	acc_raw_mem_check(&mem);
	return 0;
}
