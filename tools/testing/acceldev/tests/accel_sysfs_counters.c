// SPDX-License-Identifier: GPL-2.0
/*
 * The accel node has the function's counters too (issue 20; Documentation/
 * ABI/testing/sysfs-class-acceldev): /sys/class/accel/accelM/ shows the
 * same values as /sys/class/acceldev/acceldevN/ of its function, and they
 * follow what the accel node does: an accel file is a context, a SUBMIT
 * counts in runs_submitted, its user FENCE in fences_signalled. Its
 * debugfs folder, /sys/kernel/debug/accel/<PCI name>/ (the DRM core names
 * it so in 6.12), has the device's queue, contexts and profile files, and
 * "contexts" lists the accel file's id.
 */
// vmtest: timeout=30 tiers=debian,debug
#include "acceldev_stress.h"
#include "acceldev_accel_test.h"

/* A counter of device 0's accel node. */
static long accel_read(const char *attr)
{
	char node[64], path[160];
	FILE *f;
	long v;

	CHECK(acc_accel_path(0, node, sizeof(node)));
	snprintf(path, sizeof(path), "/sys/class/accel/%s/%s",
		 strrchr(node, '/') + 1, attr);
	f = fopen(path, "r");
	CHECK_MSG(f, "%s: %s", path, acc_errname(errno));
	CHECK_MSG(fscanf(f, "%ld", &v) == 1, "%s: not a number", path);
	fclose(f);
	return v;
}

static void same(const char *attr)
{
	long a = accel_read(attr), c = acc_sysfs_read(0, attr);

	CHECK_MSG(a == c, "%s: %ld on the accel node, %ld on the chardev",
		  attr, a, c);
}

/* debugfs accel/<PCI name>/: the device's files; @fd's context listed. */
static void debugfs_check(int fd)
{
	static const char *const files[] = { "queue", "contexts", "profile" };
	char bdf[64], path[160], line[256];
	bool listed = false;
	uint64_t id;
	FILE *f;

	CHECK(acc_dev_bdf(0, bdf, sizeof(bdf)));
	if (access("/sys/kernel/debug/accel", F_OK) != 0) {
		printf("no debugfs: its files not checked\n");
		return;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/%s",
			 bdf, files[i]);
		CHECK_MSG(access(path, R_OK) == 0, "%s: %s", path,
			  acc_errname(errno));
	}
	CHECK(acc_accel_try_param(fd, DRM_ACCELDEV_PARAM_CONTEXT_ID, &id) == 0);
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/contexts",
		 bdf);
	f = fopen(path, "r");
	CHECK_MSG(f, "%s: %s", path, acc_errname(errno));
	while (fgets(line, sizeof(line), f))
		if (strtoull(line, NULL, 10) == id && line[0] >= '0' &&
		    line[0] <= '9')
			listed = true;
	fclose(f);
	CHECK_MSG(listed, "context %llu not in %s", (unsigned long long)id,
		  path);
}

int main(void)
{
	static const char *const attrs[] = {
		"contexts", "runs_submitted", "runs_backlogged",
		"fences_signalled", "context_errors", "device_restarts",
	};
	long ctxs0, runs0, fences0;
	struct acc_actx a;

	acc_accel_require(1);
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		same(attrs[i]);
	/* queue_depth reads the device: it exists and is a number. */
	CHECK(accel_read("queue_depth") >= 0);

	ctxs0 = accel_read("contexts");
	runs0 = accel_read("runs_submitted");
	fences0 = accel_read("fences_signalled");
	acc_actx_open(&a, 0, 4096, 4096);
	CHECK_MSG(accel_read("contexts") == ctxs0 + 1, "contexts: %ld, was %ld",
		  accel_read("contexts"), ctxs0);
	acc_actx_fill_fence(&a, 0x5c5c, 0);
	acc_accel_wait(a.fd, 1);
	CHECK_MSG(accel_read("runs_submitted") == runs0 + 1,
		  "runs_submitted: %ld, was %ld", accel_read("runs_submitted"),
		  runs0);
	CHECK_MSG(accel_read("fences_signalled") == fences0 + 1,
		  "fences_signalled: %ld, was %ld",
		  accel_read("fences_signalled"), fences0);
	debugfs_check(a.fd);
	acc_actx_close(&a);
	same("contexts");
	same("runs_submitted");
	return 0;
}
