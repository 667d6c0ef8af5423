// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation-failure injection: every kernel allocation that the driver's
 * user-visible operations make, made to fail in turn. For each operation
 * (open of /dev/acceldev0; CREATE_BUFFER of a CODE and a DATA buffer,
 * 4 KiB and 4 MiB; mmap of a 4 MiB buffer and the first touch of its
 * first page; the touch of a page whose entry was zapped (the fault
 * handler); RUN on an idle device and RUN behind a backlog; WAIT that
 * sleeps behind that backlog; close of a buffer; close of a context
 * holding buffers and a finished run), n = 1, 2, ... is written to
 * /proc/thread-self/fail-nth, so that the n-th allocation of the call
 * (slab or page allocator, any size, GFP_KERNEL included) fails, until
 * the call completes without reaching an n-th allocation. Each time:
 *  - the call succeeds (an allocation the kernel can do without, such as
 *    kvmalloc's kmalloc before its vmalloc fallback, or kmemleak's own
 *    metadata), and what it made works, or it fails with ENOMEM: the
 *    errno of every allocation failure on these paths (VFS open: getname,
 *    the struct file; the driver's context, buffer, page table, pages,
 *    scatterlist and commands; mmap's VMA, maple tree nodes and page
 *    tables; the fd table). Any other errno (EFAULT, EINVAL, ENFILE, ...)
 *    fails the test, as does a failure when nothing was made to fail;
 *  - a failed open or CREATE_BUFFER leaves no fd behind; close and WAIT
 *    never fail.
 * Afterwards the context whose DATA buffers were walked can still bind
 * all 16 slots, the runs that were accepted execute (a FILL + FENCE
 * after them lands), the device's context count is back where it was,
 * 255 contexts can still be opened, and both devices serve a new context
 * (FILL + FENCE, WAIT, data checked). The bench's kmemleak scan after the
 * VM's last test shows whether an error path leaked.
 *
 * The test prints each operation's injection points and the number of
 * (operation, injection point) pairs covered. A 4 MiB CREATE_BUFFER
 * passes about 5400 points (per 4 KiB page: the page, its scatterlist,
 * and the debug kernel's own bookkeeping), and each injection costs a
 * CREATE_BUFFER up to that point (about 2.5 s for a whole one on the
 * debug kernel under TCG), so for those two the first HEAD points (the
 * buffer, its arrays, the page table, the first pages) and MIDDLE points
 * spread over the rest of the pages (the same few per page; the unwind
 * of up to a thousand pages) are injected, then the walk stops. Their
 * last points (the file, the slot's commands) are those of the 4 KiB
 * walks; the count varies by some dozens from call to call (slab pages,
 * the debug kernel's pools), so "the last 16" cannot be aimed at. The
 * 32-bit variant (FAULT_INJECT_NO_BIG) leaves the 4 MiB ones out: the
 * compat handler only reads the argument differently.
 *
 * Needs fail-nth and the failslab / fail_page_alloc attributes
 * (acceldev_fault.h, the bench's debug kernel): on Debian's kernel it is
 * skipped ("SKIP:", exit 4).
 */
// vmtest: timeout=300 tiers=debug
#include "acceldev_fault.h"

#define BIG ACCELDEV_BUFFER_MAX_SIZE
#define SMALL 4096
#define HEAD 32
#define MIDDLE 8

static bool op_open(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), fd, err;
	bool inj;

	acc_fault_arm(n);
	fd = acc_try_open(w->dev);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, fd, err, ENOMEM);
	if (fd >= 0)
		CHECK(close(fd) == 0);
	CHECK_MSG(acc_lowest_free_fd() == low, "%s: fd left behind (n=%u)",
		  w->name, n);
	return inj;
}

static bool op_create(struct acc_fault_walk *w, unsigned int n, int size,
		      int type)
{
	int low = acc_lowest_free_fd(), fd, err;
	uint32_t slot = ~0u;
	bool inj;

	acc_fault_arm(n);
	fd = acc_try_create_buffer(w->ctx, size, type, &slot);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, fd, err, ENOMEM);
	if (fd >= 0) {
		if (type == BUFFER_TYPE_DATA)
			CHECK_MSG(slot < ACCELDEV_NUM_BUFFERS, "%s: n=%u: slot "
				  "%u", w->name, n, slot);
		CHECK(close(fd) == 0);
	}
	CHECK_MSG(acc_lowest_free_fd() == low, "%s: fd left behind (n=%u)",
		  w->name, n);
	return inj;
}

static bool op_code_small(struct acc_fault_walk *w, unsigned int n)
{
	return op_create(w, n, SMALL, BUFFER_TYPE_CODE);
}

static bool op_data_small(struct acc_fault_walk *w, unsigned int n)
{
	return op_create(w, n, SMALL, BUFFER_TYPE_DATA);
}

static bool op_code_big(struct acc_fault_walk *w, unsigned int n)
{
	return op_create(w, n, BIG, BUFFER_TYPE_CODE);
}

static bool op_data_big(struct acc_fault_walk *w, unsigned int n)
{
	return op_create(w, n, BIG, BUFFER_TYPE_DATA);
}

/* mmap of the 4 MiB buffer w->aux, then a write and a read of page 0. */
static bool op_mmap_touch(struct acc_fault_walk *w, unsigned int n)
{
	return acc_fault_mmap_touch(w, n, w->aux, 0, BIG);
}

/* A page whose entry was zapped: the fault handler maps it again. */
static bool op_touch_zapped(struct acc_fault_walk *w, unsigned int n)
{
	volatile uint32_t *p = acc_map(w->aux, 2 * SMALL);
	uint32_t v = 0x2a900000u + n, got;
	bool inj;

	p[SMALL / 4] = v;
	CHECK(madvise((void *)p, 2 * SMALL, MADV_DONTNEED) == 0);
	acc_fault_arm(n);
	got = p[SMALL / 4];
	inj = acc_fault_disarm();
	w->calls++;
	if (inj)
		w->absorbed++;
	CHECK_MSG(got == v, "%s: n=%u: read %#x after the zap, wrote %#x",
		  w->name, n, got, v);
	CHECK(munmap((void *)p, 2 * SMALL) == 0);
	return inj;
}

/* RUN of one NOP (code buffer w->aux at 0). */
static bool op_run(struct acc_fault_walk *w, unsigned int n)
{
	int ret, err;
	bool inj;

	acc_fault_arm(n);
	ret = acc_try_run(w->ctx, w->aux, 0, ACC_CMD_BYTES);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, ENOMEM);
	return inj;
}

/* WAIT for the fence of a RUN submitted behind the backlog. */
static bool op_wait(struct acc_fault_walk *w, unsigned int n)
{
	int ret, err;
	bool inj;

	acc_run(w->ctx, w->aux, ACC_CMD_BYTES, ACC_CMD_BYTES);	/* FENCE */
	acc_fault_arm(n);
	ret = acc_try_wait(w->ctx, (uint32_t)w->dev);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, 0);
	w->dev++;	/* the next fence number */
	return inj;
}

/* close of a DATA buffer of w->ctx, mapped and unmapped before. */
static bool op_close_buffer(struct acc_fault_walk *w, unsigned int n)
{
	int fd = acc_create_buffer(w->ctx, SMALL, BUFFER_TYPE_DATA, NULL);
	int ret, err;
	bool inj;

	CHECK(munmap(acc_map(fd, SMALL), SMALL) == 0);
	acc_fault_arm(n);
	ret = close(fd);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, 0);
	return inj;
}

/*
 * close of a fresh context with a code and a data buffer (which outlive
 * it) and a finished FILL + FENCE.
 */
static bool op_close_context(struct acc_fault_walk *w, unsigned int n)
{
	int ctx = acc_open(w->dev), code, data, ret, err;
	uint32_t slot, *c;
	bool inj;

	code = acc_create_buffer(ctx, SMALL, BUFFER_TYPE_CODE, NULL);
	data = acc_create_buffer(ctx, SMALL, BUFFER_TYPE_DATA, &slot);
	c = acc_map(code, SMALL);
	acc_put_fence(c, acc_put_fill(c, 0, n, slot, 0, 64));
	CHECK(munmap(c, SMALL) == 0);
	acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, 1);
	acc_fault_arm(n);
	ret = close(ctx);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, 0);
	CHECK(close(code) == 0);
	CHECK(close(data) == 0);
	return inj;
}

/* 16 DATA buffers on @ctx, distinct slots: none leaked by the walk. */
static void check_all_slots(int ctx)
{
	int fds[ACCELDEV_NUM_BUFFERS];
	uint32_t slot, seen = 0;

	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++) {
		fds[i] = acc_create_buffer(ctx, SMALL, BUFFER_TYPE_DATA, &slot);
		CHECK_MSG(!(seen & 1u << slot), "slot %u twice", slot);
		seen |= 1u << slot;
	}
	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++)
		CHECK(close(fds[i]) == 0);
}

/* FILL + FENCE on @ctx after its walked runs: fence @fence lands. */
static void check_runs_done(int ctx, uint32_t fence)
{
	int code = acc_create_buffer(ctx, SMALL, BUFFER_TYPE_CODE, NULL);
	uint32_t slot, *c = acc_map(code, SMALL);
	int data = acc_create_buffer(ctx, SMALL, BUFFER_TYPE_DATA, &slot);
	uint32_t *d = acc_map(data, SMALL);

	acc_put_fence(c, acc_put_fill(c, 0, 0xfa11u, slot, 0, SMALL));
	acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, fence);
	for (unsigned int i = 0; i < SMALL / 4; i++)
		CHECK_MSG(d[i] == 0xfa11u, "word %u is %#x", i, d[i]);
	munmap(c, SMALL);
	munmap(d, SMALL);
	close(code);
	close(data);
}

int main(void)
{
	struct acc_fault_walk w[] = {
		{ .name = "open",			.op = op_open },
		{ .name = "CREATE_BUFFER code 4K",	.op = op_code_small },
		{ .name = "CREATE_BUFFER data 4K",	.op = op_data_small },
		{ .name = "CREATE_BUFFER code 4M",	.op = op_code_big,
		  .head = HEAD, .middle = MIDDLE },
		{ .name = "CREATE_BUFFER data 4M",	.op = op_data_big,
		  .head = HEAD, .middle = MIDDLE },
		{ .name = "mmap 4M + first touch",	.op = op_mmap_touch },
		{ .name = "touch of a zapped page",	.op = op_touch_zapped },
		{ .name = "RUN, idle device",		.op = op_run },
		{ .name = "RUN behind a backlog",	.op = op_run, .dev = 1 },
		{ .name = "WAIT behind a backlog",	.op = op_wait, .dev = 1 },
		{ .name = "close of a buffer",		.op = op_close_buffer },
		{ .name = "close of a context",		.op = op_close_context },
	};
	const int nw = sizeof(w) / sizeof(w[0]);
	int walked = 0;
	int ctx0, ctx1, code0, code1, big, fds[ACCELDEV_MAX_CONTEXTS];
	uint32_t fence1 = 1;
	long contexts0;
	uint32_t *c;
	double t0 = acc_now();

	acc_fault_setup();
	acc_require_devices(2);
	/* Device 1: 4 queue entries, 2 ms a command, for a backlog. */
	ctx1 = acc_backlog_context(1, "2000", &code1);

	contexts0 = acc_sysfs_read(0, "contexts");
	ctx0 = acc_open(0);
	code0 = acc_create_buffer(ctx0, SMALL, BUFFER_TYPE_CODE, NULL);
	c = acc_map(code0, SMALL);
	acc_put_fence(c, acc_put_nop(c, 0));
	munmap(c, SMALL);
	big = acc_create_buffer(ctx0, BIG, BUFFER_TYPE_DATA, NULL);

	for (int i = 0; i < nw; i++) {
#ifdef FAULT_INJECT_NO_BIG
		if (w[i].head)
			continue;
#endif
		if (w[i].dev == 1) {
			w[i].ctx = ctx1;
			w[i].aux = code1;
		} else {
			w[i].ctx = ctx0;
			w[i].aux = w[i].op == op_run ? code0 : big;
		}
		if (w[i].op == op_run && w[i].dev == 1) {
			/* 40 NOP runs: 80 ms of work behind 4 entries */
			for (int k = 0; k < 40; k++)
				acc_run(ctx1, code1, 0, ACC_CMD_BYTES);
			CHECK_MSG(acc_sysfs_read(1, "runs_backlogged") > 0,
				  "no backlog on /dev/acceldev1");
		}
		if (w[i].op == op_wait)
			w[i].dev = 1;	/* fence numbers from 1 */
		acc_fault_walk(&w[i]);
		if (w[i].op == op_wait)
			fence1 = (uint32_t)w[i].dev;
	}

	/* Those that allocate had failures: injection works. */
	for (int i = 0; i < nw; i++)
		if (w[i].calls && w[i].op != op_wait &&
		    w[i].op != op_touch_zapped && w[i].op != op_close_buffer &&
		    w[i].op != op_close_context)
			CHECK_MSG(w[i].failed > 0, "%s: no allocation failure "
				  "reached user space: is injection working?",
				  w[i].name);

	close(big);
	check_all_slots(ctx0);
	check_runs_done(ctx0, 1);
	check_runs_done(ctx1, fence1);
	close(code0);
	close(code1);
	close(ctx0);
	close(ctx1);
	CHECK_MSG(acc_sysfs_read(0, "contexts") == contexts0,
		  "%ld contexts open on /dev/acceldev0, %ld before",
		  acc_sysfs_read(0, "contexts"), contexts0);
	for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++)
		fds[i] = acc_open(0);
	for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++)
		CHECK(close(fds[i]) == 0);
	acc_check_device_works(0);
	acc_check_device_works(1);
	for (int i = 0; i < nw; i++)
		walked += w[i].calls > 0;
	printf("fault_inject_alloc: %d operations, %lu (operation, injection "
	       "point) pairs, %.1f s\n", walked, acc_fault_pairs,
	       acc_now() - t0);
	return 0;
}
