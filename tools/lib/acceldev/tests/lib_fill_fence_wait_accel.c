// SPDX-License-Identifier: GPL-2.0
/* lib_fill_fence_wait on the accel node of the same function (/dev/accel/accelN). */
#define LIB_NODE ACD_NODE_ACCEL
#include "lib_fill_fence_wait.c"
