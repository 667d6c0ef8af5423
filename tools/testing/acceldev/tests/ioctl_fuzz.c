// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl fuzzer (include/acceldev_fuzz.h), 64-bit: random, near-valid
 * and valid requests with pointers of every class and fds of every kind,
 * every result predicted (phase 1, one thread) or within the request's
 * accepted set (phase 2, threads closing fds while others ioctl them).
 * 5 s per phase, ACCELDEV_LONG=1: 60 s. ACCELDEV_FUZZ_SEED replays.
 */
// vmtest: timeout=120 tiers=debian,debug
#include "acceldev_fuzz.h"

int main(void)
{
	return fz_main("ioctl_fuzz");
}
