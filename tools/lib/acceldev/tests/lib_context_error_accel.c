// SPDX-License-Identifier: GPL-2.0
/* lib_context_error on the accel node of the same function (/dev/accel/accelN). */
#define LIB_NODE ACD_NODE_ACCEL
#include "lib_context_error.c"
