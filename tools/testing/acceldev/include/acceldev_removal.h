/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acceldev_removal.h - take a device's PCI function away and bring it
 * back, the two ways the tests do it:
 *
 *  - ACC_REMOVAL_SYSFS: `echo 1 > /sys/bus/pci/devices/<bdf>/remove`,
 *    which returns once the driver's remove has; a PCI rescan brings it
 *    back.
 *  - ACC_REMOVAL_HOTPLUG: QEMU's device_del through vmtest-monitor (ACPI
 *    hot-unplug; the function is gone once its sysfs folder is), then
 *    device_add of a new Acceldev with the same QEMU id in the same place
 *    (and a rescan, if the hot-plug event did not probe it already).
 *
 *	struct acc_removal r;
 *
 *	acc_removal_prepare(&r, 1, ACC_REMOVAL_HOTPLUG);  before anything
 *							    is opened: may
 *							    fork (knobs) or
 *							    skip the test
 *	...
 *	acc_removal_remove(&r);
 *	...
 *	acc_removal_restore(&r);
 *
 * acc_removal_prepare() makes the process the knobs' guardian
 * (acceldev_knobs.h): a device missing when the test ends is added back
 * (device_add, for HOTPLUG) and the bus rescanned.
 *
 * The mapping tests (mapping_outlives_removal and its accel twin) share
 * their data: acc_mapped_user_fill() writes every word of a mapped DATA
 * buffer from user space, acc_mapped_put_fills() writes the device's FILLs
 * over most of each page (a round's own values) and a FENCE,
 * acc_mapped_check() compares a mapping with what both wrote last, and
 * acc_mapped_after_removal() checks that two mappings of a removed
 * device's buffer still share memory holding that data, and stay
 * writable (also from a forked child). acc_mapped_pfns() reads the page
 * frames behind a mapping (/proc/self/pagemap, root only), so that a
 * test can check that none of them is a page removal gave back to the
 * DMA API (DRIVER.md: user mappings by the DMA API's rules).
 */
#ifndef ACCELDEV_REMOVAL_H
#define ACCELDEV_REMOVAL_H

#include "acceldev_knobs.h"

enum acc_removal_how { ACC_REMOVAL_SYSFS, ACC_REMOVAL_HOTPLUG };

struct acc_removal {
	int dev;
	enum acc_removal_how how;
	struct acc_qemu_dev q;	/* bdf always; the rest for HOTPLUG */
};

static inline const char *acc_removal_name(const struct acc_removal *r)
{
	return r->how == ACC_REMOVAL_SYSFS ? "sysfs remove" : "device_del";
}

/*
 * Find /dev/acceldev@dev's PCI function (and for HOTPLUG its QEMU id and
 * place). HOTPLUG skips the test (exit 4) without the bench's monitor or
 * where the guest has no hot-plug slot for the function.
 */
static inline void acc_removal_prepare(struct acc_removal *r, int dev,
				       enum acc_removal_how how)
{
	char cmd[160];

	memset(r, 0, sizeof(*r));
	r->dev = dev;
	r->how = how;
	/* The guardian brings back a device the test leaves removed. */
	acc_knobs_start();
	if (how == ACC_REMOVAL_SYSFS) {
		CHECK_MSG(acc_dev_bdf(dev, r->q.bdf, sizeof(r->q.bdf)),
			  "/dev/acceldev%d: no PCI device behind it", dev);
		return;
	}
	acc_require_monitor("hot-unplug a device");
	acc_dev_qemu(dev, &r->q);
	if (!acc_pci_hotpluggable(r->q.bdf))
		SKIP("the guest kernel has no hot-plug slot at %s", r->q.bdf);
	CHECK_MSG(r->q.place[0], "the device at %s sits behind a bridge "
		  "without a QEMU id: a new one cannot be put in its place",
		  r->q.bdf);
	snprintf(cmd, sizeof(cmd), "device_add acceldev,id=%s,%s", r->q.id,
		 r->q.place);
	acc_knobs_readd(dev, cmd);
}

/*
 * Remove the function; returns once the driver's remove has returned
 * (for HOTPLUG: once the function's sysfs folder is gone).
 */
static inline void acc_removal_remove(struct acc_removal *r)
{
	char path[PATH_MAX], out[256];

	if (r->how == ACC_REMOVAL_SYSFS) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove",
			 r->q.bdf);
		acc_write_file(path, "1");
		return;
	}
	CHECK_MSG(acc_monitor(out, sizeof(out), "device_del %s", r->q.id) == 0,
		  "device_del %s: %s", r->q.id, out);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", r->q.bdf);
	CHECK_MSG(acc_wait_for_path(path, false, 60), "%s still there 60 s "
		  "after device_del", path);
}

/* Bring a function back; /dev/acceldev@dev must reappear. */
static inline void acc_removal_restore(struct acc_removal *r)
{
	char path[64], out[256];

	if (r->how == ACC_REMOVAL_SYSFS) {
		acc_rescan_expect(r->dev);
		return;
	}
	/* QEMU frees the id and the slot once the guest has ejected it. */
	for (int i = 0; acc_monitor(out, sizeof(out), "device_add acceldev,"
				    "id=%s,%s", r->q.id, r->q.place); i++) {
		CHECK_MSG(i < 60, "device_add acceldev,id=%s,%s failed for "
			  "30 s: %s", r->q.id, r->q.place, out);
		usleep(500 * 1000);
	}
	acc_dev_path(path, sizeof(path), r->dev);
	if (!acc_wait_for_path(path, true, 5))
		acc_write_file("/sys/bus/pci/rescan", "1");
	CHECK_MSG(acc_wait_for_path(path, true, 20),
		  "%s did not come back after device_add", path);
}

/* ---------------------------------------------------------------- */
/* Mapped data that outlives a removal                               */
/* ---------------------------------------------------------------- */

/* What user space writes into word @i before the device's FILLs. */
static inline uint32_t acc_mapped_user_word(size_t i)
{
	return 0x5e000000u ^ (uint32_t)i;
}

/*
 * The device's FILL of page @p in round @round covers bytes [16 * p + 4,
 * 4096 - 8) of the page, with value 0xd0000000 | p << 8 | round: each
 * page's own value and edges, user words left around them.
 */
static inline uint32_t acc_mapped_fill_value(int round, size_t page)
{
	return 0xd0000000u | (uint32_t)page << 8 | (uint32_t)round;
}

/* The word @i of the buffer once the round's FILLs have run. */
static inline uint32_t acc_mapped_expect(int round, size_t i)
{
	size_t page = i / 1024, off = i % 1024 * 4;

	if (off >= 16 * (page % 64) + 4 && off < 4096 - 8)
		return acc_mapped_fill_value(round, page);
	return acc_mapped_user_word(i);
}

static inline void acc_mapped_user_fill(volatile uint32_t *m, size_t len)
{
	for (size_t i = 0; i < len / 4; i++)
		m[i] = acc_mapped_user_word(i);
}

/*
 * One FILL per page of a @len-byte DATA buffer in slot @slot, then a
 * FENCE, from word 0 of @code; returns the words used.
 */
static inline size_t acc_mapped_put_fills(uint32_t *code, uint32_t slot,
					  size_t len, int round)
{
	size_t w = 0;

	for (size_t p = 0; p < len / 4096; p++) {
		uint32_t start = (uint32_t)(p * 4096 + 16 * (p % 64) + 4);

		w = acc_put_fill(code, w, acc_mapped_fill_value(round, p), slot,
				 start, (uint32_t)(p * 4096 + 4096 - 8) - start);
	}
	return acc_put_fence(code, w);
}

/* Every word of mapping @m (@len bytes) is what @round left there. */
static inline void acc_mapped_check(const volatile uint32_t *m, size_t len,
				    int round, const char *what)
{
	for (size_t i = 0; i < len / 4; i++)
		CHECK_MSG(m[i] == acc_mapped_expect(round, i), "%s: word %zu "
			  "(page %zu) is %#x, want %#x", what, i, i / 1024, m[i],
			  acc_mapped_expect(round, i));
}

/*
 * The page frame behind each page of mapping @m (@len bytes) now, into
 * @pfn; every page must be present (touch them first).
 */
static inline void acc_mapped_pfns(const volatile void *m, size_t len,
				   uint64_t *pfn)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t e;

	CHECK_MSG(fd >= 0, "/proc/self/pagemap: %s", acc_errname(errno));
	for (size_t p = 0; p < len / 4096; p++) {
		off_t off = (off_t)(((uintptr_t)m / 4096 + p) * sizeof(e));

		CHECK(pread(fd, &e, sizeof(e), off) == (ssize_t)sizeof(e));
		/* bit 63: present; bits 0-54: the frame (0 without CAP_SYS_ADMIN) */
		CHECK_MSG((e >> 63) && (e & ((1ull << 55) - 1)), "pagemap: page "
			  "%zu of the mapping is not present (entry %#llx)", p,
			  (unsigned long long)e);
		pfn[p] = e & ((1ull << 55) - 1);
	}
	close(fd);
}

/*
 * No page of mapping @m (@len bytes, touched) is one of the @n frames in
 * @before: what the same buffer's coherent allocations were, given back
 * to the DMA API at removal. (Another buffer's may be reused for copies:
 * given back, they are free memory.)
 */
static inline void acc_mapped_moved(const volatile void *m, size_t len,
				    const uint64_t *before, size_t n,
				    const char *what)
{
	uint64_t now[1024];

	CHECK(len / 4096 <= 1024);
	acc_mapped_pfns(m, len, now);
	for (size_t p = 0; p < len / 4096; p++)
		for (size_t i = 0; i < n; i++)
			CHECK_MSG(now[p] != before[i], "%s: page %zu still maps "
				  "frame %#llx, the device's coherent memory "
				  "before removal (given back to the DMA API)",
				  what, p, (unsigned long long)now[p]);
}

/*
 * @m1 and @m2 map the same DATA buffer (@len bytes) of a device just
 * removed: both still read what the device and user space last wrote;
 * words written through one are read through the other; a forked child
 * reads them too and its own writes reach the parent's mappings.
 */
static inline void acc_mapped_after_removal(volatile uint32_t *m1,
					    volatile uint32_t *m2, size_t len,
					    int round)
{
	size_t n = len / 4;
	pid_t pid;
	int st;

	acc_mapped_check(m1, len, round, "first mapping after removal");
	acc_mapped_check(m2, len, round, "second mapping after removal");
	for (size_t i = 0; i < n; i++)
		m1[i] = ~acc_mapped_expect(round, i);
	for (size_t i = 0; i < n; i++)
		CHECK_MSG(m2[i] == ~acc_mapped_expect(round, i), "word %zu "
			  "written through the first mapping after removal "
			  "reads %#x through the second, want %#x", i, m2[i],
			  ~acc_mapped_expect(round, i));
	fflush(NULL);
	pid = fork();
	CHECK_MSG(pid >= 0, "fork: %s", acc_errname(errno));
	if (pid == 0) {
		for (size_t i = 0; i < n; i++)
			if (m2[i] != ~acc_mapped_expect(round, i)) {
				fprintf(stderr, "FAIL: the child reads %#x at "
					"word %zu\n", m2[i], i);
				_exit(1);
			}
		for (size_t i = n / 2; i < n; i++)
			m2[i] = (uint32_t)i * 2654435761u;
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's checks "
		  "of the mapping failed (status %#x)", st);
	for (size_t i = 0; i < n; i++) {
		uint32_t want = i < n / 2 ? ~acc_mapped_expect(round, i) :
			(uint32_t)i * 2654435761u;

		CHECK_MSG(m1[i] == want, "word %zu after the child's writes: "
			  "%#x, want %#x", i, m1[i], want);
	}
}

#endif /* ACCELDEV_REMOVAL_H */
