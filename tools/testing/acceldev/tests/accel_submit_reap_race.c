// SPDX-License-Identifier: GPL-2.0
/*
 * SUBMITs to an idle device, from two files per device at once, each
 * waited for before the next: every SUBMIT kicks the work, which may
 * feed the RUN, the device finish it and the reaper drop the job's
 * references while the submitting CPU is still inside SUBMIT. A job that
 * still named its RUN there freed it a second time, after the work had
 * freed it ("BUG acceldev_cmd: Slab has 0 allocated objects but 1 are to
 * be freed" with slub_debug, a KASAN double-free on the debug kernel).
 * The window is a few instructions wide and needs the submitting vCPU
 * to be descheduled by the host: this test makes many such windows
 * (ACCELDEV_LONG: longer); the bench fails it on any kernel report. Each
 * file's FENCE counter ends at its number of SUBMITs.
 */
// vmtest: timeout=120 tiers=debian,swiotlb,debug
#include <pthread.h>

#include "acceldev_accel_test.h"
#include "acceldev_stress.h"

#define FILES 2

static double seconds;

static void *worker(void *arg)
{
	int dev = (int)(uintptr_t)arg / FILES;
	struct acc_actx a;
	int64_t end = acc_deadline(seconds);
	uint32_t n = 0;

	acc_actx_open(&a, dev, 4096, 4096);
	/* One NOP and a FENCE: the shortest job that signals the counter. */
	acc_put_fence(a.cmds, acc_put_nop(a.cmds, 0));
	while (acc_mono_ns() < end) {
		acc_accel_submit(a.fd, a.code, 0, 2 * ACC_CMD_BYTES, 0);
		n++;
		CHECK(acc_accel_try_wait(a.fd, n, acc_deadline(30)) == 0);
	}
	CHECK(acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_FENCE_COUNTER) == n);
	printf("accel_submit_reap_race: device=%d jobs=%u\n", dev, n);
	CHECK(close(a.fd) == 0);
	return NULL;
}

int main(void)
{
	pthread_t th[2 * FILES];

	acc_accel_require(2);
	seconds = ACC_SETTING(10, 120);
	acc_watchdog(100 + (int)seconds, "SUBMITs racing the reaper");
	for (uintptr_t t = 0; t < 2 * FILES; t++)
		CHECK(pthread_create(&th[t], NULL, worker, (void *)t) == 0);
	for (int t = 0; t < 2 * FILES; t++)
		CHECK(pthread_join(th[t], NULL) == 0);
	acc_watchdog(0, "");
	return 0;
}
