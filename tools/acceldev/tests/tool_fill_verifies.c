// SPDX-License-Identifier: GPL-2.0
/*
 * acceldev-fill runs a FILL on each device and verifies it: exit 0 and
 * "OK" with the right word counts; a bad size is exit 2; a missing
 * device is exit 1 naming its node.
 */
#include "tool_test.h"

int main(void)
{
	static char out[TOOL_OUT_MAX];
	char *fill0[] = { "acceldev-fill", NULL };
	char *fill1[] = { "acceldev-fill", "--device", "1", "--value",
			  "0x12345678", "--size", "65536", "--offset", "4096",
			  NULL };
	char *bad_size[] = { "acceldev-fill", "--size", "6", NULL };
	char *too_big[] = { "acceldev-fill", "--size", "4194304", "--offset",
			    "4", NULL };
	char *no_dev[] = { "acceldev-fill", "--device", "9", NULL };

	acc_require_devices(2);
	CHECK(tool_run(fill0, out, sizeof(out)) == 0);
	EXPECT_OUTPUT(out, "acceldev0: FILL of 1048576 bytes with 0xacce55ed");
	EXPECT_OUTPUT(out, "verified all 262144 words (262144 filled, 0 still"
		      " zero): OK");

	/* 69632 bytes = 17 pages: 16384 words filled, 1024 before them */
	CHECK(tool_run(fill1, out, sizeof(out)) == 0);
	EXPECT_OUTPUT(out, "acceldev1: FILL of 65536 bytes with 0x12345678 at"
		      " offset 4096");
	EXPECT_OUTPUT(out, "verified all 17408 words (16384 filled, 1024 still"
		      " zero): OK");

	CHECK(tool_run(bad_size, out, sizeof(out)) == 2);
	CHECK(tool_run(too_big, out, sizeof(out)) == 2);
	CHECK(tool_run(no_dev, out, sizeof(out)) == 1);
	return 0;
}
