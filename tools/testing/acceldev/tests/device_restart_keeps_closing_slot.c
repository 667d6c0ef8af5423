// SPDX-License-Identifier: GPL-2.0
/*
 * A FEED_ERROR restart fails only contexts with a command that may have
 * been lost, and leaves the device queue to execute in FIFO order
 * (DRIVER.md, Errors from the device). Closing a buffer "waits until
 * every run submitted earlier on its context has finished, then unbinds
 * it", so a RUN submitted before the close must find the buffer still
 * bound, whatever restart comes in between.
 *
 * Context X keeps the device busy with one long RUN (about 2 s). Context
 * C queues a RUN behind it that FILLs its buffers D and then E, and
 * FENCEs; another thread closes D (its last reference), which queues D's
 * unbind behind C's RUN and waits for that RUN. Then context Y submits
 * one-NOP RUNs until one is dropped by the model's feed-error-every knob
 * and Y is failed: a FEED_ERROR restart while C's RUN and D's unbind wait
 * in the device queue, accepted before the drop. C's WAIT(1) returns 0,
 * the FILL after the one into D landed in E, and no context error (an
 * empty slot) was counted.
 */
// vmtest: timeout=150
#include <pthread.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("feed-error-every=50")

#define BIG (4 << 20)
#define X_FILLS 8000		/* X's RUN: FILL + FENCE pairs */
#define X_CODE (512 << 10)
#define ATTEMPTS 20

struct setup {
	int x, xcode, xdata, c, ccode, d, e, y, ycode;
	uint32_t *xc, *cc, *yc;
	volatile uint32_t *ew;
	uint32_t dslot, eslot;
};

static void *close_d(void *arg)
{
	struct setup *s = arg;

	close(s->d);		/* waits for C's RUN */
	return NULL;
}

static void open_all(struct setup *s)
{
	uint32_t xslot;
	size_t w = 0;

	s->x = acc_open(0);
	s->xcode = acc_create_buffer(s->x, X_CODE, BUFFER_TYPE_CODE, NULL);
	s->xdata = acc_create_buffer(s->x, BIG, BUFFER_TYPE_DATA, &xslot);
	s->xc = acc_map(s->xcode, X_CODE);
	for (int i = 0; i < X_FILLS; i++)
		w = acc_put_fence(s->xc, acc_put_fill(s->xc, w, i, xslot, 0,
						      BIG));

	s->c = acc_open(0);
	s->ccode = acc_create_buffer(s->c, 4096, BUFFER_TYPE_CODE, NULL);
	s->d = acc_create_buffer(s->c, 4096, BUFFER_TYPE_DATA, &s->dslot);
	s->e = acc_create_buffer(s->c, 4096, BUFFER_TYPE_DATA, &s->eslot);
	s->cc = acc_map(s->ccode, 4096);
	s->ew = acc_map(s->e, 4096);
	w = acc_put_fill(s->cc, 0, 0xd0d0d0d0, s->dslot, 0, 4096);
	acc_put_fence(s->cc, acc_put_fill(s->cc, w, 0xe0e0e0e0, s->eslot, 0,
					  4096));

	s->y = acc_open(0);
	s->ycode = acc_create_buffer(s->y, 4096, BUFFER_TYPE_CODE, NULL);
	s->yc = acc_map(s->ycode, 4096);
	acc_put_nop(s->yc, 0);
}

static void close_all(struct setup *s)
{
	munmap(s->xc, X_CODE);
	munmap(s->cc, 4096);
	munmap(s->yc, 4096);
	munmap((void *)s->ew, 4096);
	close(s->xcode);
	close(s->xdata);
	close(s->x);
	close(s->ccode);
	close(s->e);
	close(s->c);
	close(s->ycode);
	close(s->y);
}

int main(void)
{
	struct setup s;
	pthread_t thread;
	long restarts0, errors0;
	int attempt, nops;

	acc_require_devices(1);
	acc_watchdog(140, "a WAIT or close around a device restart");
	for (attempt = 0; attempt < ATTEMPTS; attempt++) {
		open_all(&s);
		restarts0 = acc_sysfs_read(0, "device_restarts");
		errors0 = acc_sysfs_read(0, "context_errors");
		acc_run(s.x, s.xcode, 0, 2 * X_FILLS * ACC_CMD_BYTES);
		acc_run(s.c, s.ccode, 0, 3 * ACC_CMD_BYTES);
		CHECK(pthread_create(&thread, NULL, close_d, &s) == 0);
		/* The close has queued D's unbind; X's fences keep coming. */
		usleep(100 * 1000);
		if (acc_try_wait(s.x, 2) == 0 &&
		    acc_sysfs_read(0, "device_restarts") == restarts0)
			break;
		/* A command of this setup was dropped: start again. */
		pthread_join(thread, NULL);
		acc_try_wait(s.x, X_FILLS);
		close_all(&s);
	}
	CHECK_MSG(attempt < ATTEMPTS, "every attempt lost a setup command");

	/* One-NOP RUNs on Y until a dropped command gets Y failed. */
	for (nops = 0; nops < 2000; nops++) {
		if (acc_try_run(s.y, s.ycode, 0, ACC_CMD_BYTES) != 0) {
			CHECK_MSG(errno == EIO, "Y's RUN: %s",
				  acc_errname(errno));
			break;
		}
		usleep(200);
	}
	CHECK_MSG(nops < 2000, "Y was never failed: is the knob working?");

	int ret = acc_try_wait(s.c, 1);
	int err = errno;

	pthread_join(thread, NULL);
	printf("device_restart_keeps_closing_slot: attempts=%d nop_runs=%d "
	       "restarts=%ld\n", attempt + 1, nops,
	       acc_sysfs_read(0, "device_restarts") - restarts0);
	CHECK_MSG(ret == 0, "C's WAIT(1): %s (its RUN was submitted before "
		  "D's close: D must still be bound for it)", acc_errname(err));
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(s.ew[i] == 0xe0e0e0e0, "E's word %d is %#x", i,
			  s.ew[i]);
	acc_wait(s.x, X_FILLS);
	CHECK_MSG(acc_sysfs_read(0, "context_errors") == errors0,
		  "a context error was counted: C's RUN met an empty slot?");
	close_all(&s);
	return 0;
}
