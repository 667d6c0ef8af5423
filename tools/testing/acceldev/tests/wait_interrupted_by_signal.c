// SPDX-License-Identifier: GPL-2.0
/*
 * A WAIT sleeping on a fence not yet reached returns EINTR when a signal
 * arrives whose handler was installed without SA_RESTART:
 *  - a timer (setitimer) fires while the main thread waits;
 *  - another thread sends the signal to the waiting thread.
 * The device is slowed (cmd-delay-us) so the fences are far away. After
 * each interruption the context is fine: a new WAIT on the same fence
 * succeeds once the runs finish.
 */
// vmtest: timeout=120 tiers=debian
#include <pthread.h>
#include <sys/time.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=50000")

#define RUNS 30

static volatile sig_atomic_t got_signal;
static pthread_t waiter;

static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

static void *kicker(void *arg)
{
	(void)arg;
	usleep(300 * 1000);
	pthread_kill(waiter, SIGUSR1);
	return NULL;
}

/* Submit RUNS runs of FILL + FENCE; return the last fence number. */
static uint32_t submit(int ctx, int code, uint32_t last)
{
	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	return last + RUNS;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = 0 };
	struct itimerval it = { .it_value = { .tv_usec = 300 * 1000 } };
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot, fence;
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, 4096);
	pthread_t th;

	(void)data;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	acc_put_fence(cmds, acc_put_fill(cmds, 0, 1, slot, 0, 4096));

	/* 1: a timer signal. */
	fence = submit(ctx, code, 0);
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	EXPECT_ERRNO(acc_try_wait(ctx, fence), EINTR);
	CHECK(got_signal);
	acc_wait(ctx, fence);

	/* 2: a signal sent by another thread. */
	got_signal = 0;
	waiter = pthread_self();
	fence = submit(ctx, code, fence);
	CHECK(pthread_create(&th, NULL, kicker, NULL) == 0);
	EXPECT_ERRNO(acc_try_wait(ctx, fence), EINTR);
	CHECK(got_signal);
	pthread_join(th, NULL);
	acc_wait(ctx, fence);
	return 0;
}
