// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl fuzzer (include/acceldev_fuzz.h) built with -m32: every
 * request goes through the driver's compat ioctl, with the 12-byte
 * CREATE_BUFFER and 32-bit result pointers; kernel addresses are those
 * above the 32-bit task size. 5 s per phase, ACCELDEV_LONG=1: 60 s.
 * ACCELDEV_FUZZ_SEED replays.
 */
// vmtest: timeout=120 cflags=-m32 tiers=debian,debug
#include "acceldev_fuzz.h"

_Static_assert(sizeof(void *) == 4, "this test must be built with -m32");

int main(void)
{
	return fz_main("ioctl_fuzz_32bit");
}
