// SPDX-License-Identifier: GPL-2.0
/*
 * A context failed by a FEED_ERROR restart while one of its RUNs is being
 * executed may still see that RUN hit a bad user command afterwards; the
 * CMD_ERROR it raises is that context's (its status shows the error), so
 * it causes no second recovery and no device error, and harms nobody
 * else (DRIVER.md, Errors from the device).
 *
 * Context A runs one long RUN (FILLs of 4 MiB, each followed by a FENCE,
 * then one garbage command). Context B queues one FILL + FENCE behind it
 * and A's WAIT(2) shows that the device is busy with A's RUN and that
 * the driver has seen B's RUN arrive (accepted before any drop). Then A
 * submits one-NOP RUNs until one of them is lost to the model's
 * feed-error-every knob and A is failed (RUN: EIO). A's long RUN goes on,
 * reaches its garbage and the device raises CMD_ERROR for A. B's WAIT(1)
 * returns 0 and its FILL landed; debugfs device_errors did not move.
 */
// vmtest: timeout=150
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("feed-error-every=50")

#define BIG (4 << 20)
#define FILLS 8000		/* A's long RUN (about 2 s): FILL + FENCE pairs */
#define LONG_BYTES ((2 * FILLS + 1) * ACC_CMD_BYTES)
#define CODE_SIZE (512 << 10)
#define ATTEMPTS 20

struct ctx {
	int fd, code, data;
	uint32_t slot, *cmds;
	volatile uint32_t *words;
};

static void ctx_open(struct ctx *c, int code_size, int data_size)
{
	c->fd = acc_open(0);
	c->code = acc_create_buffer(c->fd, code_size, BUFFER_TYPE_CODE, NULL);
	c->data = acc_create_buffer(c->fd, data_size, BUFFER_TYPE_DATA,
				    &c->slot);
	c->cmds = acc_map(c->code, code_size);
	c->words = acc_map(c->data, 4096);
}

static void ctx_close(struct ctx *c, int code_size)
{
	munmap(c->cmds, code_size);
	munmap((void *)c->words, 4096);
	close(c->code);
	close(c->data);
	close(c->fd);
}

int main(void)
{
	struct ctx a, b;
	long restarts0, derrors0;
	double t0;
	int attempt, nops = 0;

	acc_require_devices(1);
	acc_watchdog(140, "a WAIT around a device restart");
	for (attempt = 0; attempt < ATTEMPTS; attempt++) {
		size_t w = 0;

		ctx_open(&a, CODE_SIZE, BIG);
		ctx_open(&b, 4096, 4096);
		for (int i = 0; i < FILLS; i++)
			w = acc_put_fence(a.cmds, acc_put_fill(a.cmds, w,
					  0xa0 + i, a.slot, 0, BIG));
		w = acc_put_cmd(a.cmds, w, 7, 0, 0, 0, 0);	/* garbage */
		acc_put_nop(a.cmds, w);		/* at LONG_BYTES: the NOP RUNs */
		acc_put_fence(b.cmds, acc_put_fill(b.cmds, 0, 0xb0b0b0b0,
						   b.slot, 0, 4096));

		restarts0 = acc_sysfs_read(0, "device_restarts");
		derrors0 = acc_debugfs_value(0, "queue", "device_errors");
		t0 = acc_now();
		acc_run(a.fd, a.code, 0, LONG_BYTES);
		acc_run(b.fd, b.code, 0, 2 * ACC_CMD_BYTES);
		/*
		 * Two of A's fences done, no restart so far: B's RUN was fed
		 * before anything was dropped, and the device is in A's RUN.
		 */
		if (acc_try_wait(a.fd, 2) == 0 &&
		    acc_sysfs_read(0, "device_restarts") == restarts0)
			break;
		/* A command of this setup was dropped: start again. */
		acc_try_wait(a.fd, FILLS);
		acc_try_wait(b.fd, 1);
		ctx_close(&a, CODE_SIZE);
		ctx_close(&b, 4096);
	}
	CHECK_MSG(attempt < ATTEMPTS, "every attempt lost a setup command");

	/* One-NOP RUNs on A until a dropped command gets A failed. */
	for (nops = 0; nops < 2000; nops++) {
		if (acc_try_run(a.fd, a.code, LONG_BYTES, ACC_CMD_BYTES) != 0) {
			CHECK_MSG(errno == EIO, "A's RUN: %s",
				  acc_errname(errno));
			break;
		}
		usleep(200);	/* fed one by one, not thousands at once */
	}
	CHECK_MSG(nops < 2000, "A was never failed: is the knob working?");
	CHECK_MSG(acc_sysfs_read(0, "device_restarts") > restarts0,
		  "A failed without a device restart");

	int ret = acc_try_wait(b.fd, 1);
	int err = errno;

	printf("device_restart_lost_run_error: attempts=%d nop_runs=%d "
	       "restarts=%ld seconds=%.2f\n", attempt + 1, nops,
	       acc_sysfs_read(0, "device_restarts") - restarts0,
	       acc_now() - t0);
	CHECK_MSG(ret == 0, "B's WAIT(1): %s (B's RUN was fed before the "
		  "dropped command; only A may be failed)", acc_errname(err));
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(b.words[i] == 0xb0b0b0b0, "B's word %d is %#x", i,
			  b.words[i]);
	EXPECT_ERRNO(acc_try_wait(a.fd, FILLS), EIO);
	CHECK_MSG(acc_debugfs_value(0, "queue", "device_errors") == derrors0,
		  "A's CMD_ERROR was taken for a device error");
	/* B carries on. */
	acc_run(b.fd, b.code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(b.fd, 2);
	ctx_close(&a, CODE_SIZE);
	ctx_close(&b, 4096);
	return 0;
}
