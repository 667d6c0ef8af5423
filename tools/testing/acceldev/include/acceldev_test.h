/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acceldev_test.h - helpers shared by the Acceldev driver tests.
 *
 * Every test in tests/ is one standalone program. It exits 0 when the
 * driver behaved as DRIVER.md requires, 77 when something outside the
 * test's control is missing (no device node, no module file), and 1 on
 * any failure, after printing where and why.
 *
 * Conventions used below:
 *  - acc_foo() performs an operation that must succeed; on failure it
 *    prints file:line and exits 1.
 *  - acc_try_foo() performs the raw call and returns its result (-1 and
 *    errno on failure), for tests that expect a failure.
 *  - EXPECT_ERRNO(call, err) checks that a call failed with exactly err;
 *    EXPECT_ERRNO2() accepts exactly one of two errnos.
 *  - Code buffers are written as arrays of 32-bit words. acc_put_nop(),
 *    acc_put_fence() and acc_put_fill() write one five-word user command
 *    at a word index and return the index just after it.
 */
#ifndef ACCELDEV_TEST_H
#define ACCELDEV_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "acceldev.h"

#define ACC_EXIT_SKIP 77

/* Size in bytes of one user command (five 32-bit words). */
#define ACC_CMD_BYTES (ACCELDEV_USER_CMD_WORDS * 4)

/* ---------------------------------------------------------------- */
/* Reporting                                                         */
/* ---------------------------------------------------------------- */

#define FAIL(...)							\
	do {								\
		fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(1);						\
	} while (0)

#define SKIP(...)							\
	do {								\
		fprintf(stderr, "SKIP: ");				\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		exit(ACC_EXIT_SKIP);					\
	} while (0)

/* CHECK(cond): fail with the condition's text when it does not hold. */
#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			FAIL("check failed: %s", #cond);		\
	} while (0)

/* CHECK_MSG(cond, fmt, ...): the same, with an explanation. */
#define CHECK_MSG(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: FAIL: check failed: %s: ", \
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			exit(1);					\
		}							\
	} while (0)

static inline const char *acc_errname(int err)
{
	switch (err) {
	case 0:		return "no error";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case EINTR:	return "EINTR";
	case EIO:	return "EIO";
	case ENXIO:	return "ENXIO";
	case EBADF:	return "EBADF";
	case EAGAIN:	return "EAGAIN";
	case ENOMEM:	return "ENOMEM";
	case EACCES:	return "EACCES";
	case EFAULT:	return "EFAULT";
	case EBUSY:	return "EBUSY";
	case ENODEV:	return "ENODEV";
	case EINVAL:	return "EINVAL";
	case EMFILE:	return "EMFILE";
	case ENOTTY:	return "ENOTTY";
	case ENOSPC:	return "ENOSPC";
	case ERANGE:	return "ERANGE";
	case ENOSYS:	return "ENOSYS";
	case EOVERFLOW:	return "EOVERFLOW";
	case ETIMEDOUT:	return "ETIMEDOUT";
	default:	return strerror(err);
	}
}

/*
 * Check that a call returned -1 with errno e1 (or e2, if non-zero).
 * Used through EXPECT_ERRNO()/EXPECT_ERRNO2(), which pass the call's
 * text and position. errno is read before anything else can change it.
 */
static inline void acc_expect_errno(long ret, const char *call, int e1,
				    int e2, const char *file, int line)
{
	int err = errno;

	if (ret == -1 && (err == e1 || (e2 && err == e2)))
		return;
	fprintf(stderr, "%s:%d: FAIL: %s\n", file, line, call);
	if (e2)
		fprintf(stderr, "  expected: -1 with %s or %s\n",
			acc_errname(e1), acc_errname(e2));
	else
		fprintf(stderr, "  expected: -1 with %s\n", acc_errname(e1));
	if (ret == -1)
		fprintf(stderr, "  got:      -1 with %s\n", acc_errname(err));
	else
		fprintf(stderr, "  got:      success, returned %ld\n", ret);
	exit(1);
}

#define EXPECT_ERRNO(call, err)						\
	acc_expect_errno((long)(call), #call, (err), 0, __FILE__, __LINE__)
#define EXPECT_ERRNO2(call, e1, e2)					\
	acc_expect_errno((long)(call), #call, (e1), (e2), __FILE__, __LINE__)

/* Check that a call did not return -1; returns what the call returned. */
static inline long acc_expect_ok(long ret, const char *call,
				 const char *file, int line)
{
	int err = errno;

	if (ret != -1)
		return ret;
	fprintf(stderr, "%s:%d: FAIL: %s\n", file, line, call);
	fprintf(stderr, "  expected: success\n");
	fprintf(stderr, "  got:      -1 with %s\n", acc_errname(err));
	exit(1);
}

#define EXPECT_OK(call) acc_expect_ok((long)(call), #call, __FILE__, __LINE__)

/* ---------------------------------------------------------------- */
/* Devices                                                           */
/* ---------------------------------------------------------------- */

static inline void acc_dev_path(char *buf, size_t len, int dev)
{
	snprintf(buf, len, "/dev/acceldev%d", dev);
}

/* Skip the test (exit 77) unless /dev/acceldev0..n-1 all exist. */
static inline void acc_require_devices(int n)
{
	char path[64];

	for (int i = 0; i < n; i++) {
		acc_dev_path(path, sizeof(path), i);
		if (access(path, F_OK) != 0)
			SKIP("%s does not exist (test needs %d devices)",
			     path, n);
	}
}

/* Open a new context on /dev/acceldevN; raw result, -1 and errno. */
static inline int acc_try_open(int dev)
{
	char path[64];

	acc_dev_path(path, sizeof(path), dev);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* Open a new context on /dev/acceldevN; skip if there is no such node. */
static inline int acc_open(int dev)
{
	char path[64];
	int fd;

	acc_dev_path(path, sizeof(path), dev);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		SKIP("%s does not exist", path);
	if (fd < 0)
		FAIL("open(%s): %s", path, acc_errname(errno));
	return fd;
}

/* Wait up to @seconds for a path to (dis)appear; true if it did. */
static inline bool acc_wait_for_path(const char *path, bool present,
				     int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		if ((access(path, F_OK) == 0) == present)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

/*
 * Read a number from /sys/class/acceldev/acceldevN/<attr>; fails the test
 * if the file is missing or does not hold a number.
 */
static inline long acc_sysfs_read(int dev, const char *attr)
{
	char path[128];
	long val;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/acceldev/acceldev%d/%s",
		 dev, attr);
	f = fopen(path, "r");
	if (!f)
		FAIL("%s: %s", path, acc_errname(errno));
	if (fscanf(f, "%ld", &val) != 1)
		FAIL("%s: no number", path);
	fclose(f);
	return val;
}

/* A number read from @path (a module parameter), or @dflt without it. */
static inline long acc_sysfs_param(const char *path, long dflt)
{
	FILE *f = fopen(path, "r");
	long v = dflt;

	if (!f) {
		printf("%s: %s, taking %ld\n", path, acc_errname(errno), dflt);
		return dflt;
	}
	CHECK_MSG(fscanf(f, "%ld", &v) == 1, "%s: not a number", path);
	fclose(f);
	return v;
}

/*
 * Wait up to @seconds until /sys/class/acceldev/acceldevN/device_restarts
 * reaches @want; true if it did.
 */
static inline bool acc_wait_restarts(int dev, long want, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		if (acc_sysfs_read(dev, "device_restarts") >= want)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

/*
 * Write a string to /sys/kernel/debug/acceldev/acceldevN/<file>; returns
 * 0, or -1 with errno (ENOENT: no debugfs or no such file).
 */
static inline int acc_debugfs_write(int dev, const char *file, const char *s)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/kernel/debug/acceldev/acceldev%d/%s",
		 dev, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -1;
	close(fd);
	return ret;
}

/*
 * The number after "@name: " in debugfs file @file of /dev/acceldev@dev
 * (e.g. "queue", "device_errors"), or -1 without debugfs or the line.
 */
static inline long acc_debugfs_value(int dev, const char *file,
				     const char *name)
{
	char path[128], line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/acceldev/acceldev%d/%s",
		 dev, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 0);
			break;
		}
	fclose(f);
	return v;
}

/* Wait up to @seconds until debugfs value @name reaches @want. */
static inline bool acc_wait_debugfs_value(int dev, const char *file,
					  const char *name, long want,
					  int seconds)
{
	for (int i = 0; i < seconds * 20; i++) {
		if (acc_debugfs_value(dev, file, name) >= want)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* Buffers                                                           */
/* ---------------------------------------------------------------- */

/*
 * CREATE_BUFFER as the raw call: returns the buffer fd, or -1 and errno.
 * The slot of a DATA buffer is stored in *slot when slot is non-NULL.
 */
static inline int acc_try_create_buffer(int ctx, int size, int type,
					uint32_t *slot)
{
	struct acceldev_ioctl_create_buffer_result res = { .buffer_slot = ~0u };
	struct acceldev_ioctl_create_buffer cb = {
		.size = size,
		.type = (enum acceldev_buffer_type)type,
		.result = &res,
	};
	int fd = ioctl(ctx, ACCELDEV_IOCTL_CREATE_BUFFER, &cb);

	if (fd >= 0 && slot)
		*slot = res.buffer_slot;
	return fd;
}

/* CREATE_BUFFER that must succeed. A DATA buffer's slot must be 0..15. */
#define acc_create_buffer(ctx, size, type, slot)			\
	acc_create_buffer_at((ctx), (size), (type), (slot),		\
			     __FILE__, __LINE__)

static inline int acc_create_buffer_at(int ctx, int size, int type,
				       uint32_t *slot, const char *file,
				       int line)
{
	uint32_t s = ~0u;
	int fd = acc_try_create_buffer(ctx, size, type, &s);

	if (fd < 0) {
		fprintf(stderr, "%s:%d: FAIL: CREATE_BUFFER(size %d, %s): %s\n",
			file, line, size, type == BUFFER_TYPE_DATA ?
			"DATA" : "CODE", acc_errname(errno));
		exit(1);
	}
	if (type == BUFFER_TYPE_DATA && s >= ACCELDEV_NUM_BUFFERS) {
		fprintf(stderr, "%s:%d: FAIL: DATA buffer got slot %u\n",
			file, line, s);
		exit(1);
	}
	if (slot)
		*slot = s;
	return fd;
}

/* mmap a buffer fd shared and read/write; must succeed. */
static inline void *acc_map(int bfd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);

	if (p == MAP_FAILED)
		FAIL("mmap(buffer fd %d, %zu bytes): %s", bfd, len,
		     acc_errname(errno));
	return p;
}

/* ---------------------------------------------------------------- */
/* User commands                                                     */
/* ---------------------------------------------------------------- */

static inline size_t acc_put_cmd(uint32_t *code, size_t w, uint32_t w0,
				 uint32_t w1, uint32_t w2, uint32_t w3,
				 uint32_t w4)
{
	code[w + 0] = w0;
	code[w + 1] = w1;
	code[w + 2] = w2;
	code[w + 3] = w3;
	code[w + 4] = w4;
	return w + ACCELDEV_USER_CMD_WORDS;
}

static inline size_t acc_put_nop(uint32_t *code, size_t w)
{
	return acc_put_cmd(code, w, ACCELDEV_USER_CMD_TYPE_NOP, 0, 0, 0, 0);
}

static inline size_t acc_put_fence(uint32_t *code, size_t w)
{
	return acc_put_cmd(code, w, ACCELDEV_USER_CMD_TYPE_FENCE, 0, 0, 0, 0);
}

/* FILL: write @value into bytes [start, start + len) of the slot's buffer. */
static inline size_t acc_put_fill(uint32_t *code, size_t w, uint32_t value,
				  uint32_t slot, uint32_t start, uint32_t len)
{
	return acc_put_cmd(code, w, ACCELDEV_USER_CMD_TYPE_FILL, value, slot,
			   start, len);
}

/* ---------------------------------------------------------------- */
/* RUN and WAIT                                                      */
/* ---------------------------------------------------------------- */

static inline int acc_try_run(int ctx, int cfd, uint32_t addr, uint32_t size)
{
	struct acceldev_ioctl_run run = {
		.cfd = cfd, .addr = addr, .size = size,
	};

	return ioctl(ctx, ACCELDEV_IOCTL_RUN, &run);
}

static inline int acc_try_wait(int ctx, uint32_t fence)
{
	struct acceldev_ioctl_wait wait = { .fence_wait = fence };

	return ioctl(ctx, ACCELDEV_IOCTL_WAIT, &wait);
}

/* RUN and WAIT that must succeed. */
#define acc_run(ctx, cfd, addr, size)					\
	EXPECT_OK(acc_try_run((ctx), (cfd), (addr), (size)))
#define acc_wait(ctx, fence)						\
	EXPECT_OK(acc_try_wait((ctx), (fence)))

/* ---------------------------------------------------------------- */
/* Misc                                                              */
/* ---------------------------------------------------------------- */

/*
 * One FILL + FENCE on a fresh context of device @dev, every word checked:
 * the device works (used after removal, hot-plug and module reload).
 */
static inline void acc_check_device_works(int dev)
{
	const uint32_t value = 0xacce5500u + (uint32_t)dev;
	int c = acc_open(dev);
	int code = acc_create_buffer(c, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot, *cmds = (uint32_t *)acc_map(code, 4096);
	int data = acc_create_buffer(c, 4096, BUFFER_TYPE_DATA, &slot);
	uint32_t *d = (uint32_t *)acc_map(data, 4096);

	acc_put_fence(cmds, acc_put_fill(cmds, 0, value, slot, 0, 4096));
	acc_run(c, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(c, 1);
	for (unsigned int i = 0; i < 1024; i++)
		CHECK_MSG(d[i] == value, "device %d: word %u is %#x", dev, i,
			  d[i]);
	munmap(cmds, 4096);
	munmap(d, 4096);
	close(code);
	close(data);
	close(c);
}

static const char *acc_watchdog_what;

static inline void acc_watchdog_fired(int sig)
{
	static const char msg[] = "FAIL: watchdog: still blocked in: ";
	static const char *const files[] = {
		"/sys/kernel/debug/acceldev/acceldev0/queue",
		"/sys/kernel/debug/acceldev/acceldev1/queue",
		"/sys/kernel/debug/acceldev/acceldev0/contexts",
		"/sys/kernel/debug/acceldev/acceldev1/contexts",
	};
	char buf[4096];

	(void)sig;
	/* Only async-signal-safe calls here. */
	if (write(2, msg, sizeof(msg) - 1) < 0 ||
	    write(2, acc_watchdog_what, strlen(acc_watchdog_what)) < 0 ||
	    write(2, "\n", 1) < 0)
		_exit(1);
	/* The driver's state, for the hang's diagnosis (debugfs, if any). */
	for (unsigned int i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = open(files[i], O_RDONLY);
		ssize_t n;

		if (fd < 0)
			continue;
		if (write(2, files[i], strlen(files[i])) < 0 ||
		    write(2, ":\n", 2) < 0)
			_exit(1);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (write(2, buf, (size_t)n) < 0)
				break;
		close(fd);
	}
	_exit(1);
}

/*
 * Fail with a message if the process is still running after @seconds:
 * turns "hangs forever" into a clear failure (provided the blocked call
 * sleeps interruptibly). acc_watchdog(0, ...) cancels it.
 */
static inline void acc_watchdog(unsigned int seconds, const char *what)
{
	acc_watchdog_what = what;
	signal(SIGALRM, acc_watchdog_fired);
	alarm(seconds);
}

static inline double acc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* close(@fd), which must succeed; how long it took, in seconds. */
static inline double acc_timed_close(int fd)
{
	double t0 = acc_now();

	CHECK(close(fd) == 0);
	return acc_now() - t0;
}

static sigjmp_buf acc_sigbus_jmp;

static inline void acc_sigbus_handler(int sig)
{
	(void)sig;
	siglongjmp(acc_sigbus_jmp, 1);
}

/*
 * Touch one byte (read, or write when @write); return true if that
 * raised SIGBUS. Any other signal kills the test as usual.
 */
static inline bool acc_touch_raises_sigbus(volatile uint8_t *p, bool write)
{
	struct sigaction sa = { .sa_handler = acc_sigbus_handler };
	struct sigaction old;
	bool faulted = false;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(acc_sigbus_jmp, 1) == 0) {
		if (write)
			*p = 0x5a;
		else
			(void)*p;
	} else {
		faulted = true;
	}
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

/* Lowest free file descriptor number (to detect leaked fds). */
static inline int acc_lowest_free_fd(void)
{
	int fd = dup(0);

	if (fd < 0)
		fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	return fd;
}

#endif /* ACCELDEV_TEST_H */
