/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acceldev_raw.h - a test drives an Acceldev function itself, with no
 * driver bound, as a driver instance would (e.g. the previous kernel's,
 * for what the next probe finds):
 *
 *  - config space through /sys/bus/pci/devices/<bdf>/config (memory
 *    space and bus master enable: acc_raw_config16(), acc_raw_set16());
 *  - BAR0 mapped from .../resource0 (acc_raw_map_bar(), acc_raw_rd(),
 *    acc_raw_wr(), acc_raw_feed()); unmap it before a driver binds;
 *  - memory whose bus addresses the test knows (struct acc_raw_mem):
 *    anonymous pages, locked, never huge, their physical addresses from
 *    /proc/self/pagemap (root only). Bus address = physical address only
 *    without an IOMMU (acc_raw_behind_iommu()): such tests skip there.
 *    Locked pages are not swapped, but compaction may still move them:
 *    a test sets /proc/sys/vm/compact_unevictable_allowed to 0 first and
 *    checks with acc_raw_mem_check() that no page moved.
 *
 * The device must never write memory the test no longer owns: a test
 * stops it (ENABLE 0, bus mastering off) or hands it to the driver, whose
 * probe does, before it frees any of it.
 */
#ifndef ACCELDEV_RAW_H
#define ACCELDEV_RAW_H

#include <dirent.h>

#include "acceldev_stress.h"

#define ACC_PCI_COMMAND		0x04
#define ACC_PCI_COMMAND_MEMORY	0x2
#define ACC_PCI_COMMAND_MASTER	0x4

/* A 16-bit register of @bdf's config space. */
static inline uint16_t acc_raw_config16(const char *bdf, unsigned int off)
{
	char path[128];
	uint16_t v;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK_MSG(fd >= 0, "%s: %s", path, acc_errname(errno));
	CHECK_MSG(pread(fd, &v, 2, off) == 2, "read %s at %#x", path, off);
	close(fd);
	return v;
}

/* Write a 16-bit register of @bdf's config space; false (errno) on error. */
static inline bool acc_raw_set16(const char *bdf, unsigned int off,
				 uint16_t v)
{
	char path[128];
	bool ok;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = pwrite(fd, &v, 2, off) == 2;
	close(fd);
	return ok;
}

/* Set (@on) or clear bits of the PCI command register of @bdf. */
static inline void acc_raw_command(const char *bdf, uint16_t bits, bool on)
{
	uint16_t cmd = acc_raw_config16(bdf, ACC_PCI_COMMAND);

	cmd = on ? cmd | bits : cmd & ~bits;
	CHECK_MSG(acc_raw_set16(bdf, ACC_PCI_COMMAND, cmd),
		  "writing %#x to %s's command register: %s", cmd, bdf,
		  acc_errname(errno));
	CHECK_MSG(acc_raw_config16(bdf, ACC_PCI_COMMAND) == cmd,
		  "%s's command register does not read %#x", bdf, cmd);
}

/* True when DMA of @bdf goes through an IOMMU (bus != physical address). */
static inline bool acc_raw_behind_iommu(const char *bdf)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	return access(path, F_OK) == 0;
}

/*
 * The PCI address of the @n-th Acceldev function in sysfs order (0: the
 * first), bound to a driver or not; false if there are fewer.
 */
static inline bool acc_raw_find(int n, char *bdf, size_t len)
{
	struct dirent **names;
	int count, found = -1;

	count = scandir("/sys/bus/pci/devices", &names, NULL, alphasort);
	for (int i = 0; i < count; i++) {
		char path[300], id[2][16] = { "", "" };
		static const char *const what[] = { "vendor", "device" };

		for (int w = 0; w < 2; w++) {
			FILE *f;

			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s",
				 names[i]->d_name, what[w]);
			f = fopen(path, "r");
			if (f && !fgets(id[w], sizeof(id[w]), f))
				id[w][0] = 0;
			if (f)
				fclose(f);
		}
		if (found < n && strtoul(id[0], NULL, 0) == ACCELDEV_VENDOR_ID &&
		    strtoul(id[1], NULL, 0) == ACCELDEV_DEVICE_ID &&
		    ++found == n) {
			CHECK(strlen(names[i]->d_name) < len);
			memcpy(bdf, names[i]->d_name,
			       strlen(names[i]->d_name) + 1);
		}
		free(names[i]);
	}
	free(names);
	return found == n;
}

/* BAR0 of @bdf, its registers (the first 4 KiB), mapped shared. */
static inline volatile uint32_t *acc_raw_map_bar(const char *bdf)
{
	char path[128];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	CHECK_MSG(fd >= 0, "%s: %s", path, acc_errname(errno));
	p = mmap(NULL, ACCELDEV_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	CHECK_MSG(p != MAP_FAILED, "mmap %s: %s", path, acc_errname(errno));
	close(fd);
	return p;
}

static inline uint32_t acc_raw_rd(volatile uint32_t *bar, uint32_t off)
{
	return bar[off / 4];
}

static inline void acc_raw_wr(volatile uint32_t *bar, uint32_t off,
			      uint32_t v)
{
	bar[off / 4] = v;
}

/* One device command: the five FEED words, word 4 last (it submits). */
static inline void acc_raw_feed(volatile uint32_t *bar, uint32_t w0,
				uint32_t w1, uint32_t w2, uint32_t w3,
				uint32_t w4)
{
	acc_raw_wr(bar, CMD_MANUAL_FEED, w0);
	acc_raw_wr(bar, CMD_MANUAL_FEED + 4, w1);
	acc_raw_wr(bar, CMD_MANUAL_FEED + 8, w2);
	acc_raw_wr(bar, CMD_MANUAL_FEED + 12, w3);
	acc_raw_wr(bar, CMD_MANUAL_FEED + 16, w4);
}

/* Locked pages and their physical addresses. */
struct acc_raw_mem {
	uint8_t *va;
	size_t pages;
	uint64_t *pa;
};

/* The physical addresses of @m's pages now, from /proc/self/pagemap. */
static inline void acc_raw_pagemap(const struct acc_raw_mem *m, uint64_t *pa)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t first = (uintptr_t)m->va / ACCELDEV_PAGE_SIZE;

	CHECK_MSG(fd >= 0, "/proc/self/pagemap: %s", acc_errname(errno));
	for (size_t i = 0; i < m->pages; i++) {
		uint64_t e;

		CHECK(pread(fd, &e, 8, (first + i) * 8) == 8);
		/* bit 63: present; bits 0-54: the PFN (0 without CAP_SYS_ADMIN) */
		CHECK_MSG((e >> 63) && (e & ((1ull << 55) - 1)),
			  "pagemap gives no PFN for a locked page (entry %#llx): "
			  "not root?", (unsigned long long)e);
		pa[i] = (e & ((1ull << 55) - 1)) * ACCELDEV_PAGE_SIZE;
		/* device page tables hold 40-bit addresses (DEVICE.md 4) */
		CHECK_MSG(pa[i] < (1ull << 40), "page at %#llx, above 1 TiB",
			  (unsigned long long)pa[i]);
	}
	close(fd);
}

/* @pages zeroed pages, locked, not huge, with their physical addresses. */
static inline void acc_raw_mem_alloc(struct acc_raw_mem *m, size_t pages)
{
	size_t len = pages * ACCELDEV_PAGE_SIZE;

	m->pages = pages;
	m->va = mmap(NULL, len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK_MSG(m->va != MAP_FAILED, "mmap %zu bytes: %s", len,
		  acc_errname(errno));
	/* EINVAL: a kernel without THP (the debug kernel), never huge */
	CHECK_MSG(madvise(m->va, len, MADV_NOHUGEPAGE) == 0 || errno == EINVAL,
		  "MADV_NOHUGEPAGE: %s", acc_errname(errno));
	CHECK_MSG(mlock(m->va, len) == 0, "mlock %zu bytes: %s", len,
		  acc_errname(errno));
	memset(m->va, 0, len);
	m->pa = calloc(pages, sizeof(*m->pa));
	CHECK(m->pa);
	acc_raw_pagemap(m, m->pa);
}

/* Fail if a page of @m is no longer where the device was told it is. */
static inline void acc_raw_mem_check(const struct acc_raw_mem *m)
{
	uint64_t *now = calloc(m->pages, sizeof(*now));

	CHECK(now);
	acc_raw_pagemap(m, now);
	for (size_t i = 0; i < m->pages; i++)
		CHECK_MSG(now[i] == m->pa[i], "page %zu moved from %#llx to "
			  "%#llx while the device used it", i,
			  (unsigned long long)m->pa[i],
			  (unsigned long long)now[i]);
	free(now);
}

/* Page @i of @m, and a device page-table entry for it. */
static inline void *acc_raw_page(const struct acc_raw_mem *m, size_t i)
{
	return m->va + i * ACCELDEV_PAGE_SIZE;
}

static inline uint32_t acc_raw_pte(const struct acc_raw_mem *m, size_t i)
{
	return (uint32_t)(m->pa[i] >> ACCELDEV_PAGE_SHIFT) << 4 | 1;
}

#endif /* ACCELDEV_RAW_H */
