// SPDX-License-Identifier: GPL-2.0
/*
 * Where row (a)'s time goes, by stage: runs acceldev-bench's (a) loop
 * (RUNs of one NOP, after every 256 a FENCE run and a WAIT for the
 * previous one) on /dev/acceldev0, from 1 context and from 8, 2 s each,
 * three times, and prints for each phase:
 *
 *  @@STAGES n=CONTEXTS rate=RUNS/S cpu0=BUSY% cpu1=BUSY%
 *      the rate, and how busy each guest CPU was (/proc/stat);
 *  @@STAGES-PROFILE n=CONTEXTS per-1000-runs: passes P fed F
 *      run_kicks K free_reads R irqs I; feed-us-per-command U
 *      the driver's counters (debugfs "profile", struct
 *      acceldev_profile) over the phase: work passes, device commands
 *      fed, kicks by RUN, CMD_MANUAL_FREE reads and interrupts per 1000
 *      RUNs, and the time the work spent feeding per command fed.
 *
 * Run it in the bench's VM:
 *
 *   tools/vmtest [--module PATH.ko] --tests tools/acceldev/bench-vm \
 *       --only stages_vm --keep-log LOG
 *
 * A module without the "profile" file gets the first line only. A
 * measuring tool, not a test: it judges nothing, and exits 0 unless an
 * ioctl failed.
 */
// vmtest: timeout=300
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../../uapi/acceldev.h"

#define NODE "/dev/acceldev0"
#define PROFILE "/sys/kernel/debug/acceldev/acceldev0/profile"
#define CMD_BYTES (ACCELDEV_USER_CMD_WORDS * 4)
#define BATCH 256
#define PHASE_SECS 2.0
#define MAX_THREADS 8

enum { PASSES, FED, FEED_NS, FREE_READS, RUN_KICKS, IRQS, NCOUNTERS };
static const char *const counter_name[NCOUNTERS] = {
	"passes", "fed", "feed_ns", "free_reads", "run_kicks", "irqs",
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "stages_vm: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A context with a code buffer: NOP at command 0, FENCE at command 1. */
struct small_ctx {
	int ctx, code;
	uint32_t *cmds;
};

static void small_ctx_open(struct small_ctx *s)
{
	struct acceldev_ioctl_create_buffer_result res = { 0 };
	struct acceldev_ioctl_create_buffer cb = {
		.size = 4096, .type = BUFFER_TYPE_CODE, .result = &res,
	};

	s->ctx = open(NODE, O_RDWR);
	if (s->ctx < 0)
		die("open");
	s->code = ioctl(s->ctx, ACCELDEV_IOCTL_CREATE_BUFFER, &cb);
	if (s->code < 0)
		die("CREATE_BUFFER");
	s->cmds = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		       s->code, 0);
	if (s->cmds == MAP_FAILED)
		die("mmap");
	memset(s->cmds, 0, 2 * CMD_BYTES);
	s->cmds[0] = ACCELDEV_USER_CMD_TYPE_NOP;
	s->cmds[ACCELDEV_USER_CMD_WORDS] = ACCELDEV_USER_CMD_TYPE_FENCE;
}

static void small_ctx_close(struct small_ctx *s)
{
	munmap(s->cmds, 4096);
	close(s->code);
	close(s->ctx);
}

static void run(struct small_ctx *s, uint32_t addr)
{
	struct acceldev_ioctl_run a = {
		.cfd = s->code, .addr = addr, .size = CMD_BYTES,
	};

	if (ioctl(s->ctx, ACCELDEV_IOCTL_RUN, &a))
		die("RUN");
}

static void wait_fence(struct small_ctx *s, uint32_t fence)
{
	struct acceldev_ioctl_wait a = { .fence_wait = fence };

	while (ioctl(s->ctx, ACCELDEV_IOCTL_WAIT, &a))
		if (errno != EINTR)
			die("WAIT");
}

struct submitter {
	pthread_barrier_t *start;
	uint64_t runs;
	double secs;
};

/* acceldev-bench's (a) loop: at most two batches in flight. */
static void *submit_loop(void *arg)
{
	struct submitter *t = arg;
	struct small_ctx s;
	uint32_t fence = 0;
	double t0;

	small_ctx_open(&s);
	pthread_barrier_wait(t->start);
	t0 = now();
	do {
		for (int i = 0; i < BATCH; i++)
			run(&s, 0);
		t->runs += BATCH;
		run(&s, CMD_BYTES);
		if (fence > 0)
			wait_fence(&s, fence);
		fence++;
	} while (now() - t0 < PHASE_SECS);
	wait_fence(&s, fence);
	t->secs = now() - t0;
	small_ctx_close(&s);
	return NULL;
}

/* Busy and total jiffies of cpu0 and cpu1 from /proc/stat. */
static void cpu_times(unsigned long long busy[2], unsigned long long total[2])
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];

	memset(busy, 0, 2 * sizeof(*busy));
	memset(total, 0, 2 * sizeof(*total));
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long v[8] = { 0 };
		unsigned int cpu;

		if (sscanf(line, "cpu%u %llu %llu %llu %llu %llu %llu %llu %llu",
			   &cpu, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7]) != 9 || cpu > 1)
			continue;
		for (int i = 0; i < 8; i++)
			total[cpu] += v[i];
		busy[cpu] = total[cpu] - v[3] - v[4];	/* not idle, iowait */
	}
	if (f)
		fclose(f);
}

/* The driver's counters; false if it has no such file. */
static int read_profile(unsigned long long c[NCOUNTERS])
{
	FILE *f = fopen(PROFILE, "r");
	char name[32];
	unsigned long long v;

	memset(c, 0, NCOUNTERS * sizeof(*c));
	if (!f)
		return 0;
	while (fscanf(f, "%31s %llu", name, &v) == 2)
		for (int i = 0; i < NCOUNTERS; i++)
			if (!strcmp(name, counter_name[i]))
				c[i] = v;
	fclose(f);
	return 1;
}

static double busy_percent(const unsigned long long b0[2],
			   const unsigned long long t0[2],
			   const unsigned long long b1[2],
			   const unsigned long long t1[2], int cpu)
{
	unsigned long long t = t1[cpu] - t0[cpu];

	return t ? 100.0 * (b1[cpu] - b0[cpu]) / t : 0;
}

static void phase(unsigned int n)
{
	unsigned long long p0[NCOUNTERS], p1[NCOUNTERS];
	unsigned long long b0[2], t0[2], b1[2], t1[2];
	struct submitter t[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	pthread_barrier_t start;
	uint64_t runs = 0;
	double secs = 0, k;
	int profiled;

	pthread_barrier_init(&start, NULL, n);
	profiled = read_profile(p0);
	cpu_times(b0, t0);
	for (unsigned int i = 0; i < n; i++) {
		t[i] = (struct submitter){ .start = &start };
		if (pthread_create(&tid[i], NULL, submit_loop, &t[i]))
			die("pthread_create");
	}
	for (unsigned int i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		runs += t[i].runs;
		if (t[i].secs > secs)
			secs = t[i].secs;
	}
	cpu_times(b1, t1);
	read_profile(p1);
	pthread_barrier_destroy(&start);

	printf("@@STAGES n=%u rate=%.0f cpu0=%.0f%% cpu1=%.0f%%\n", n,
	       runs / secs, busy_percent(b0, t0, b1, t1, 0),
	       busy_percent(b0, t0, b1, t1, 1));
	if (profiled && p1[FED] > p0[FED]) {
		k = 1000.0 / runs;
		printf("@@STAGES-PROFILE n=%u per-1000-runs: passes %.1f fed %.0f run_kicks %.1f free_reads %.1f irqs %.1f; feed-us-per-command %.2f\n",
		       n, k * (p1[PASSES] - p0[PASSES]),
		       k * (p1[FED] - p0[FED]),
		       k * (p1[RUN_KICKS] - p0[RUN_KICKS]),
		       k * (p1[FREE_READS] - p0[FREE_READS]),
		       k * (p1[IRQS] - p0[IRQS]),
		       (p1[FEED_NS] - p0[FEED_NS]) / 1e3 /
		       (p1[FED] - p0[FED]));
	}
	fflush(stdout);
}

int main(void)
{
	if (system("mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null"))
		fprintf(stderr, "stages_vm: debugfs was mounted already\n");
	for (int round = 0; round < 3; round++) {
		phase(1);
		phase(MAX_THREADS);
	}
	return 0;
}
