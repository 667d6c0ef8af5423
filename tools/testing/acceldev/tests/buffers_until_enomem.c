// SPDX-License-Identifier: GPL-2.0
/*
 * Memory exhaustion: 4 MiB code buffers are created on one context until
 * memory runs out. By default (CI) the process is put in a memory cgroup
 * limited to 128 MiB (buffer pages are charged to it, GFP_ACCOUNT), so
 * that this stays quick; with ACCELDEV_LONG=1 the whole guest (2 GiB) is
 * run out of memory (250 s on the debug kernel). A kernel without memory
 * cgroups skips the default setting. The failing
 * CREATE_BUFFER must return ENOMEM: not kill anything (the OOM killer's
 * count in /proc/vmstat stays the same; this process volunteers as its
 * first victim, oom_score_adj 1000, so that a driver that wakes it fails
 * this test rather than the guest), and leave no fd behind. While the
 * memory is still held, a small buffer on device 1 works or fails with
 * ENOMEM (in the whole-guest setting 8 buffers are given back first,
 * so that the test's own allocations do not meet the OOM killer). After
 * everything is freed the memory is back (the cgroup's
 * memory.current under 8 MiB; MemAvailable within 200 MiB of where it
 * started: the debug kernel's KASAN quarantine keeps up to 1/32 of RAM),
 * and both devices work.
 */
// vmtest: timeout=180 tiers=debian,swiotlb,iommu
#include <sys/mount.h>

#include "acceldev_stress.h"

#define CG "/tmp/buffers_until_enomem.cg"

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

static char cg_dir[64];	/* this run's cgroup, under CG */

/* Move this process into a fresh cgroup limited to @mib; false if the
 * kernel has no cgroup2 memory controller. */
static bool enter_memcg(int mib)
{
	char text[32], path[128];

	mkdir(CG, 0755);
	/* Mounted already if the test ran before in this VM. */
	if (access(CG "/cgroup.controllers", F_OK) != 0 &&
	    mount("none", CG, "cgroup2", 0, NULL) != 0)
		return false;
	FILE *f = fopen(CG "/cgroup.controllers", "r");
	char line[256] = "";

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	if (!strstr(line, "memory"))
		return false;	/* a kernel without CONFIG_MEMCG */
	acc_write_file(CG "/cgroup.subtree_control", "+memory");
	/* Its own cgroup per run: nothing charged by an earlier one. */
	snprintf(cg_dir, sizeof(cg_dir), CG "/t%d", (int)getpid());
	CHECK(mkdir(cg_dir, 0755) == 0);
	snprintf(text, sizeof(text), "%dM", mib);
	snprintf(path, sizeof(path), "%s/memory.max", cg_dir);
	acc_write_file(path, text);
	snprintf(text, sizeof(text), "%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg_dir);
	acc_write_file(path, text);
	return true;
}

static long memcg_current(void)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.current", cg_dir);
	f = fopen(path, "r");
	CHECK(f && fscanf(f, "%ld", &v) == 1);
	fclose(f);
	return v;
}

int main(void)
{
	struct rlimit rl = { 8192, 8192 };
	long avail0 = meminfo("MemAvailable"), avail1, avail2, kills0;
	int n = 0, low, err, small, c1;
	bool memcg;
	double t0 = acc_now();

	acc_require_devices(2);
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	acc_write_file("/proc/self/oom_score_adj", "1000");
	memcg = !acc_long() && enter_memcg(128);
	if (!memcg && !acc_long())
		SKIP("no memory cgroup controller in this kernel: running the "
		     "whole guest out of memory is the long setting "
		     "(ACCELDEV_LONG=1)");
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
	/*
	 * Run out of memory, the whole guest is at its minimum: the next
	 * allocation anywhere (even our own read of /proc/meminfo) may wake
	 * the OOM killer, which is not the driver's doing. Give 8 buffers
	 * (32 MiB) back first; the lowest of their fds is then the lowest
	 * free one.
	 */
	for (int k = 0; !memcg && k < 8 && n > 0; k++) {
		CHECK(close(bufs[--n]) == 0);
		low = bufs[n];
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
	printf("buffers_until_enomem: limit=%s buffers=%d mib=%d "
	       "avail_before_mib=%ld avail_at_enomem_mib=%ld avail_after_mib=%ld"
	       " memcg_after_kib=%ld oom_kills=%ld wall_s=%.1f\n",
	       memcg ? "memcg-128M" : "guest", n, n * 4, avail0 / 1024,
	       avail1 / 1024, avail2 / 1024, memcg ? memcg_current() / 1024 : -1,
	       oom_kills() - kills0, acc_now() - t0);
	CHECK_MSG(n >= (memcg ? 16 : 64), "only %d buffers (%d MiB) before "
		  "ENOMEM", n, n * 4);
	if (memcg)
		CHECK_MSG(memcg_current() < 8 << 20, "the cgroup still holds "
			  "%ld KiB after freeing: buffer memory leaked?",
			  memcg_current() / 1024);
	CHECK_MSG(avail2 > avail0 - 200 * 1024, "MemAvailable %ld MiB after "
		  "freeing, %ld MiB before: buffer memory leaked?",
		  avail2 / 1024, avail0 / 1024);
	acc_check_device_works(0);
	acc_check_device_works(1);
	return 0;
}
