// SPDX-License-Identifier: GPL-2.0
/*
 * A CREATE_BUFFER that fails for memory returns at once (DRIVER.md: a
 * buffer the device never saw has nothing to wait for), also on a context
 * with runs in flight. Each allocation of a 4 KiB CODE and of a 4 KiB DATA
 * CREATE_BUFFER is made to fail in turn (fail-nth, acceldev_fault.h) on
 * a context whose device (4 queue entries, 2 ms a command) holds a
 * backlog of at least 100 of its NOP runs, topped up before each call:
 * every call that fails with ENOMEM must return while runs of the
 * context are still waiting in the driver (sysfs runs_backlogged > 0),
 * not after they all ran. A DATA buffer's slot is bound after its file
 * exists; a failure there must not go through the buffer file's release,
 * which waits for every run the context submitted before.
 */
// vmtest: timeout=120 tiers=debug
#include "acceldev_fault.h"

#define BACKLOG_MIN 100
#define TOP_UP 150

static void top_up(int ctx, int code)
{
	if (acc_sysfs_read(1, "runs_backlogged") >= BACKLOG_MIN)
		return;
	for (int i = 0; i < TOP_UP; i++)
		acc_run(ctx, code, 0, ACC_CMD_BYTES);
}

static unsigned int walk(int ctx, int code, int type, const char *name)
{
	unsigned int failed = 0;

	for (unsigned int n = 1; n < 10000; n++) {
		double t;
		long left;
		bool inj;
		int fd, err;

		top_up(ctx, code);
		t = acc_now();
		acc_fault_arm(n);
		fd = acc_try_create_buffer(ctx, 4096, type, NULL);
		err = errno;
		inj = acc_fault_disarm();
		t = acc_now() - t;
		if (fd >= 0) {
			CHECK(close(fd) == 0);
			if (!inj) {
				printf("%s: %u allocations made to fail, %u "
				       "ENOMEM\n", name, n - 1, failed);
				return failed;
			}
			continue;
		}
		CHECK_MSG(inj && err == ENOMEM, "%s: allocation %u: %s", name,
			  n, acc_errname(err));
		failed++;
		left = acc_sysfs_read(1, "runs_backlogged");
		CHECK_MSG(left > 0, "%s: allocation %u made to fail: ENOMEM "
			  "after %.3f s, once the context's backlog had run "
			  "(runs_backlogged %ld): the failed call waited for "
			  "the context's runs", name, n, t, left);
	}
	FAIL("%s: still failing after 10000 allocations", name);
}

int main(void)
{
	int ctx, code;

	acc_fault_setup();
	acc_require_devices(2);
	ctx = acc_backlog_context(1, "2000", &code);
	CHECK(walk(ctx, code, BUFFER_TYPE_CODE, "CODE") > 0);
	CHECK(walk(ctx, code, BUFFER_TYPE_DATA, "DATA") > 0);
	close(code);
	close(ctx);
	acc_check_device_works(1);
	return 0;
}
