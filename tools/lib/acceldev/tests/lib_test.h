/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib_test.h - for the libacceldev tests: the driver tests' helpers
 * (acceldev_test.h) plus checks of calls that return a pointer.
 */
#ifndef LIB_TEST_H
#define LIB_TEST_H

#include "acceldev_test.h"
#include "libacceldev.h"

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
