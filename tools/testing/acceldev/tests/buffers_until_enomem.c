// SPDX-License-Identifier: GPL-2.0
/*
 * Memory exhaustion: 4 MiB code buffers are created on one context until
 * the guest (2 GiB) runs out of memory. The failing CREATE_BUFFER must
 * return ENOMEM: not kill anything (the OOM killer's count in
 * /proc/vmstat stays the same; this process volunteers as its first
 * victim, oom_score_adj 1000, so that a driver that wakes it fails this
 * test rather than the guest), and leave no fd behind. While the memory is
 * still held, a small buffer on device 1 either works or fails with
 * ENOMEM. After everything is freed, MemAvailable is back (within 64 MiB
 * of where it started), and both devices work.
 */
// vmtest: timeout=180
#include "acceldev_stress.h"

#define BIG ACCELDEV_BUFFER_MAX_SIZE
#define MAXBUFS 2048

static long meminfo(const char *key)
{
	char line[256];
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	CHECK(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			sscanf(line + strlen(key), ": %ld", &val);
	fclose(f);
	CHECK_MSG(val >= 0, "no %s in /proc/meminfo", key);
	return val;	/* KiB */
}

static long oom_kills(void)
{
	char key[64];
	long val, kills = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	CHECK(f);
	while (fscanf(f, "%63s %ld", key, &val) == 2)
		if (!strcmp(key, "oom_kill"))
			kills = val;
	fclose(f);
	CHECK_MSG(kills >= 0, "no oom_kill in /proc/vmstat");
	return kills;
}

static int bufs[MAXBUFS];

int main(void)
{
	struct rlimit rl = { 8192, 8192 };
	long avail0 = meminfo("MemAvailable"), avail1, avail2, kills0;
	int n = 0, low, err, small, c1;
	double t0 = acc_now();

	acc_require_devices(2);
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	acc_write_file("/proc/self/oom_score_adj", "1000");
	kills0 = oom_kills();
	int ctx = acc_open(0);

	c1 = acc_open(1);
	low = acc_lowest_free_fd();
	for (;;) {
		int fd = acc_try_create_buffer(ctx, BIG, BUFFER_TYPE_CODE, NULL);

		if (fd < 0) {
			err = errno;
			break;
		}
		CHECK_MSG(n < MAXBUFS, "%d buffers of 4 MiB in a 2 GiB guest?",
			  n);
		bufs[n++] = fd;
		low = fd + 1;
	}
	avail1 = meminfo("MemAvailable");
	CHECK_MSG(err == ENOMEM, "buffer %d: %s, expected ENOMEM", n,
		  acc_errname(err));
	CHECK_MSG(acc_lowest_free_fd() == low, "the failed CREATE_BUFFER "
		  "left an fd behind");
	/* Still low on memory: a small buffer elsewhere works or ENOMEMs. */
	small = acc_try_create_buffer(c1, 4096, BUFFER_TYPE_DATA, NULL);
	CHECK_MSG(small >= 0 || errno == ENOMEM, "small buffer: %s",
		  acc_errname(errno));
	if (small >= 0)
		close(small);

	for (int i = 0; i < n; i++)
		CHECK(close(bufs[i]) == 0);
	close(c1);
	close(ctx);
	CHECK_MSG(oom_kills() == kills0, "the OOM killer ran %ld times",
		  oom_kills() - kills0);
	avail2 = meminfo("MemAvailable");
	printf("buffers_until_enomem: buffers=%d mib=%d avail_before_mib=%ld "
	       "avail_at_enomem_mib=%ld avail_after_mib=%ld oom_kills=%ld "
	       "wall_s=%.1f\n", n, n * 4, avail0 / 1024, avail1 / 1024,
	       avail2 / 1024, oom_kills() - kills0, acc_now() - t0);
	CHECK_MSG(n > 64, "only %d buffers (%d MiB) before ENOMEM", n, n * 4);
	CHECK_MSG(avail2 > avail0 - 64 * 1024, "MemAvailable %ld MiB after "
		  "freeing, %ld MiB before: buffer memory leaked?",
		  avail2 / 1024, avail0 / 1024);
	acc_check_device_works(0);
	acc_check_device_works(1);
	return 0;
}
