/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acceldev_fault.h - allocation-failure injection for the tests, through
 * /proc/thread-self/fail-nth (Documentation/fault-injection/).
 *
 *	acc_fault_setup();		skip unless the kernel can; set up
 *	acc_fault_arm(n);		the n-th allocation from now fails
 *	fd = open(...);			the call under test
 *	injected = acc_fault_disarm();	did it reach its n-th allocation?
 *
 * fail-nth counts every fault point the thread passes (slab and page
 * allocations, of any caller: the VFS, mm, the driver, kmemleak's own
 * metadata), so the call right after acc_fault_arm() is the one that
 * meets the failure, if it allocates n times. acc_fault_disarm() reads
 * what is left (0: the failure was injected) and stops the countdown.
 *
 * Needs CONFIG_FAULT_INJECTION (fail-nth), FAILSLAB, FAIL_PAGE_ALLOC and
 * FAULT_INJECTION_DEBUG_FS, as in the bench's debug kernel; without them
 * (Debian's kernel) acc_fault_setup() skips the test: "SKIP: ..." and
 * exit 4. fail-nth only fails an allocation its attributes accept, and
 * by default those leave out every allocation that may sleep
 * (ignore-gfp-wait) and, for pages, order 0 (min-order 1) and highmem:
 * acc_fault_setup() sets them to accept all, with no console report per
 * failure (verbose 0), through acc_setting_write(), which puts the old
 * values back when the test ends (the process becomes the guardian of
 * acceldev_knobs.h: call it first in main()).
 *
 * DMA-API debugging (the debug kernel) records each coherent allocation
 * in a radix tree, with GFP_ATOMIC: made to fail there, it would switch
 * itself off for the rest of the boot ("DMA-API: cacheline tracking
 * ENOMEM, dma-debug disabled", a failure for the bench). A failed atomic
 * radix tree node falls back to the CPU's preload pool, which every fork
 * fills (alloc_pid()'s idr_preload()): so acc_fault_setup() keeps the
 * thread on CPU 0, and acc_fault_arm() forks to top that pool up before
 * every ACC_FAULT_REFILL-th injection (a call takes at most one node
 * from it, and the pool holds 21).
 */
#ifndef ACCELDEV_FAULT_H
#define ACCELDEV_FAULT_H

#include "acceldev_knobs.h"

#define ACC_FAIL_NTH "/proc/thread-self/fail-nth"
#define ACC_FAILSLAB "/sys/kernel/debug/failslab"
#define ACC_FAIL_PAGE "/sys/kernel/debug/fail_page_alloc"

#include <sys/syscall.h>
#include <sys/wait.h>

#define ACC_FAULT_REFILL 8

static int acc_fault_fd = -1;
static unsigned int acc_fault_left;	/* fail-nth after the last call */
static unsigned int acc_fault_arms;

static inline void acc_fault_attr(const char *dir, const char *file,
				  const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	acc_setting_write(path, value);
}

static inline void acc_fault_setup(void)
{
	unsigned long cpu0 = 1;

	if (access(ACC_FAIL_NTH, F_OK) != 0) {
		fprintf(stderr, "SKIP: no " ACC_FAIL_NTH " (a kernel without "
			"CONFIG_FAULT_INJECTION; the debug kernel has it)\n");
		exit(ACC_EXIT_KSFT_SKIP);
	}
	if (access(ACC_FAILSLAB "/ignore-gfp-wait", F_OK) != 0 ||
	    access(ACC_FAIL_PAGE "/min-order", F_OK) != 0) {
		fprintf(stderr, "SKIP: no " ACC_FAILSLAB " or " ACC_FAIL_PAGE
			" (needs FAILSLAB, FAIL_PAGE_ALLOC and "
			"FAULT_INJECTION_DEBUG_FS)\n");
		exit(ACC_EXIT_KSFT_SKIP);
	}
	acc_fault_attr(ACC_FAILSLAB, "ignore-gfp-wait", "N");
	acc_fault_attr(ACC_FAILSLAB, "verbose", "0");
	acc_fault_attr(ACC_FAIL_PAGE, "ignore-gfp-wait", "N");
	acc_fault_attr(ACC_FAIL_PAGE, "ignore-gfp-highmem", "N");
	acc_fault_attr(ACC_FAIL_PAGE, "min-order", "0");
	acc_fault_attr(ACC_FAIL_PAGE, "verbose", "0");
	CHECK_MSG(syscall(SYS_sched_setaffinity, 0, sizeof(cpu0), &cpu0) == 0,
		  "sched_setaffinity(CPU 0): %s", acc_errname(errno));
	acc_fault_fd = open(ACC_FAIL_NTH, O_RDWR | O_CLOEXEC);
	CHECK_MSG(acc_fault_fd >= 0, ACC_FAIL_NTH ": %s", acc_errname(errno));
}

/* The calling thread's n-th allocation from now fails (n from 1). */
static inline void acc_fault_arm(unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	if (acc_fault_arms++ % ACC_FAULT_REFILL == 0) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		CHECK_MSG(pid > 0 && waitpid(pid, NULL, 0) == pid,
			  "fork: %s", acc_errname(errno));
	}
	if (write(acc_fault_fd, s, len) != len)
		FAIL("write %u to " ACC_FAIL_NTH ": %s", n, acc_errname(errno));
}

/* Stop the countdown; true if the failure was injected. */
static inline bool acc_fault_disarm(void)
{
	char s[16] = "";
	ssize_t len = pread(acc_fault_fd, s, sizeof(s) - 1, 0);

	if (len <= 0)
		FAIL("read " ACC_FAIL_NTH ": %s", acc_errname(errno));
	acc_fault_left = strtoul(s, NULL, 10);
	if (write(acc_fault_fd, "0", 1) != 1)
		FAIL("write 0 to " ACC_FAIL_NTH ": %s", acc_errname(errno));
	return acc_fault_left == 0;
}

/*
 * Walking one operation's injection points (acc_fault_walk()). @op makes
 * the call once with its @n-th allocation failing (acc_fault_arm(n), the
 * call, acc_fault_disarm()), judges the result with acc_fault_judge() and
 * returns whether the failure was injected. @ctx, @aux, @dev are the
 * operation's own. A walk with @head set is sampled: the first @head
 * points, then @middle more spread up to 15/16 of the operation's count,
 * and it stops there.
 */
#define ACC_FAULT_PROBE_N (1u << 30)
#define ACC_FAULT_MAX_POINTS 100000u

struct acc_fault_walk {
	const char *name;
	bool (*op)(struct acc_fault_walk *w, unsigned int n);
	unsigned int head, middle;
	int ctx, aux, dev;
	unsigned int points, failed, absorbed, calls;
};

/* (operation, injection point) pairs walked so far. */
static unsigned long acc_fault_pairs;

/*
 * Judge one call made with the n-th allocation failing: @ret -1 with
 * @err, or success. @ok_err is the errno a failure may have (0: none).
 */
static inline void acc_fault_judge(struct acc_fault_walk *w, unsigned int n,
				   bool injected, long ret, int err,
				   int ok_err)
{
	w->calls++;
	if (ret != -1) {
		if (injected)
			w->absorbed++;
		return;
	}
	CHECK_MSG(injected, "%s: failed with %s although no allocation was "
		  "made to fail (fail-nth %u, %u left)", w->name,
		  acc_errname(err), n, acc_fault_left);
	CHECK_MSG(ok_err && err == ok_err, "%s: allocation %u made to fail: "
		  "%s, expected %s", w->name, n, acc_errname(err),
		  ok_err ? acc_errname(ok_err) : "success");
	w->failed++;
}

/* The number of allocations the operation makes when none fails. */
static inline unsigned int acc_fault_count_points(struct acc_fault_walk *w)
{
	unsigned int calls = w->calls;

	CHECK_MSG(!w->op(w, ACC_FAULT_PROBE_N), "%s: %u allocations?",
		  w->name, ACC_FAULT_PROBE_N);
	w->calls = calls;
	return ACC_FAULT_PROBE_N - acc_fault_left;
}

/*
 * n = 1, 2, ... until a call completes without reaching its n-th
 * allocation (or, sampled, until the last sample); prints the figures.
 */
static inline void acc_fault_walk(struct acc_fault_walk *w)
{
	unsigned int n = 1, total = 0, step = 0, middle = 0;
	double t0 = acc_now();

	if (w->head) {
		total = acc_fault_count_points(w);
		CHECK_MSG(total > 2 * w->head, "%s: only %u allocations",
			  w->name, total);
		step = (total - total / 16 - w->head) / w->middle;
	}
	for (;;) {
		if (!w->op(w, n))
			break;
		w->points++;
		CHECK_MSG(n < ACC_FAULT_MAX_POINTS, "%s: still failing at "
			  "n=%u", w->name, n);
		if (w->head && n >= w->head && ++middle > w->middle)
			break;
		n += w->head && n >= w->head ? step : 1;
	}
	acc_fault_pairs += w->points;
	if (w->head)
		printf("%-30s %4u points of %u injected, %u ENOMEM, %u "
		       "absorbed, %.1f s\n", w->name, w->points, total,
		       w->failed, w->absorbed, acc_now() - t0);
	else
		printf("%-30s %4u points, %u ENOMEM, %u absorbed, %.1f s\n",
		       w->name, w->points, w->failed, w->absorbed,
		       acc_now() - t0);
	fflush(stdout);
}

/*
 * An operation: mmap of @len bytes of @fd at @offset (shared, read and
 * write), then a write and a read of its first word, with the n-th
 * allocation failing. ENOMEM, or the word reads back and the last one
 * reads 0. Return: whether the failure was injected.
 */
static inline bool acc_fault_mmap_touch(struct acc_fault_walk *w,
					unsigned int n, int fd, off_t offset,
					size_t len)
{
	uint32_t v = 0x5eed0000u + n, got = 0;
	volatile uint32_t *p;
	bool inj;
	int err;

	acc_fault_arm(n);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
	err = errno;
	if (p != MAP_FAILED) {
		p[0] = v;
		got = p[0];
	}
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, p == MAP_FAILED ? -1 : 0, err, ENOMEM);
	if (p != MAP_FAILED) {
		CHECK_MSG(got == v, "%s: n=%u: read back %#x, wrote %#x",
			  w->name, n, got, v);
		CHECK(p[len / 4 - 1] == 0);
		CHECK(munmap((void *)p, len) == 0);
	}
	return inj;
}

#endif /* ACCELDEV_FAULT_H */
