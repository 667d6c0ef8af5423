// SPDX-License-Identifier: GPL-2.0
/*
 * A device that stops making progress is declared hung after
 * hang_timeout_ms, reset like a device-level error, and only the contexts
 * whose runs were lost fail; nothing sleeps forever on it.
 *
 * The model's run-time knob "wedged" (qom-set through vmtest-monitor)
 * makes /dev/acceldev0's device start no command. With hang_timeout_ms at 1500:
 *  - a WAIT on a context whose FILL + FENCE is stuck ends with EIO within
 *    a few timeouts, and that context's next RUN fails with EIO;
 *  - a close of that context's data buffer returns (the memory is freed
 *    later) instead of sleeping;
 *  - an idle context (its earlier run completed) is not failed: once the
 *    device is unwedged its runs complete and its data is right;
 *  - a context opened afterwards works.
 */
// vmtest: timeout=90
#include <sys/wait.h>

#include "acceldev_knobs.h"

#define PARAM		"/sys/module/acceldev/parameters/hang_timeout_ms"
#define HANG_MS		1500
/* Detection takes one to two watchdog periods, plus a TCG guest's slack. */
#define DETECT_S	(3.0 * HANG_MS / 1000 + 3)

static void wedge(bool on)
{
	static char qom[64];
	char cmd[160], bdf[32];

	/* acc0's QEMU id may have changed (a test before us hot-plugged). */
	if (!qom[0])
		acc_dev_qom(0, qom, sizeof(qom), bdf, sizeof(bdf));
	snprintf(cmd, sizeof(cmd), "vmtest-monitor qom-set %s wedged %s "
		 ">/dev/null", qom, on ? "true" : "false");
	CHECK_MSG(system(cmd) == 0, "%s failed", cmd);
}

struct fill_ctx {
	int ctx, code, data;
	uint32_t slot, *cmds, *d;
};

static void fill_ctx_open(struct fill_ctx *f, uint32_t value)
{
	f->ctx = acc_open(0);
	f->code = acc_create_buffer(f->ctx, 4096, BUFFER_TYPE_CODE, NULL);
	f->cmds = acc_map(f->code, 4096);
	f->data = acc_create_buffer(f->ctx, 4096, BUFFER_TYPE_DATA, &f->slot);
	f->d = acc_map(f->data, 4096);
	acc_put_fence(f->cmds, acc_put_fill(f->cmds, 0, value, f->slot, 0,
					    4096));
}

static int hung_device(void)
{
	struct fill_ctx idle, stuck, later;
	double t0, dt;
	int ret, err;

	acc_watchdog(60, "a device that makes no progress");

	/*
	 * The idle context's run completes before the device hangs, and the
	 * driver knows it: a buffer close syncs on it (a device FENCE). A
	 * run seen done only through its user FENCE may have had more
	 * commands after it, so the reset would count it as lost.
	 */
	fill_ctx_open(&idle, 0x1d1e);
	acc_run(idle.ctx, idle.code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(idle.ctx, 1);
	CHECK(close(acc_create_buffer(idle.ctx, 4096, BUFFER_TYPE_CODE,
				      NULL)) == 0);

	wedge(true);
	fill_ctx_open(&stuck, 0x57c4);
	acc_run(stuck.ctx, stuck.code, 0, 2 * ACC_CMD_BYTES);
	t0 = acc_now();
	ret = acc_try_wait(stuck.ctx, 1);
	err = errno;
	dt = acc_now() - t0;
	printf("WAIT on the hung device returned %d (%s) after %.2f s\n", ret,
	       ret ? acc_errname(err) : "ok", dt);
	CHECK_MSG(ret == -1 && err == EIO, "WAIT on a hung device: %d (%s), "
		  "want EIO", ret, acc_errname(err));
	CHECK_MSG(dt >= HANG_MS / 1000.0 - 0.1 && dt < DETECT_S,
		  "hang declared after %.2f s with hang_timeout_ms=%d", dt,
		  HANG_MS);
	EXPECT_ERRNO(acc_try_run(stuck.ctx, stuck.code, 0, ACC_CMD_BYTES), EIO);

	/* Its buffer's close does not sleep on the hung device. */
	munmap(stuck.d, 4096);
	t0 = acc_now();
	CHECK(close(stuck.data) == 0);
	dt = acc_now() - t0;
	CHECK_MSG(dt < DETECT_S, "closing a buffer on the hung device took "
		  "%.2f s", dt);

	/* The idle context was not failed: its run waits for the device. */
	memset(idle.d, 0, 4096);
	acc_run(idle.ctx, idle.code, 0, 2 * ACC_CMD_BYTES);
	wedge(false);
	acc_wait(idle.ctx, 2);
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(idle.d[i] == 0x1d1e, "idle context: word %d is %#x",
			  i, idle.d[i]);

	fill_ctx_open(&later, 0x1a7e);
	acc_run(later.ctx, later.code, 0, 2 * ACC_CMD_BYTES);
	acc_wait(later.ctx, 1);
	for (int i = 0; i < 1024; i++)
		CHECK_MSG(later.d[i] == 0x1a7e, "new context: word %d is %#x",
			  i, later.d[i]);

	acc_watchdog(0, "");
	close(stuck.ctx);
	close(idle.ctx);
	close(later.ctx);
	acc_check_device_works(0);
	return 0;
}

/*
 * The checks run in a child: whatever becomes of it (a failed check, the
 * watchdog), the parent unwedges the device and restores the timeout, so
 * that the tests after this one find the device as it was.
 */
int main(void)
{
	char saved[32] = "30000";
	bool have_param;
	int status;
	FILE *f;
	pid_t pid;

	acc_require_monitor("wedge the device");
	have_param = access(PARAM, W_OK) == 0;
	f = have_param ? fopen(PARAM, "r") : NULL;
	if (f) {
		if (!fgets(saved, sizeof(saved), f))
			strcpy(saved, "30000");
		saved[strcspn(saved, "\n")] = 0;
		fclose(f);
	}
	if (have_param)
		acc_write_file(PARAM, "1500");
	else
		printf("no writable %s: trying with the driver as it is\n",
		       PARAM);

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(hung_device());
	CHECK(waitpid(pid, &status, 0) == pid);
	wedge(false);
	if (have_param)
		acc_write_file(PARAM, saved);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the checks failed (status %#x)", status);
	CHECK_MSG(have_param, "no writable %s: the hang timeout is not "
		  "configurable", PARAM);
	return 0;
}
