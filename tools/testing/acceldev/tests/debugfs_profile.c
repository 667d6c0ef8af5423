// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "profile" of /dev/acceldev0 (core/debugfs.c): exactly the six
 * dispatcher counters "passes", "fed", "feed_ns", "free_reads",
 * "run_kicks" and "irqs", one "name value" a line, in that order. After
 * 20 RUNs, each a FILL and a FENCE, and a WAIT for the last fence,
 * "fed" has grown by at least 20 (one device RUN each; the driver's own
 * FENCEs come on top), "passes", "run_kicks" and "irqs" by at least 1,
 * and no counter went down. Skips without debugfs.
 */
// vmtest: tiers=debian,debug
#include "acceldev_test.h"

#define NCOUNTERS 6
#define RUNS 20

static const char *const names[NCOUNTERS] = {
	"passes", "fed", "feed_ns", "free_reads", "run_kicks", "irqs",
};

static void read_profile(unsigned long long *v)
{
	const char *path = "/sys/kernel/debug/acceldev/acceldev0/profile";
	char line[128], name[32], extra;
	int n = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f && errno == ENOENT)
		SKIP("%s does not exist (no debugfs)", path);
	CHECK_MSG(f, "%s: %s", path, acc_errname(errno));
	while (fgets(line, sizeof(line), f)) {
		CHECK_MSG(n < NCOUNTERS, "line %d of %s: more than %d lines: %s",
			  n + 1, path, NCOUNTERS, line);
		CHECK_MSG(sscanf(line, "%31s %llu %c", name, &v[n], &extra) == 2,
			  "line %d of %s is not \"name value\": %s", n + 1,
			  path, line);
		CHECK_MSG(!strcmp(name, names[n]), "line %d of %s names %s, "
			  "want %s", n + 1, path, name, names[n]);
		n++;
	}
	fclose(f);
	CHECK_MSG(n == NCOUNTERS, "%s has %d lines, want %d", path, n,
		  NCOUNTERS);
}

int main(void)
{
	unsigned long long before[NCOUNTERS], after[NCOUNTERS];
	uint32_t slot, *code;
	int ctx, cfd, dfd;
	size_t w = 0;

	acc_require_devices(1);
	ctx = acc_open(0);
	cfd = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	dfd = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	code = acc_map(cfd, 4096);
	w = acc_put_fill(code, w, 0x1234, slot, 0, 4096);
	w = acc_put_fence(code, w);

	read_profile(before);
	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, cfd, 0, (uint32_t)(w * 4));
	acc_wait(ctx, RUNS);
	read_profile(after);

	for (int i = 0; i < NCOUNTERS; i++) {
		printf("%-10s %llu -> %llu\n", names[i], before[i], after[i]);
		CHECK_MSG(after[i] >= before[i], "%s went down: %llu -> %llu",
			  names[i], before[i], after[i]);
	}
	CHECK_MSG(after[1] - before[1] >= RUNS, "fed grew by %llu for %d RUNs",
		  after[1] - before[1], RUNS);
	CHECK_MSG(after[0] > before[0], "passes did not grow");
	CHECK_MSG(after[4] > before[4], "run_kicks did not grow");
	CHECK_MSG(after[5] > before[5], "irqs did not grow");

	CHECK(munmap(code, 4096) == 0);
	CHECK(close(dfd) == 0);
	CHECK(close(cfd) == 0);
	CHECK(close(ctx) == 0);
	return 0;
}
