// SPDX-License-Identifier: GPL-2.0
/*
 * Threads sharing one accel file (the course's example 16 on the accel
 * node, with syncobjs instead of a shared fence number): 8 threads, each
 * with its own DATA object, CODE range and binary syncobj, do 25 rounds
 * of FILL + FENCE with a value of their own, wait on their syncobj and
 * check their whole buffer. The job numbers they got are exactly 1..200,
 * each once; afterwards FENCE_COUNTER and LAST_JOB read 200.
 */
// vmtest: timeout=120
#include <pthread.h>

#include "acceldev_accel_test.h"

#define THREADS 8
#define ROUNDS 25
#define DATA (64 * 1024)

static int fd;
static uint32_t code, *cmds;
static uint8_t seen[THREADS * ROUNDS + 1];

static void *worker(void *arg)
{
	uint32_t t = (uint32_t)(uintptr_t)arg, slot, data, s, *d;
	size_t w = (size_t)t * 2 * ACCELDEV_USER_CMD_WORDS;

	data = acc_accel_bo_create(fd, DATA, DRM_ACCELDEV_BO_DATA, &slot);
	d = acc_accel_map(fd, data, DATA);
	s = acc_syncobj_create(fd, 0);
	for (uint32_t r = 0; r < ROUNDS; r++) {
		uint32_t value = t << 16 | r;
		uint64_t job;

		acc_put_fence(cmds, acc_put_fill(cmds, w, value, slot, 0,
						 DATA));
		job = acc_accel_submit(fd, code, (uint32_t)(w * 4),
				       2 * ACC_CMD_BYTES, s);
		CHECK_MSG(job >= 1 && job <= THREADS * ROUNDS, "job %llu",
			  (unsigned long long)job);
		__atomic_fetch_add(&seen[job], 1, __ATOMIC_RELAXED);
		acc_syncobj_wait(fd, s, 60);
		for (int i = 0; i < DATA / 4; i++)
			CHECK_MSG(d[i] == value, "thread %u round %u: word %d "
				  "is %#x", t, r, i, d[i]);
	}
	munmap(d, DATA);
	acc_gem_close(fd, data);
	acc_syncobj_destroy(fd, s);
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];

	fd = acc_accel_open(0);
	code = acc_accel_bo_create(fd, 4096, DRM_ACCELDEV_BO_CODE, NULL);
	cmds = acc_accel_map(fd, code, 4096);
	acc_watchdog(110, "threads sharing an accel file");
	for (uintptr_t t = 0; t < THREADS; t++)
		CHECK(pthread_create(&th[t], NULL, worker, (void *)t) == 0);
	for (int t = 0; t < THREADS; t++)
		CHECK(pthread_join(th[t], NULL) == 0);
	for (int j = 1; j <= THREADS * ROUNDS; j++)
		CHECK_MSG(seen[j] == 1, "job number %d given %u times", j,
			  seen[j]);
	CHECK(acc_accel_param(fd, DRM_ACCELDEV_PARAM_FENCE_COUNTER) ==
	      THREADS * ROUNDS);
	CHECK(acc_accel_param(fd, DRM_ACCELDEV_PARAM_LAST_JOB) ==
	      THREADS * ROUNDS);
	acc_watchdog(0, "");
	munmap(cmds, 4096);
	CHECK(close(fd) == 0);
	return 0;
}
