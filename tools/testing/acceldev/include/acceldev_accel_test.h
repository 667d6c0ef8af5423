/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acceldev_accel_test.h - helpers for the tests of the accel node,
 * /dev/accel/accelN (uapi/acceldev_accel.h), the DRM front end of the
 * same functions as /dev/acceldevN.
 *
 *  - acc_accel_open(dev): a new DRM file (a context) on the accel node of
 *    /dev/acceldev@dev's PCI function, found through sysfs
 *    (/sys/class/acceldev/acceldevN/device/accel/accelM). The test is
 *    skipped (exit 4) when the function has no accel node: a kernel
 *    without CONFIG_DRM_ACCEL, or a module without the front end.
 *  - acc_accel_*(): the driver's ioctls (GET_PARAM, BO_CREATE, BO_INFO,
 *    SUBMIT, WAIT) that must succeed; acc_accel_try_*() return the raw
 *    result (-1 and errno).
 *  - acc_accel_map(): mmap of a BO through BO_INFO's mmap_offset.
 *  - acc_syncobj_*(), acc_prime_*(), acc_gem_close(): the DRM core's
 *    ioctls, from the kernel's drm/drm.h.
 *  - struct acc_actx: a file with a mapped CODE BO and a mapped DATA BO,
 *    the common start of a test; acc_actx_fill_fence() submits FILL +
 *    FENCE into its DATA BO.
 * User commands are written with acceldev_test.h's acc_put_nop/fence/fill.
 *
 * The DRM core's uAPI comes in through acceldev_accel.h's "drm.h": the
 * kernel's, as libdrm-dev ships it (-I/usr/include/libdrm).
 */
#ifndef ACCELDEV_ACCEL_TEST_H
#define ACCELDEV_ACCEL_TEST_H

#include <dirent.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/sync_file.h>

#include "acceldev_test.h"
#include "acceldev_accel.h"

#ifndef ACC_EXIT_KSFT_SKIP
#define ACC_EXIT_KSFT_SKIP 4
#endif

#define ACC_MIB (1024u * 1024u)

/* Skip with kselftest's code 4: no accel node is not a failure. */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
acc_accel_skip(const char *fmt, ...)
{
	va_list ap;

	fputs("SKIP: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(ACC_EXIT_KSFT_SKIP);
}

/* ---------------------------------------------------------------- */
/* Finding and opening the node                                      */
/* ---------------------------------------------------------------- */

/*
 * /dev/accel/accelM of /dev/acceldev@dev's PCI function into @buf; false
 * when the function has no accel folder in sysfs.
 */
static inline bool acc_accel_path(int dev, char *buf, size_t len)
{
	char dir[128];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/class/acceldev/acceldev%d/device/accel",
		 dev);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d)))
		if (!strncmp(e->d_name, "accel", 5) && e->d_name[5] >= '0' &&
		    e->d_name[5] <= '9') {
			snprintf(buf, len, "/dev/accel/%.32s", e->d_name);
			found = true;
		}
	closedir(d);
	return found;
}

/* Skip (exit 4) unless devices 0..n-1 and their accel nodes exist. */
static inline void acc_accel_require(int n)
{
	char path[64];

	acc_require_devices(n);
	for (int i = 0; i < n; i++) {
		if (!acc_accel_path(i, path, sizeof(path)))
			acc_accel_skip("/dev/acceldev%d has no accel node (no "
				       "CONFIG_DRM_ACCEL, or no accel front end "
				       "in the module)", i);
		if (access(path, F_OK) != 0)
			acc_accel_skip("%s does not exist", path);
	}
}

/* Open the accel node of device @dev: raw result, -1 and errno. */
static inline int acc_accel_try_open(int dev)
{
	char path[64];

	if (!acc_accel_path(dev, path, sizeof(path))) {
		errno = ENOENT;
		return -1;
	}
	return open(path, O_RDWR | O_CLOEXEC);
}

/* Open a new DRM file (a context) on device @dev's accel node. */
static inline int acc_accel_open(int dev)
{
	char path[64];
	int fd;

	acc_accel_require(dev + 1);
	acc_accel_path(dev, path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		FAIL("open(%s): %s", path, acc_errname(errno));
	return fd;
}

/* The DRM driver name of @fd (DRM_IOCTL_VERSION) into @name. */
static inline int acc_drm_try_name(int fd, char *name, size_t len)
{
	struct drm_version v;

	memset(&v, 0, sizeof(v));
	memset(name, 0, len);
	v.name = name;
	v.name_len = len - 1;
	return ioctl(fd, DRM_IOCTL_VERSION, &v);
}

/* ---------------------------------------------------------------- */
/* Time                                                              */
/* ---------------------------------------------------------------- */

static inline int64_t acc_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* An absolute CLOCK_MONOTONIC timeout @sec seconds from now. */
static inline int64_t acc_deadline(double sec)
{
	return acc_mono_ns() + (int64_t)(sec * 1e9);
}

/* ---------------------------------------------------------------- */
/* Signals                                                           */
/* ---------------------------------------------------------------- */

static volatile sig_atomic_t acc_signals;

static inline void acc_count_signal(int sig)
{
	(void)sig;
	acc_signals++;
}

/*
 * Count @sig in acc_signals (reset to 0), interrupting system calls
 * (EINTR) unless @restart (SA_RESTART).
 */
static inline void acc_on_signal(int sig, bool restart)
{
	struct sigaction sa = { .sa_handler = acc_count_signal };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	acc_signals = 0;
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

/*
 * @child must still be asleep (@what) after @settle_s seconds; SIGKILL
 * must end it within @max_s seconds.
 */
static inline void acc_kill_sleeping_child(pid_t child, double settle_s,
					   double max_s, const char *what)
{
	int status;
	double t0;

	usleep((useconds_t)(settle_s * 1e6));
	CHECK_MSG(waitpid(child, &status, WNOHANG) == 0, "the child's %s "
		  "returned within %.1f s", what, settle_s);
	t0 = acc_now();
	CHECK(kill(child, SIGKILL) == 0);
	CHECK(waitpid(child, &status, 0) == child);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK_MSG(acc_now() - t0 < max_s, "SIGKILL of a child in %s took "
		  "%.2f s", what, acc_now() - t0);
}

/* ---------------------------------------------------------------- */
/* The driver's ioctls                                               */
/* ---------------------------------------------------------------- */

static inline int acc_accel_try_param(int fd, uint32_t param, uint64_t *val)
{
	struct drm_acceldev_get_param p = { .param = param };
	int ret = ioctl(fd, DRM_IOCTL_ACCELDEV_GET_PARAM, &p);

	if (ret == 0 && val)
		*val = p.value;
	return ret;
}

#define acc_accel_param(fd, param)					\
	acc_accel_param_at((fd), (param), #param, __FILE__, __LINE__)

static inline uint64_t acc_accel_param_at(int fd, uint32_t param,
					  const char *name, const char *file,
					  int line)
{
	uint64_t v = 0;

	if (acc_accel_try_param(fd, param, &v) != 0) {
		fprintf(stderr, "%s:%d: FAIL: GET_PARAM(%s): %s\n", file, line,
			name, acc_errname(errno));
		exit(1);
	}
	return v;
}

static inline int acc_accel_try_bo_create(int fd, uint64_t size,
					  uint32_t type, uint32_t flags,
					  uint32_t *handle, uint32_t *slot)
{
	struct drm_acceldev_bo_create c = {
		.size = size, .type = type, .flags = flags,
	};
	int ret = ioctl(fd, DRM_IOCTL_ACCELDEV_BO_CREATE, &c);

	if (ret == 0 && handle)
		*handle = c.handle;
	if (ret == 0 && slot)
		*slot = c.slot;
	return ret;
}

/*
 * BO_CREATE that must succeed: the handle; a DATA object's slot (0..15)
 * goes to *@slot, a CODE object must get DRM_ACCELDEV_NO_SLOT.
 */
#define acc_accel_bo_create(fd, size, type, slot)			\
	acc_accel_bo_create_at((fd), (size), (type), (slot),		\
			       __FILE__, __LINE__)

static inline uint32_t acc_accel_bo_create_at(int fd, uint64_t size,
					      uint32_t type, uint32_t *slot,
					      const char *file, int line)
{
	uint32_t h = 0, s = 0;

	if (acc_accel_try_bo_create(fd, size, type, 0, &h, &s) != 0) {
		fprintf(stderr, "%s:%d: FAIL: BO_CREATE(size %llu, %s): %s\n",
			file, line, (unsigned long long)size,
			type == DRM_ACCELDEV_BO_DATA ? "DATA" : "CODE",
			acc_errname(errno));
		exit(1);
	}
	if (type == DRM_ACCELDEV_BO_DATA && s >= ACCELDEV_NUM_BUFFERS) {
		fprintf(stderr, "%s:%d: FAIL: DATA BO got slot %#x\n", file,
			line, s);
		exit(1);
	}
	if (type == DRM_ACCELDEV_BO_CODE && s != DRM_ACCELDEV_NO_SLOT) {
		fprintf(stderr, "%s:%d: FAIL: CODE BO got slot %#x, not "
			"DRM_ACCELDEV_NO_SLOT\n", file, line, s);
		exit(1);
	}
	if (slot)
		*slot = s;
	return h;
}

static inline int acc_accel_try_bo_info(int fd, uint32_t handle,
					struct drm_acceldev_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return ioctl(fd, DRM_IOCTL_ACCELDEV_BO_INFO, info);
}

static inline struct drm_acceldev_bo_info acc_accel_bo_info(int fd,
							    uint32_t handle)
{
	struct drm_acceldev_bo_info info;

	if (acc_accel_try_bo_info(fd, handle, &info) != 0)
		FAIL("BO_INFO(handle %u): %s", handle, acc_errname(errno));
	return info;
}

/* mmap @len bytes of BO @handle shared, read/write; NULL and errno. */
static inline void *acc_accel_try_map(int fd, uint32_t handle, size_t len)
{
	struct drm_acceldev_bo_info info;
	void *p;

	if (acc_accel_try_bo_info(fd, handle, &info) != 0)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)info.mmap_offset);
	return p == MAP_FAILED ? NULL : p;
}

static inline void *acc_accel_map(int fd, uint32_t handle, size_t len)
{
	void *p = acc_accel_try_map(fd, handle, len);

	if (!p)
		FAIL("mmap of BO %u (%zu bytes): %s", handle, len,
		     acc_errname(errno));
	return p;
}

/* One SUBMIT's arguments; the arrays may be NULL with a count of 0. */
struct acc_submit {
	uint32_t code, offset, size;
	const struct drm_acceldev_syncobj *in, *out;
	uint32_t in_count, out_count;
	uint64_t job;		/* out */
};

static inline int acc_accel_try_submit_args(int fd, struct acc_submit *s)
{
	struct drm_acceldev_submit a = {
		.code_handle = s->code,
		.offset = s->offset,
		.size = s->size,
		.in_syncobjs = (uintptr_t)s->in,
		.out_syncobjs = (uintptr_t)s->out,
		.in_count = s->in_count,
		.out_count = s->out_count,
	};
	int ret = ioctl(fd, DRM_IOCTL_ACCELDEV_SUBMIT, &a);

	if (ret == 0)
		s->job = a.job;
	return ret;
}

/* A plain SUBMIT (no syncobjs): raw result. */
static inline int acc_accel_try_submit(int fd, uint32_t code, uint32_t offset,
				       uint32_t size)
{
	struct acc_submit s = { .code = code, .offset = offset, .size = size };

	return acc_accel_try_submit_args(fd, &s);
}

/*
 * SUBMIT of [@offset, @offset + @size) of CODE BO @code, signalling
 * binary syncobj @out when non-zero; must succeed; returns the job number.
 */
#define acc_accel_submit(fd, code, offset, size, out)			\
	acc_accel_submit_at((fd), (code), (offset), (size), (out),	\
			    __FILE__, __LINE__)

static inline uint64_t acc_accel_submit_at(int fd, uint32_t code,
					   uint32_t offset, uint32_t size,
					   uint32_t out, const char *file,
					   int line)
{
	struct drm_acceldev_syncobj o = { .handle = out };
	struct acc_submit s = {
		.code = code, .offset = offset, .size = size,
		.out = &o, .out_count = out ? 1 : 0,
	};

	if (acc_accel_try_submit_args(fd, &s) != 0) {
		fprintf(stderr, "%s:%d: FAIL: SUBMIT(code %u, offset %u, size "
			"%u): %s\n", file, line, code, offset, size,
			acc_errname(errno));
		exit(1);
	}
	return s.job;
}

/* WAIT for user FENCE @fence, giving up at absolute time @deadline_ns. */
static inline int acc_accel_try_wait(int fd, uint32_t fence,
				     int64_t deadline_ns)
{
	struct drm_acceldev_wait w = {
		.fence = fence, .timeout_ns = deadline_ns,
	};

	return ioctl(fd, DRM_IOCTL_ACCELDEV_WAIT, &w);
}

/* WAIT that must succeed within 30 s. */
#define acc_accel_wait(fd, fence)					\
	EXPECT_OK(acc_accel_try_wait((fd), (fence), acc_deadline(30)))

/* ---------------------------------------------------------------- */
/* DRM core: GEM, PRIME, syncobjs, sync files                        */
/* ---------------------------------------------------------------- */

static inline int acc_gem_try_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

#define acc_gem_close(fd, handle) EXPECT_OK(acc_gem_try_close((fd), (handle)))

/* PRIME_HANDLE_TO_FD (read/write, close-on-exec): the dma-buf fd. */
static inline int acc_prime_export(int fd, uint32_t handle)
{
	struct drm_prime_handle p = {
		.handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1,
	};

	if (ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p) != 0)
		FAIL("PRIME_HANDLE_TO_FD(handle %u): %s", handle,
		     acc_errname(errno));
	return p.fd;
}

static inline int acc_prime_try_import(int fd, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle p = { .fd = dmabuf };
	int ret = ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);

	*handle = ret == 0 ? p.handle : 0;
	return ret;
}

static inline uint32_t acc_syncobj_create(int fd, uint32_t flags)
{
	struct drm_syncobj_create c = { .flags = flags };

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c) != 0)
		FAIL("SYNCOBJ_CREATE: %s", acc_errname(errno));
	return c.handle;
}

static inline void acc_syncobj_destroy(int fd, uint32_t handle)
{
	struct drm_syncobj_destroy d = { .handle = handle };

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d) != 0)
		FAIL("SYNCOBJ_DESTROY(%u): %s", handle, acc_errname(errno));
}

/* SYNCOBJ_WAIT (all of them) on binary syncobjs until @deadline_ns. */
static inline int acc_syncobj_try_wait(int fd, const uint32_t *handles,
				       uint32_t n, int64_t deadline_ns,
				       uint32_t flags)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)handles,
		.timeout_nsec = deadline_ns,
		.count_handles = n,
		.flags = flags | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

/* One binary syncobj signalled within @sec seconds: must succeed. */
#define acc_syncobj_wait(fd, handle, sec)				\
	do {								\
		uint32_t acc_h_ = (handle);				\
		EXPECT_OK(acc_syncobj_try_wait((fd), &acc_h_, 1,	\
					       acc_deadline(sec), 0));	\
	} while (0)

static inline int acc_syncobj_try_timeline_wait(int fd, uint32_t handle,
						uint64_t point,
						int64_t deadline_ns,
						uint32_t flags)
{
	struct drm_syncobj_timeline_wait w = {
		.handles = (uintptr_t)&handle,
		.points = (uintptr_t)&point,
		.timeout_nsec = deadline_ns,
		.count_handles = 1,
		.flags = flags | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
}

/* The last signalled point of timeline syncobj @handle (SYNCOBJ_QUERY). */
static inline uint64_t acc_syncobj_query(int fd, uint32_t handle)
{
	uint64_t point = 0;
	struct drm_syncobj_timeline_array a = {
		.handles = (uintptr_t)&handle,
		.points = (uintptr_t)&point,
		.count_handles = 1,
	};

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &a) != 0)
		FAIL("SYNCOBJ_QUERY(%u): %s", handle, acc_errname(errno));
	return point;
}

/* The fence of binary syncobj @handle as a sync_file fd; -1 and errno. */
static inline int acc_syncobj_try_export_sync_file(int fd, uint32_t handle)
{
	struct drm_syncobj_handle h = {
		.handle = handle,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
		.fd = -1,
	};

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h) != 0)
		return -1;
	return h.fd;
}

static inline int acc_syncobj_export_sync_file(int fd, uint32_t handle)
{
	int sf = acc_syncobj_try_export_sync_file(fd, handle);

	if (sf < 0)
		FAIL("SYNCOBJ_HANDLE_TO_FD(%u, EXPORT_SYNC_FILE): %s", handle,
		     acc_errname(errno));
	return sf;
}

/* Put the fence of sync_file @sf into binary syncobj @handle. */
static inline void acc_syncobj_import_sync_file(int fd, uint32_t handle,
						int sf)
{
	struct drm_syncobj_handle h = {
		.handle = handle,
		.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
		.fd = sf,
	};

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h) != 0)
		FAIL("SYNCOBJ_FD_TO_HANDLE(%u, IMPORT_SYNC_FILE): %s", handle,
		     acc_errname(errno));
}

/*
 * SYNC_IOC_FILE_INFO's status of sync_file @sf: 1 signalled, 0 not yet,
 * < 0 the error the fence signalled with.
 */
static inline int acc_sync_file_status(int sf)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(sf, SYNC_IOC_FILE_INFO, &info) != 0)
		FAIL("SYNC_IOC_FILE_INFO: %s", acc_errname(errno));
	return info.status;
}

/* The status of binary syncobj @handle's fence, through a sync_file. */
static inline int acc_syncobj_status(int fd, uint32_t handle)
{
	int sf = acc_syncobj_export_sync_file(fd, handle);
	int st = acc_sync_file_status(sf);

	close(sf);
	return st;
}

/* ---------------------------------------------------------------- */
/* A context with a CODE and a DATA BO, both mapped                  */
/* ---------------------------------------------------------------- */

struct acc_actx {
	int fd;
	uint32_t code, data, slot;
	uint32_t *cmds;		/* code_len bytes */
	uint32_t *d;		/* data_len bytes */
	size_t code_len, data_len;
};

static inline void acc_actx_open_fd(struct acc_actx *a, int fd,
				    size_t code_len, size_t data_len)
{
	a->fd = fd;
	a->code_len = code_len;
	a->data_len = data_len;
	a->code = acc_accel_bo_create(fd, code_len, DRM_ACCELDEV_BO_CODE, NULL);
	a->cmds = acc_accel_map(fd, a->code, code_len);
	a->data = acc_accel_bo_create(fd, data_len, DRM_ACCELDEV_BO_DATA,
				      &a->slot);
	a->d = acc_accel_map(fd, a->data, data_len);
}

static inline void acc_actx_open(struct acc_actx *a, int dev, size_t code_len,
				 size_t data_len)
{
	acc_actx_open_fd(a, acc_accel_open(dev), code_len, data_len);
}

/*
 * FILL of @value into [@start, @start + @len) of the DATA BO, then a
 * FENCE, written at word @w of the CODE BO and submitted, with binary
 * out-syncobj @out if non-zero. Returns the job number.
 */
static inline uint64_t acc_actx_fill_fence_at(struct acc_actx *a, size_t w,
					      uint32_t value, uint32_t start,
					      uint32_t len, uint32_t out)
{
	size_t end = acc_put_fence(a->cmds,
				   acc_put_fill(a->cmds, w, value, a->slot,
						start, len));

	return acc_accel_submit(a->fd, a->code, (uint32_t)(w * 4),
				(uint32_t)((end - w) * 4), out);
}

static inline uint64_t acc_actx_fill_fence(struct acc_actx *a, uint32_t value,
					   uint32_t out)
{
	return acc_actx_fill_fence_at(a, 0, value, 0, (uint32_t)a->data_len,
				      out);
}

/* Every word of the DATA BO holds @value. */
static inline void acc_actx_check(const struct acc_actx *a, uint32_t value)
{
	for (size_t i = 0; i < a->data_len / 4; i++)
		CHECK_MSG(a->d[i] == value, "word %zu of the DATA BO is %#x, "
			  "want %#x", i, a->d[i], value);
}

static inline void acc_actx_close(struct acc_actx *a)
{
	munmap(a->cmds, a->code_len);
	munmap(a->d, a->data_len);
	CHECK(close(a->fd) == 0);
}

/* One FILL + FENCE through device @dev's accel node, every word checked. */
static inline void acc_accel_check_device_works(int dev)
{
	struct acc_actx a;

	acc_actx_open(&a, dev, 4096, 8192);
	acc_actx_fill_fence(&a, 0xacce1000u + (uint32_t)dev, 0);
	acc_accel_wait(a.fd, 1);
	acc_actx_check(&a, 0xacce1000u + (uint32_t)dev);
	acc_actx_close(&a);
}

#endif /* ACCELDEV_ACCEL_TEST_H */
