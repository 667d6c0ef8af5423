// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation-failure injection on the accel node (/dev/accel/accelN,
 * uapi/acceldev_accel.h): every kernel allocation that a user-visible
 * operation of the node makes, made to fail in turn through
 * /proc/thread-self/fail-nth (acceldev_fault.h), n = 1, 2, ... until the
 * call completes without reaching an n-th allocation. The operations:
 * open; GET_PARAM; BO_CREATE of a CODE and a DATA object, 4 KiB and
 * 4 MiB; BO_INFO; mmap of the 4 MiB DATA object and the first touch of
 * its first page; SUBMIT without syncobjs, with a binary in-syncobj, a
 * timeline in-syncobj (a point), a binary out-syncobj and a timeline
 * out-syncobj (a new point each time); WAIT; PRIME export of a DATA
 * object (HANDLE_TO_FD); PRIME import (FD_TO_HANDLE) of a DATA object of
 * the other device, of a system dma-heap buffer and of a udmabuf; GEM
 * close of a DATA object and of an import; close of a file holding
 * objects, a finished job, a syncobj and an exported dma-buf. Each call:
 *  - succeeds (an allocation the kernel can do without), and what it made
 *    is right (object type, size and slot; job numbers consecutive; data
 *    read back through the mapping), or fails with ENOMEM, the errno of
 *    every allocation failure on these paths (the VFS's file and name,
 *    the DRM core's file, handle idr and PRIME bookkeeping, the dma-buf
 *    core's file and attachment, exporters' scatterlists, the driver's
 *    context, buffer, page table, pages, job, command, syncobj arrays and
 *    chain nodes, mmap's VMA and page tables). Any other errno fails the
 *    test, as does a failure when nothing was made to fail; WAIT and the
 *    closes must not fail at all;
 *  - leaves nothing behind: no fd, no GEM handle (BO_INFO finds exactly
 *    the handles the test holds), no job number taken by a failed SUBMIT.
 * After each operation the device still serves a new file (FILL + FENCE,
 * WAIT, data checked). At the end: every DATA slot of the walked file is
 * free again once its objects are closed (16 BO_CREATEs, then ENOSPC),
 * its jobs all ran (LAST_JOB, FENCE_COUNTER, a last FILL lands), the
 * out-syncobjs hold the last jobs' fences (signalled), no dma-buf is left
 * (/sys/kernel/debug/dma_buf/bufinfo counts as many as before), the
 * device's context count is back where it was, 255 files open on the
 * node, and both devices serve new files on both nodes. The bench's
 * kmemleak scan after the VM's last test shows whether an error path
 * leaked.
 *
 * The test prints each operation's injection points and the number of
 * (operation, injection point) pairs. The 4 MiB BO_CREATEs pass about
 * 5500 points, nearly all in the buffer allocation the chardev's
 * CREATE_BUFFER shares (fault_inject_alloc samples them too), and most
 * injections there are absorbed (kvmalloc falls back to vmalloc; the
 * debug kernel's bookkeeping), each costing a whole 4 MiB call (about
 * 1 s on the debug kernel under TCG, several under load): they are
 * sampled, the first 16 points (the buffer and the start of its page
 * arrays) and 2 spread over the pages (the unwinding of hundreds of
 * pages); their last points (the GEM object, its mmap offset, the
 * handle) are those of the 4 KiB walks, which are whole.
 *
 * Needs fail-nth and the failslab / fail_page_alloc attributes (the
 * bench's debug kernel), the accel node, the system dma-heap and udmabuf:
 * skipped without them ("SKIP:", exit 4).
 */
// vmtest: timeout=300 tiers=debug
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include "acceldev_accel_test.h"
#include "acceldev_fault.h"

#define BIG ACCELDEV_BUFFER_MAX_SIZE
#define SMALL 4096
#define HEAD 16
#define MIDDLE 2
#define HANDLE_SCAN 64
#define BUFINFO "/sys/kernel/debug/dma_buf/bufinfo"

/* What the walks share: device 0's file and the objects around it. */
static struct {
	char node[64];		/* /dev/accel/accelM of device 0 */
	int fd;			/* the walked file */
	uint32_t code;		/* CODE: NOP, FENCE, FILL + FENCE */
	uint32_t big;		/* 4 MiB DATA object */
	uint64_t big_offset;	/* its mmap offset */
	unsigned int handles;	/* GEM handles the file must hold */
	uint64_t jobs;		/* the file's last job number */
	uint32_t fences;	/* user FENCEs submitted on the file */
	uint32_t bin, tl;	/* binary and timeline syncobjs */
	uint64_t tl_point;	/* the timeline's last point */
	int import_fd[3];	/* device 1's DATA object, heap, udmabuf */
} st;

/* GEM handles of @fd that BO_INFO finds among 1..HANDLE_SCAN. */
static unsigned int count_handles(int fd)
{
	struct drm_acceldev_bo_info info;
	unsigned int n = 0;

	for (uint32_t h = 1; h <= HANDLE_SCAN; h++) {
		if (acc_accel_try_bo_info(fd, h, &info) == 0)
			n++;
		else
			CHECK_MSG(errno == ENOENT, "BO_INFO(%u): %s", h,
				  acc_errname(errno));
	}
	return n;
}

/* No fd and no handle left by the call: the lowest free fd was @low. */
static void check_left(struct acc_fault_walk *w, unsigned int n, int low)
{
	unsigned int h = count_handles(st.fd);

	CHECK_MSG(acc_lowest_free_fd() == low, "%s: fd left behind (n=%u)",
		  w->name, n);
	CHECK_MSG(h == st.handles, "%s: n=%u: %u GEM handles, expected %u",
		  w->name, n, h, st.handles);
}

/* The number of dma-bufs in the system (debugfs bufinfo's total). */
static long dmabuf_count_now(void)
{
	char line[256];
	long n = -1;
	FILE *f = fopen(BUFINFO, "r");

	CHECK_MSG(f, BUFINFO ": %s", acc_errname(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Total %ld objects", &n) == 1)
			break;
	fclose(f);
	CHECK_MSG(n >= 0, "no total in " BUFINFO);
	return n;
}

/*
 * The same once it is @want, or after 2 s: an import a finished job used
 * may be freed by the driver's reaper, a moment later.
 */
static long dmabuf_count(long want)
{
	long n = dmabuf_count_now();

	for (int i = 0; i < 200 && n != want; i++) {
		usleep(10000);
		n = dmabuf_count_now();
	}
	return n;
}

static bool op_open(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), fd, err;
	uint64_t id = 0;
	bool inj;

	acc_fault_arm(n);
	fd = open(st.node, O_RDWR | O_CLOEXEC);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, fd, err, ENOMEM);
	if (fd >= 0) {
		EXPECT_OK(acc_accel_try_param(fd, DRM_ACCELDEV_PARAM_CONTEXT_ID,
					      &id));
		CHECK(id < ACCELDEV_MAX_CONTEXTS);
		CHECK(close(fd) == 0);
	}
	check_left(w, n, low);
	return inj;
}

static bool op_get_param(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), ret, err;
	uint64_t v = 0;
	bool inj;

	acc_fault_arm(n);
	ret = acc_accel_try_param(st.fd, DRM_ACCELDEV_PARAM_LAST_JOB, &v);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, ENOMEM);
	if (ret == 0)
		CHECK_MSG(v == st.jobs, "LAST_JOB %llu, expected %llu",
			  (unsigned long long)v, (unsigned long long)st.jobs);
	check_left(w, n, low);
	return inj;
}

/* BO_CREATE of @w->dev bytes of type @w->aux, then GEM_CLOSE. */
static bool op_bo_create(struct acc_fault_walk *w, unsigned int n)
{
	uint64_t size = (uint64_t)w->dev;
	uint32_t type = (uint32_t)w->aux;
	int low = acc_lowest_free_fd(), ret, err;
	struct drm_acceldev_bo_info info;
	uint32_t h = 0, slot = 0;
	bool inj;

	acc_fault_arm(n);
	ret = acc_accel_try_bo_create(st.fd, size, type, 0, &h, &slot);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, ENOMEM);
	if (ret == 0) {
		info = acc_accel_bo_info(st.fd, h);
		CHECK_MSG(info.size == size && info.type == type &&
			  info.slot == slot && (type == DRM_ACCELDEV_BO_DATA ?
			  slot < ACCELDEV_NUM_BUFFERS :
			  slot == DRM_ACCELDEV_NO_SLOT), "%s: n=%u: size %llu "
			  "type %u slot %u", w->name, n,
			  (unsigned long long)info.size, info.type, info.slot);
		acc_gem_close(st.fd, h);
	}
	check_left(w, n, low);
	return inj;
}

static bool op_bo_info(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), ret, err;
	struct drm_acceldev_bo_info info;
	bool inj;

	acc_fault_arm(n);
	ret = acc_accel_try_bo_info(st.fd, st.big, &info);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, ENOMEM);
	if (ret == 0)
		CHECK(info.size == BIG && info.mmap_offset == st.big_offset);
	check_left(w, n, low);
	return inj;
}

/* mmap of the 4 MiB DATA object, then a write and a read of page 0. */
static bool op_mmap_touch(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd();
	bool inj = acc_fault_mmap_touch(w, n, st.fd, (off_t)st.big_offset,
					BIG);

	check_left(w, n, low);
	return inj;
}

/*
 * SUBMIT of one NOP, with the syncobjs @w->aux names: 0 none, 1 binary
 * in, 2 timeline in (point 1), 3 binary out, 4 timeline out (the next
 * point). A SUBMIT that fails takes no job number.
 */
static bool op_submit(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), ret, err;
	struct drm_acceldev_syncobj e = { 0 };
	struct acc_submit s = {
		.code = st.code, .size = ACC_CMD_BYTES,
	};
	bool inj;

	switch (w->aux) {
	case 1:
		e.handle = st.bin;
		s.in = &e;
		s.in_count = 1;
		break;
	case 2:
		e.handle = st.tl;
		e.point = 1;
		s.in = &e;
		s.in_count = 1;
		break;
	case 3:
		e.handle = st.bin;
		s.out = &e;
		s.out_count = 1;
		break;
	case 4:
		e = (struct drm_acceldev_syncobj){
			.handle = st.tl, .point = st.tl_point + 1,
		};
		s.out = &e;
		s.out_count = 1;
		break;
	}
	acc_fault_arm(n);
	ret = acc_accel_try_submit_args(st.fd, &s);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, ENOMEM);
	if (ret == 0) {
		CHECK_MSG(s.job == st.jobs + 1, "%s: n=%u: job %llu after job "
			  "%llu", w->name, n, (unsigned long long)s.job,
			  (unsigned long long)st.jobs);
		st.jobs = s.job;
		if (w->aux == 4)
			st.tl_point++;
	}
	check_left(w, n, low);
	return inj;
}

/* WAIT for the FENCE of a job submitted just before. */
static bool op_wait(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), ret, err;
	bool inj;

	st.jobs = acc_accel_submit(st.fd, st.code, ACC_CMD_BYTES,
				   ACC_CMD_BYTES, 0);
	st.fences++;
	acc_fault_arm(n);
	ret = acc_accel_try_wait(st.fd, st.fences, acc_deadline(30));
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, 0);
	check_left(w, n, low);
	return inj;
}

/* PRIME_HANDLE_TO_FD of a new 4 KiB DATA object of the file. */
static bool op_export(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), ret, err;
	struct drm_prime_handle p = {
		.flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1,
	};
	uint32_t *m;
	bool inj;

	p.handle = acc_accel_bo_create(st.fd, SMALL, DRM_ACCELDEV_BO_DATA,
				       NULL);
	st.handles++;
	acc_fault_arm(n);
	ret = ioctl(st.fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, ENOMEM);
	if (ret == 0) {
		m = mmap(NULL, SMALL, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd,
			 0);
		CHECK_MSG(m != MAP_FAILED, "%s: n=%u: mmap of the dma-buf: %s",
			  w->name, n, acc_errname(errno));
		CHECK(m[0] == 0 && m[SMALL / 4 - 1] == 0);
		CHECK(munmap(m, SMALL) == 0);
		CHECK(close(p.fd) == 0);
	}
	acc_gem_close(st.fd, p.handle);
	st.handles--;
	check_left(w, n, low);
	return inj;
}

/* PRIME_FD_TO_HANDLE of dma-buf st.import_fd[@w->aux], of @w->dev bytes. */
static bool op_import(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), ret, err;
	struct drm_acceldev_bo_info info;
	uint32_t h = 0;
	bool inj;

	acc_fault_arm(n);
	ret = acc_prime_try_import(st.fd, st.import_fd[w->aux], &h);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, ENOMEM);
	if (ret == 0) {
		info = acc_accel_bo_info(st.fd, h);
		CHECK_MSG(info.type == DRM_ACCELDEV_BO_DATA &&
			  info.size == (uint64_t)w->dev &&
			  info.slot < ACCELDEV_NUM_BUFFERS, "%s: n=%u: type %u "
			  "size %llu slot %u", w->name, n, info.type,
			  (unsigned long long)info.size, info.slot);
		acc_gem_close(st.fd, h);
	}
	check_left(w, n, low);
	return inj;
}

/* GEM_CLOSE of a new 4 KiB DATA object (@w->aux 0) or of an import. */
static bool op_gem_close(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), ret, err;
	uint32_t h;
	bool inj;

	if (w->aux)
		EXPECT_OK(acc_prime_try_import(st.fd, st.import_fd[1], &h));
	else
		h = acc_accel_bo_create(st.fd, SMALL, DRM_ACCELDEV_BO_DATA,
					NULL);
	acc_fault_arm(n);
	ret = acc_gem_try_close(st.fd, h);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, 0);
	check_left(w, n, low);
	return inj;
}

/*
 * close of a new file with a CODE and a DATA object, a finished FILL +
 * FENCE job signalling a syncobj, and the DATA object's dma-buf, which
 * outlives the file (closed after it).
 */
static bool op_close_file(struct acc_fault_walk *w, unsigned int n)
{
	int low = acc_lowest_free_fd(), ret, err, dmabuf;
	uint32_t out;
	struct acc_actx a;
	bool inj;

	acc_actx_open(&a, 0, SMALL, SMALL);
	out = acc_syncobj_create(a.fd, 0);
	acc_actx_fill_fence(&a, 0xc105e000u + n, out);
	acc_accel_wait(a.fd, 1);
	acc_actx_check(&a, 0xc105e000u + n);
	dmabuf = acc_prime_export(a.fd, a.data);
	CHECK(munmap(a.cmds, SMALL) == 0);
	CHECK(munmap(a.d, SMALL) == 0);
	acc_fault_arm(n);
	ret = close(a.fd);
	err = errno;
	inj = acc_fault_disarm();
	acc_fault_judge(w, n, inj, ret, err, 0);
	CHECK(close(dmabuf) == 0);
	check_left(w, n, low);
	return inj;
}

/* A dma-buf of @size bytes from the system dma-heap. */
static int heap_buffer(size_t size)
{
	struct dma_heap_allocation_data alloc = {
		.len = size, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);

	if (heap < 0)
		acc_accel_skip("/dev/dma_heap/system: %s", acc_errname(errno));
	EXPECT_OK(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc));
	CHECK(close(heap) == 0);
	return (int)alloc.fd;
}

/* A udmabuf of @size bytes over a sealed memfd. */
static int udmabuf(size_t size)
{
	struct udmabuf_create create = { .size = size };
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC), memfd, buf;

	if (dev < 0)
		acc_accel_skip("/dev/udmabuf: %s", acc_errname(errno));
	memfd = memfd_create("fault_inject_accel", MFD_ALLOW_SEALING);
	CHECK(memfd >= 0);
	EXPECT_OK(ftruncate(memfd, (off_t)size));
	EXPECT_OK(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	create.memfd = (uint32_t)memfd;
	buf = ioctl(dev, UDMABUF_CREATE, &create);
	CHECK_MSG(buf >= 0, "UDMABUF_CREATE: %s", acc_errname(errno));
	CHECK(close(memfd) == 0);
	CHECK(close(dev) == 0);
	return buf;
}

/*
 * The end: the file's jobs all ran and its syncobjs hold the last ones;
 * once its objects are closed, all 16 slots bind again.
 */
static void check_walked_file(void)
{
	uint32_t slot, handles[ACCELDEV_NUM_BUFFERS], seen = 0, *d, *c;
	uint32_t h;

	c = acc_accel_map(st.fd, st.code, SMALL);
	d = acc_accel_map(st.fd, st.big, SMALL);
	/* FILL + FENCE after the NOP and the FENCE, into the big object */
	acc_put_fence(c, acc_put_fill(c, 2 * ACCELDEV_USER_CMD_WORDS, 0xe1d0u,
				      0, 0, SMALL));
	/* slot 0 is the big object's: it was the file's first DATA one */
	CHECK(acc_accel_bo_info(st.fd, st.big).slot == 0);
	st.jobs = acc_accel_submit(st.fd, st.code, 2 * ACC_CMD_BYTES,
				   2 * ACC_CMD_BYTES, st.bin);
	st.fences++;
	acc_accel_wait(st.fd, st.fences);
	for (unsigned int i = 0; i < SMALL / 4; i++)
		CHECK_MSG(d[i] == 0xe1d0u, "word %u is %#x", i, d[i]);
	CHECK(acc_accel_param(st.fd, DRM_ACCELDEV_PARAM_LAST_JOB) == st.jobs);
	CHECK(acc_accel_param(st.fd, DRM_ACCELDEV_PARAM_FENCE_COUNTER) ==
	      st.fences);
	acc_syncobj_wait(st.fd, st.bin, 10);
	CHECK(acc_syncobj_status(st.fd, st.bin) == 1);
	CHECK(acc_syncobj_try_timeline_wait(st.fd, st.tl, st.tl_point,
					    acc_deadline(10), 0) == 0);
	CHECK(acc_syncobj_query(st.fd, st.tl) == st.tl_point);
	CHECK(munmap(c, SMALL) == 0);
	CHECK(munmap(d, SMALL) == 0);

	acc_gem_close(st.fd, st.big);
	acc_gem_close(st.fd, st.code);
	CHECK(count_handles(st.fd) == 0);
	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++) {
		handles[i] = acc_accel_bo_create(st.fd, SMALL,
						 DRM_ACCELDEV_BO_DATA, &slot);
		CHECK_MSG(!(seen & 1u << slot), "slot %u twice", slot);
		seen |= 1u << slot;
	}
	EXPECT_ERRNO(acc_accel_try_bo_create(st.fd, SMALL, DRM_ACCELDEV_BO_DATA,
					     0, &h, NULL), ENOSPC);
	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++)
		acc_gem_close(st.fd, handles[i]);
}

int main(void)
{
	struct acc_fault_walk w[] = {
		{ .name = "open", .op = op_open },
		{ .name = "GET_PARAM", .op = op_get_param },
		{ .name = "BO_CREATE CODE 4K", .op = op_bo_create,
		  .aux = DRM_ACCELDEV_BO_CODE, .dev = SMALL },
		{ .name = "BO_CREATE DATA 4K", .op = op_bo_create,
		  .aux = DRM_ACCELDEV_BO_DATA, .dev = SMALL },
		{ .name = "BO_CREATE CODE 4M", .op = op_bo_create,
		  .aux = DRM_ACCELDEV_BO_CODE, .dev = BIG,
		  .head = HEAD, .middle = MIDDLE },
		{ .name = "BO_CREATE DATA 4M", .op = op_bo_create,
		  .aux = DRM_ACCELDEV_BO_DATA, .dev = BIG,
		  .head = HEAD, .middle = MIDDLE },
		{ .name = "BO_INFO", .op = op_bo_info },
		{ .name = "mmap 4M + first touch", .op = op_mmap_touch },
		{ .name = "SUBMIT", .op = op_submit },
		{ .name = "SUBMIT, binary in", .op = op_submit, .aux = 1 },
		{ .name = "SUBMIT, timeline in", .op = op_submit, .aux = 2 },
		{ .name = "SUBMIT, binary out", .op = op_submit, .aux = 3 },
		{ .name = "SUBMIT, timeline out", .op = op_submit, .aux = 4 },
		{ .name = "WAIT", .op = op_wait },
		{ .name = "PRIME export", .op = op_export },
		{ .name = "PRIME import, other device", .op = op_import,
		  .aux = 0, .dev = SMALL },
		{ .name = "PRIME import, dma-heap", .op = op_import,
		  .aux = 1, .dev = 16 * SMALL },
		{ .name = "PRIME import, udmabuf", .op = op_import,
		  .aux = 2, .dev = 2 * SMALL },
		{ .name = "GEM close, DATA", .op = op_gem_close },
		{ .name = "GEM close, import", .op = op_gem_close, .aux = 1 },
		{ .name = "close of a file", .op = op_close_file },
	};
	const int nw = sizeof(w) / sizeof(w[0]);
	int walked = 0, fds[ACCELDEV_MAX_CONTEXTS];
	long contexts0, dmabufs0, dmabufs;
	struct acc_actx other;
	uint32_t *c;
	double t0 = acc_now();

	acc_fault_setup();
	acc_accel_require(2);
	CHECK(acc_accel_path(0, st.node, sizeof(st.node)));
	dmabufs0 = dmabuf_count_now();
	contexts0 = acc_sysfs_read(0, "contexts");

	/* What the imports import: each a dma-buf the walks do not own. */
	acc_actx_open(&other, 1, SMALL, SMALL);
	st.import_fd[0] = acc_prime_export(other.fd, other.data);
	st.import_fd[1] = heap_buffer(16 * SMALL);
	st.import_fd[2] = udmabuf(2 * SMALL);

	st.fd = acc_accel_open(0);
	st.code = acc_accel_bo_create(st.fd, SMALL, DRM_ACCELDEV_BO_CODE, NULL);
	c = acc_accel_map(st.fd, st.code, SMALL);
	acc_put_fence(c, acc_put_nop(c, 0));	/* NOP at 0, FENCE after */
	CHECK(munmap(c, SMALL) == 0);
	st.big = acc_accel_bo_create(st.fd, BIG, DRM_ACCELDEV_BO_DATA, NULL);
	st.big_offset = acc_accel_bo_info(st.fd, st.big).mmap_offset;
	st.handles = 2;
	/* The in-syncobjs: a job's binary fence and timeline point 1. */
	st.bin = acc_syncobj_create(st.fd, 0);
	st.tl = acc_syncobj_create(st.fd, 0);
	st.jobs = acc_accel_submit(st.fd, st.code, 0, ACC_CMD_BYTES, st.bin);
	{
		struct drm_acceldev_syncobj e = { .handle = st.tl, .point = 1 };
		struct acc_submit s = {
			.code = st.code, .size = ACC_CMD_BYTES,
			.out = &e, .out_count = 1,
		};

		EXPECT_OK(acc_accel_try_submit_args(st.fd, &s));
		st.jobs = s.job;
		st.tl_point = 1;
	}

	for (int i = 0; i < nw; i++) {
		acc_fault_walk(&w[i]);
		acc_accel_check_device_works(0);
	}

	/* Those that allocate had failures: injection works. */
	for (int i = 0; i < nw; i++)
		if (w[i].op != op_get_param && w[i].op != op_bo_info &&
		    w[i].op != op_wait && w[i].op != op_gem_close &&
		    w[i].op != op_close_file)
			CHECK_MSG(w[i].failed > 0, "%s: no allocation failure "
				  "reached user space: is injection working?",
				  w[i].name);

	check_walked_file();
	CHECK(close(st.fd) == 0);
	acc_actx_close(&other);
	for (int i = 0; i < 3; i++)
		CHECK(close(st.import_fd[i]) == 0);
	dmabufs = dmabuf_count(dmabufs0);
	CHECK_MSG(dmabufs == dmabufs0, "%ld dma-bufs, %ld before", dmabufs,
		  dmabufs0);
	CHECK_MSG(acc_sysfs_read(0, "contexts") == contexts0,
		  "%ld contexts open on device 0, %ld before",
		  acc_sysfs_read(0, "contexts"), contexts0);
	for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++)
		fds[i] = acc_accel_open(0);
	for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++)
		CHECK(close(fds[i]) == 0);
	for (int dev = 0; dev < 2; dev++) {
		acc_accel_check_device_works(dev);
		acc_check_device_works(dev);
	}
	for (int i = 0; i < nw; i++)
		walked += w[i].calls > 0;
	printf("fault_inject_accel: %d operations, %lu (operation, injection "
	       "point) pairs, %.1f s\n", walked, acc_fault_pairs,
	       acc_now() - t0);
	return 0;
}
