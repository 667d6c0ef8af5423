/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib_test.h - for the libacceldev tests: the driver tests' helpers
 * (acceldev_test.h) plus checks of calls that return a pointer.
 *
 * Every test runs on both nodes of a function: lib_X.c opens
 * /dev/acceldevN, and lib_X_accel.c, which defines LIB_NODE as
 * ACD_NODE_ACCEL and includes lib_X.c, the same function's accel node.
 * A test opens its contexts with lib_open() and names the node's ioctls
 * with LIB_CREATE and LIB_SUBMIT in what it expects of acd_error().
 */
#ifndef LIB_TEST_H
#define LIB_TEST_H

#include "acceldev_test.h"
#include "libacceldev.h"

#ifndef LIB_NODE
#define LIB_NODE ACD_NODE_CHARDEV
#endif
#define LIB_ACCEL (LIB_NODE == ACD_NODE_ACCEL)
/* The ioctls that make a buffer and submit, as acd_error() names them. */
#define LIB_CREATE (LIB_ACCEL ? "BO_CREATE" : "CREATE_BUFFER")
#define LIB_SUBMIT (LIB_ACCEL ? "SUBMIT" : "RUN")

/*
 * Devices 0..n-1 must exist (else skip, as acc_require_devices()); on
 * the accel node, their accel nodes too: a kernel without
 * CONFIG_DRM_ACCEL skips the accel variants (SKIP).
 */
static inline void lib_require_devices(int n)
{
	char path[64];

	acc_require_devices(n);
	for (int i = 0; LIB_ACCEL && i < n; i++) {
		if (acd_node_path(i, ACD_NODE_ACCEL, path, sizeof(path)) ||
		    access(path, F_OK) != 0)
			SKIP("/dev/acceldev%d has no accel node (%s)", i,
			     acd_error());
	}
}

/* The path of device @dev's node of this variant. */
static inline const char *lib_path(int dev)
{
	static char path[64];

	if (acd_node_path(dev, LIB_NODE, path, sizeof(path)))
		FAIL("acd_node_path(%d): %s", dev, acd_error());
	return path;
}

/* A new context on device @dev's node of this variant. */
static inline struct acd_ctx *lib_open(int dev)
{
	struct acd_ctx *ctx = acd_open_node(dev, LIB_NODE);

	if (ctx && acd_ctx_node(ctx) != LIB_NODE)
		FAIL("%s opened as node kind %d", lib_path(dev),
		     (int)acd_ctx_node(ctx));
	return ctx;
}

/* A pointer-returning call must fail: NULL with errno e1 (or e2). */
static inline void lib_expect_null(const void *ret, const char *call, int e1,
				   int e2, const char *file, int line)
{
	acc_expect_errno(ret ? 0 : -1, call, e1, e2, file, line);
}

#define EXPECT_NULL_ERRNO(call, err)					\
	lib_expect_null((call), #call, (err), 0, __FILE__, __LINE__)
#define EXPECT_NULL_ERRNO2(call, e1, e2)				\
	lib_expect_null((call), #call, (e1), (e2), __FILE__, __LINE__)

/* A library call must succeed; on failure show acd_error(). */
#define LIB_OK(cond)							\
	CHECK_MSG(cond, "libacceldev: %s", acd_error())

#endif /* LIB_TEST_H */
