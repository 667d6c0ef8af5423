// SPDX-License-Identifier: GPL-2.0
/*
 * Device restarts spare a context that has nothing in flight, even if it
 * ran something before (regression test; it used to be failed). With the model dropping every 41st fed
 * command (feed-error-every=41), an idle context does one FILL + FENCE
 * run and WAITs for it (0: done), then sits idle while a worker context
 * runs FILL + FENCE + WAIT rounds (reopened when a device error fails
 * it). After several restarts the idle context's next RUN must be
 * accepted (DRIVER.md: restart "without losing the other contexts'
 * state"). tests/device_error_recovery checks an idle context that only
 * bound a slot.
 */
// vmtest: timeout=120
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("feed-error-every=41")

struct ctx {
	int fd, code, data;
	uint32_t slot, *cmds, *words;
};

static void ctx_open(struct ctx *c)
{
	c->fd = acc_open(0);
	c->code = acc_create_buffer(c->fd, 4096, BUFFER_TYPE_CODE, NULL);
	c->data = acc_create_buffer(c->fd, 4096, BUFFER_TYPE_DATA, &c->slot);
	c->cmds = acc_map(c->code, 4096);
	c->words = acc_map(c->data, 4096);
	acc_put_fence(c->cmds, acc_put_fill(c->cmds, 0, 0x1d1e, c->slot, 0,
					    4096));
}

static void ctx_close(struct ctx *c)
{
	munmap(c->cmds, 4096);
	munmap(c->words, 4096);
	close(c->code);
	close(c->data);
	close(c->fd);
}

/* One FILL + FENCE run and its WAIT: true if it completed. */
static bool ctx_round(struct ctx *c, uint32_t fence)
{
	if (acc_try_run(c->fd, c->code, 0, 2 * ACC_CMD_BYTES) != 0) {
		CHECK_MSG(errno == EIO, "RUN: %s", acc_errname(errno));
		return false;
	}
	if (acc_try_wait(c->fd, fence) != 0) {
		CHECK_MSG(errno == EIO, "WAIT: %s", acc_errname(errno));
		return false;
	}
	CHECK(c->words[1023] == 0x1d1e);
	return true;
}

int main(void)
{
	struct ctx idle, w;
	long restarts0 = acc_sysfs_read(0, "device_restarts"), restarts;
	uint32_t fence = 0;
	int failed = 0;

	acc_require_devices(1);
	acc_watchdog(100, "a WAIT after a device error");
	for (;;) {	/* a device error may hit the idle context's run */
		ctx_open(&idle);
		if (ctx_round(&idle, 1))
			break;
		ctx_close(&idle);
	}
	ctx_open(&w);
	for (int i = 0; i < 300; i++) {
		if (ctx_round(&w, ++fence))
			continue;
		failed++;
		ctx_close(&w);
		ctx_open(&w);
		fence = 0;
	}
	restarts = acc_sysfs_read(0, "device_restarts") - restarts0;
	printf("device_restart_spares_idle_after_run: restarts=%ld "
	       "worker_contexts_failed=%d\n", restarts, failed);
	CHECK_MSG(restarts > 0, "no restart: is the knob working?");
	CHECK_MSG(acc_try_run(idle.fd, idle.code, 0, 2 * ACC_CMD_BYTES) == 0,
		  "the idle context's RUN: %s (it was failed by a restart "
		  "although its only run was done)", acc_errname(errno));
	ctx_close(&idle);
	ctx_close(&w);
	return 0;
}
