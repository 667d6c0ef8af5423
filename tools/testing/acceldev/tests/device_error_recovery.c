// SPDX-License-Identifier: GPL-2.0
/*
 * Device-level errors are recovered. The model drops every 29th command
 * fed to it with FEED_ERROR (knob feed-error-every), a device-level error
 * the driver cannot attribute: it must restart the device, fail what may
 * have been lost (the contexts with runs in flight) with EIO, and carry
 * on. One context after another does FILL + FENCE runs, each WAITed for:
 *  - every WAIT returns 0 or EIO, none hangs (watchdog);
 *  - a WAIT that returned 0 saw its FILL land (data checked);
 *  - after EIO the context stays broken (RUN is EIO) and a new context
 *    works: at least one error happened and was recovered from;
 *  - a context that was idle the whole time is not failed with the
 *    others: its next RUN is accepted.
 */
// vmtest: timeout=180
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("feed-error-every=29")

#define ROUNDS 300

struct ctx {
	int fd, code, data;
	uint32_t *cmds, *words, fence;
};

static void ctx_open(struct ctx *c)
{
	uint32_t slot;

	c->fd = acc_open(0);
	c->code = acc_create_buffer(c->fd, 4096, BUFFER_TYPE_CODE, NULL);
	c->data = acc_create_buffer(c->fd, 4096, BUFFER_TYPE_DATA, &slot);
	c->cmds = acc_map(c->code, 4096);
	c->words = acc_map(c->data, 4096);
	c->fence = 0;
	/* Word i of the code buffer's commands FILL word i of the data. */
	for (uint32_t i = 0; i < 100; i++)
		acc_put_fence(c->cmds, acc_put_fill(c->cmds, 10 * i, 0x5000 + i,
						    slot, 4 * i, 4));
}

static void ctx_close(struct ctx *c)
{
	munmap(c->cmds, 4096);
	munmap(c->words, 4096);
	close(c->code);
	close(c->data);
	close(c->fd);
}

int main(void)
{
	struct ctx idle, c;
	int errors = 0, done = 0;

	acc_require_devices(1);
	acc_watchdog(150, "a WAIT or close after a device-level error");

	ctx_open(&idle);
	ctx_open(&c);
	for (int round = 0; round < ROUNDS; round++) {
		uint32_t i = c.fence % 100;

		if (acc_try_run(c.fd, c.code, 40 * i, 40) < 0) {
			/* Broken by an earlier lost command. */
			CHECK_MSG(errno == EIO, "RUN: %s", acc_errname(errno));
		} else if (acc_try_wait(c.fd, ++c.fence) == 0) {
			CHECK_MSG(c.words[i] == 0x5000 + i,
				  "fence %u reached but word %u is %#x",
				  c.fence, i, c.words[i]);
			done++;
			continue;
		} else {
			CHECK_MSG(errno == EIO, "WAIT: %s", acc_errname(errno));
		}
		/* The context failed: it stays failed; start a new one. */
		EXPECT_ERRNO(acc_try_run(c.fd, c.code, 0, 40), EIO);
		errors++;
		ctx_close(&c);
		ctx_open(&c);
	}
	printf("%d runs completed, %d contexts failed by device errors\n",
	       done, errors);
	CHECK_MSG(errors > 0, "no device error seen: is the knob working?");
	CHECK_MSG(done > ROUNDS / 2, "only %d of %d runs completed", done,
		  ROUNDS);

	/* The idle context had nothing in flight: it must not be failed. */
	CHECK_MSG(acc_try_run(idle.fd, idle.code, 0, 40) == 0,
		  "idle context's RUN: %s", acc_errname(errno));
	ctx_close(&idle);
	ctx_close(&c);
	acc_watchdog(0, "");
	return 0;
}
