// SPDX-License-Identifier: GPL-2.0
/*
 * acceldev-bench --quick measures both devices: exit 0, JSON with both
 * devices "ok" and every measurement a number (not null); the table for
 * one device (--device 1) has its column and the rows (a) to (i). The
 * accel rows (h), (i) and "accel_node" are numbers and the device's
 * /dev/accel/accelM where the kernel has the accel class (null without).
 * The
 * numbers themselves are not judged (not even the fractions of the
 * limits: two timings taken apart can put one above 1 on a busy host).
 */
// vmtest: timeout=120
#include "tool_test.h"

static const char *const keys[] = {
	"run_rate_1_ctx", "run_rate_n_ctx", "latency_median_us",
	"latency_p99_us", "fill_mb_per_s", "buffer_cycle_us",
	"context_cycles_per_s", "wait_ms", "wait_cpu_percent", "wait_cpu_us",
	"null_ioctls_per_s", "run_rate_1_of_limit", "run_rate_n_of_limit",
	"devnull_cycles_per_s", "context_cycles_of_limit",
	/* the accel node; must be last (skipped without the accel class) */
	"accel_submit_rate_1_ctx", "accel_submit_rate_n_ctx",
	"accel_syncobj_latency_median_us", "accel_syncobj_latency_p99_us",
};
#define NR_ACCEL_KEYS 4

int main(void)
{
	static char out[TOOL_OUT_MAX];
	char *json[] = { "acceldev-bench", "--quick", "--json", NULL };
	char *table[] = { "acceldev-bench", "--quick", "--device", "1",
			  "--duration", "0.1", NULL };
	char *bad[] = { "acceldev-bench", "--duration", "0", NULL };
	bool accel = access("/sys/class/accel", F_OK) == 0;
	size_t nkeys = sizeof(keys) / sizeof(keys[0]);
	char pat[64];

	acc_require_devices(2);
	CHECK(tool_run(json, out, sizeof(out)) == 0);
	EXPECT_OUTPUT(out, "\"device\": 0, \"node\": \"/dev/acceldev0\", \"ok\": true");
	EXPECT_OUTPUT(out, "\"device\": 1, \"node\": \"/dev/acceldev1\", \"ok\": true");
	if (accel) {
		CHECK_MSG(!strstr(out, ": null"), "a measurement is missing");
		CHECK(strstr(out, "\"ok\": true, \"accel_node\": \"/dev/accel/accel"));
	} else {
		/* no accel node: its four rows and the node are null */
		nkeys -= NR_ACCEL_KEYS;
		CHECK(strstr(out, "\"ok\": true, \"accel_node\": null"));
	}
	for (size_t i = 0; i < nkeys; i++) {
		const char *p = out;
		int n = 0;

		snprintf(pat, sizeof(pat), "\"%s\": ", keys[i]);
		while ((p = strstr(p, pat))) {
			p += strlen(pat);
			CHECK_MSG(*p >= '0' && *p <= '9', "%s is '%.10s'",
				  keys[i], p);
			n++;
		}
		CHECK_MSG(n == 2, "%s appears %d times", keys[i], n);
	}

	CHECK(tool_run(table, out, sizeof(out)) == 0);
	EXPECT_OUTPUT(out, "acceldev1\n");
	CHECK(!strstr(out, "acceldev0"));
	for (char row = 'a'; row <= 'i'; row++) {
		snprintf(pat, sizeof(pat), "\n(%c) ", row);
		EXPECT_OUTPUT(out, pat);
	}
	CHECK(tool_run(bad, out, sizeof(out)) == 2);
	return 0;
}
