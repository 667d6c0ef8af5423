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

#endif /* ACCELDEV_FAULT_H */
