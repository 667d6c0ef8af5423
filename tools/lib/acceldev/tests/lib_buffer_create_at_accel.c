// SPDX-License-Identifier: GPL-2.0
/* lib_buffer_create_at on the accel node of the same function (/dev/accel/accelN). */
#define LIB_NODE ACD_NODE_ACCEL
#include "lib_buffer_create_at.c"
