// SPDX-License-Identifier: GPL-2.0
/*
 * Closes that wait for the device, in bursts, where the last FENCE of
 * each burst is the only thing that can wake its closer. Per device, 4
 * threads with a context each meet at a barrier, then each creates a data
 * buffer (a BIND_SLOT) and closes it (an unbind and a device FENCE that
 * the close waits for); the round ends when every close returned. Nothing
 * else is queued, so if the driver ever lost the interrupt of a burst's
 * last FENCE (as it once did, when that FENCE executed while the work
 * was retiring the one before it), that close would sleep for good and
 * the watchdog fires.
 * Every 4th round one thread also RUNs a FILL + FENCE and WAITs for it,
 * so user FENCE interrupts mix with the device FENCEs; its data is
 * checked. Rounds, closes and the slowest round are printed.
 * 20 s (debug kernel 10 s); ACCELDEV_LONG=1: 120 s.
 */
// vmtest: timeout=150 tiers=debian,debug
#include "acceldev_stress.h"

#define THREADS 4
#define DATA_SIZE 4096

struct dev_state {
	int dev;
	pthread_barrier_t start, end;
	int ctx[THREADS];
	bool stop;		/* written by thread 0 before each start */
	uint64_t rounds;
	double slowest;
};

struct worker {
	struct dev_state *d;
	int t;
};

static double seconds;
static double t_end;

/* The FILL + FENCE of every 4th round, on this thread's context. */
static void run_and_check(int ctx, int code, uint32_t *cmds, uint32_t round,
			  uint32_t *fence)
{
	uint32_t slot, *data;
	int bfd = acc_create_buffer(ctx, DATA_SIZE, BUFFER_TYPE_DATA, &slot);

	data = acc_map(bfd, DATA_SIZE);
	acc_put_fill(cmds, 0, round, slot, 0, DATA_SIZE);
	acc_put_fence(cmds, ACCELDEV_USER_CMD_WORDS);
	acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(ctx, ++*fence);
	for (size_t i = 0; i < DATA_SIZE / 4; i++)
		CHECK_MSG(data[i] == round, "round %u word %zu: got %u",
			  round, i, data[i]);
	munmap(data, DATA_SIZE);
	CHECK(close(bfd) == 0);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dev_state *d = w->d;
	int ctx = d->ctx[w->t], code = -1;
	uint32_t *cmds = NULL, fence = 0;
	struct acc_rng r = { 0x5eedull * (d->dev * THREADS + w->t + 1) };

	if (w->t == 0) {
		code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
		cmds = acc_map(code, 4096);
	}
	for (uint32_t round = 1;; round++) {
		double t0;
		int bfd;

		/*
		 * One decision for all: thread 0 writes it before the start
		 * barrier, the others read it after, and thread 0 writes the
		 * next one only after all passed the end barrier.
		 */
		if (w->t == 0)
			d->stop = acc_now() >= t_end;
		pthread_barrier_wait(&d->start);
		if (d->stop)
			break;
		t0 = acc_now();
		/* A few microseconds apart, so the FENCEs interleave. */
		for (volatile uint32_t spin = acc_rng_below(&r, 2000); spin;)
			spin--;
		bfd = acc_create_buffer(ctx, DATA_SIZE, BUFFER_TYPE_DATA, NULL);
		CHECK(close(bfd) == 0);
		if (w->t == 0 && round % 4 == 0)
			run_and_check(ctx, code, cmds, round, &fence);
		pthread_barrier_wait(&d->end);
		if (w->t == 0) {
			d->rounds++;
			if (acc_now() - t0 > d->slowest)
				d->slowest = acc_now() - t0;
		}
	}
	if (code >= 0) {
		munmap(cmds, 4096);
		CHECK(close(code) == 0);
	}
	return NULL;
}

int main(void)
{
	static struct dev_state devs[2];
	static struct worker ws[2][THREADS];
	pthread_t th[2][THREADS];

	acc_require_devices(2);
	seconds = ACC_SETTING(acc_debug_kernel() ? 10 : 20, 120);
	acc_watchdog((unsigned int)seconds + 60, "a close (its FENCE lost?)");
	t_end = acc_now() + seconds;

	for (int dev = 0; dev < 2; dev++) {
		struct dev_state *d = &devs[dev];

		d->dev = dev;
		CHECK(pthread_barrier_init(&d->start, NULL, THREADS) == 0);
		CHECK(pthread_barrier_init(&d->end, NULL, THREADS) == 0);
		for (int t = 0; t < THREADS; t++) {
			d->ctx[t] = acc_open(dev);
			ws[dev][t] = (struct worker){ d, t };
			CHECK(pthread_create(&th[dev][t], NULL, worker_main,
					     &ws[dev][t]) == 0);
		}
	}
	for (int dev = 0; dev < 2; dev++)
		for (int t = 0; t < THREADS; t++)
			pthread_join(th[dev][t], NULL);
	acc_watchdog(0, "");

	for (int dev = 0; dev < 2; dev++) {
		struct dev_state *d = &devs[dev];

		CHECK_MSG(d->rounds > 0, "device %d: no round completed", dev);
		for (int t = 0; t < THREADS; t++)
			CHECK(close(d->ctx[t]) == 0);
		printf("sync_burst_last_fence: device %d: rounds=%llu "
		       "closes=%llu slowest_round_ms=%.1f\n", dev,
		       (unsigned long long)d->rounds,
		       (unsigned long long)d->rounds * THREADS,
		       d->slowest * 1e3);
		acc_check_device_works(dev);
	}
	return 0;
}
