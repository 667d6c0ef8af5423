// SPDX-License-Identifier: GPL-2.0
/*
 * fault_inject_alloc from a 32-bit program: the same walk of every
 * allocation of open, the 4 KiB CREATE_BUFFERs, mmap, RUN, WAIT and
 * close, with the ioctls through the driver's compat handler
 * (CREATE_BUFFER's 12-byte layout) and mmap through the compat system
 * call. The 4 MiB CREATE_BUFFERs are left to the 64-bit test: past the
 * argument, their allocations are the same.
 */
// vmtest: timeout=180 cflags=-m32 tiers=debug
#define FAULT_INJECT_NO_BIG
#include "fault_inject_alloc.c"

_Static_assert(sizeof(void *) == 4, "this test must be built with -m32");
