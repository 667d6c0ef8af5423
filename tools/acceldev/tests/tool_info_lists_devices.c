// SPDX-License-Identifier: GPL-2.0
/*
 * acceldev-info lists both devices, in text and in JSON: device node,
 * PCI address (0000:...), driver "acceldev", and every counter key
 * (a number or null); exit 0; a bad option is exit 2.
 */
#include "tool_test.h"

static const char *const keys[] = {
	"contexts", "runs_submitted", "runs_backlogged", "queue_depth",
	"fences_signalled", "context_errors", "device_restarts",
};

int main(void)
{
	static char out[TOOL_OUT_MAX];
	char *text[] = { "acceldev-info", NULL };
	char *json[] = { "acceldev-info", "--json", NULL };
	char *bad[] = { "acceldev-info", "--no-such-option", NULL };
	int depth = 0;

	acc_require_devices(2);
	CHECK(tool_run(text, out, sizeof(out)) == 0);
	EXPECT_OUTPUT(out, "acceldev0\n");
	EXPECT_OUTPUT(out, "acceldev1\n");
	EXPECT_OUTPUT(out, "/dev/acceldev1\n");
	EXPECT_OUTPUT(out, "pci               0000:");
	EXPECT_OUTPUT(out, "driver            acceldev\n");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		EXPECT_OUTPUT(out, keys[i]);

	CHECK(tool_run(json, out, sizeof(out)) == 0);
	CHECK(strncmp(out, "{\"devices\": [", 13) == 0);
	for (const char *p = out; *p; p++) {
		depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
		CHECK(depth >= 0);
	}
	CHECK_MSG(depth == 0, "unbalanced JSON");
	EXPECT_OUTPUT(out, "\"node\": \"/dev/acceldev0\"");
	EXPECT_OUTPUT(out, "\"driver\": \"acceldev\"");
	EXPECT_OUTPUT(out, "\"pci\": \"0000:");
	for (int d = 0; d < 2; d++) {
		const char *name = d ? "acceldev1" : "acceldev0";

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			CHECK_MSG(tool_json_counter(out, name, keys[i]) >= -1,
				  "%s: no key %s", name, keys[i]);
	}

	CHECK(tool_run(bad, out, sizeof(out)) == 2);
	return 0;
}
