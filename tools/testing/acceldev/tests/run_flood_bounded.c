// SPDX-License-Identifier: GPL-2.0
/*
 * A flood of RUNs costs bounded kernel memory and does not starve other
 * contexts (DRIVER.md, RUN: the backlog is bounded). Eight processes
 * submit one-NOP RUNs on contexts of their own without ever waiting,
 * while this one does FILL + FENCE round trips (RUN, then WAIT) on
 * another context: the round trips complete, and the kernel's
 * unreclaimable slab grows by less than 32 MiB during the flood. Then
 * the flooders are killed: they die at once, the driver feeds their
 * backlogs without stalling a CPU (the debug kernel's soft-lockup and
 * hung-task detectors watch), and the device still works.
 */
// vmtest: timeout=240 tiers=debian,debug
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "acceldev_test.h"

#define FLOODERS 8
#define ROUND_TRIPS 20
#define SLAB_LIMIT_KB (32 << 10)

static long sunreclaim_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	CHECK(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &kb) == 1)
			break;
	fclose(f);
	CHECK_MSG(kb >= 0, "no SUnreclaim in /proc/meminfo");
	return kb;
}

static void flood(void)
{
	int ctx, code;

	/* Also when this test fails and exits early. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	ctx = acc_open(0);
	code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	for (;;)
		if (acc_try_run(ctx, code, 0, ACC_CMD_BYTES) != 0)
			FAIL("flooder RUN: %s", acc_errname(errno));
}

static long base_kb;
static volatile long peak_kb;
static volatile int flooding = 1;

static void *sample(void *arg)
{
	(void)arg;
	while (flooding) {
		long kb = sunreclaim_kb();

		if (kb > peak_kb)
			peak_kb = kb;
		CHECK_MSG(kb - base_kb < SLAB_LIMIT_KB,
			  "unreclaimable slab grew by %ld KiB during the flood",
			  kb - base_kb);
		usleep(100 * 1000);
	}
	return NULL;
}

int main(void)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot, *cmds = acc_map(code, 4096);
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	volatile uint32_t *d = acc_map(data, 4096);
	pid_t pids[FLOODERS];
	double worst = 0, t0, t;
	pthread_t thr;
	int status;

	base_kb = sunreclaim_kb();
	peak_kb = base_kb;
	for (int i = 0; i < FLOODERS; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0)
			flood();
	}
	CHECK(pthread_create(&thr, NULL, sample, NULL) == 0);
	sleep(2);

	acc_watchdog(200, "round trips behind the flood");
	for (uint32_t i = 1; i <= ROUND_TRIPS; i++) {
		acc_put_fence(cmds, acc_put_fill(cmds, 0, i, slot, 0, 4));
		t0 = acc_now();
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
		acc_wait(ctx, i);
		t = acc_now() - t0;
		CHECK_MSG(d[0] == i, "round trip %u: word 0 is %u", i, d[0]);
		if (t > worst)
			worst = t;
	}
	flooding = 0;
	CHECK(pthread_join(thr, NULL) == 0);
	printf("flood: %d flooders, worst round trip %.3f s, slab +%ld KiB\n",
	       FLOODERS, worst, peak_kb - base_kb);

	t0 = acc_now();
	for (int i = 0; i < FLOODERS; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < FLOODERS; i++) {
		CHECK(waitpid(pids[i], &status, 0) == pids[i]);
		CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			  "flooder %d: status %#x", i, status);
	}
	printf("flooders killed in %.2f s\n", acc_now() - t0);
	acc_check_device_works(0);
	acc_watchdog(0, "");
	return 0;
}
