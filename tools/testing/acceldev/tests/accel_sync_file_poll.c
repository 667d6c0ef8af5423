// SPDX-License-Identifier: GPL-2.0
/*
 * A job's out-syncobj exported as a sync_file (SYNCOBJ_HANDLE_TO_FD with
 * EXPORT_SYNC_FILE) can be poll()ed, on a slow device (every command
 * starts 300 ms late): right after SUBMIT it is not readable (poll with
 * timeout 0 returns 0, status 0); poll() with POLLIN sleeps until the job
 * is done, about 0.3 s later, then reports POLLIN, the status is 1 and the
 * FILL's data is there. A sync_file exported after completion is readable
 * at once.
 */
// vmtest: timeout=60
#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

ACC_DEVICE_KNOBS("cmd-delay-us=300000")

int main(void)
{
	struct acc_actx a;
	struct pollfd pfd;
	uint32_t s;
	double t0, dt;
	int n;

	acc_actx_open(&a, 0, 4096, 4096);
	acc_watchdog(40, "poll on a sync_file");
	s = acc_syncobj_create(a.fd, 0);
	acc_actx_fill_fence(&a, 0x9011, s);
	t0 = acc_now();
	pfd = (struct pollfd){ .fd = acc_syncobj_export_sync_file(a.fd, s),
			       .events = POLLIN };
	n = poll(&pfd, 1, 0);
	CHECK_MSG(n == 0, "poll(timeout 0) right after SUBMIT: %d, revents %#x",
		  n, pfd.revents);
	CHECK(acc_sync_file_status(pfd.fd) == 0);
	n = poll(&pfd, 1, 20000);
	dt = acc_now() - t0;
	CHECK_MSG(n == 1 && (pfd.revents & POLLIN), "poll: %d, revents %#x", n,
		  pfd.revents);
	CHECK_MSG(dt >= 0.2, "poll returned after %.3f s, before the job could "
		  "have run", dt);
	CHECK(acc_sync_file_status(pfd.fd) == 1);
	acc_actx_check(&a, 0x9011);
	CHECK(close(pfd.fd) == 0);

	pfd = (struct pollfd){ .fd = acc_syncobj_export_sync_file(a.fd, s),
			       .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN));
	CHECK(close(pfd.fd) == 0);
	acc_watchdog(0, "");
	acc_actx_close(&a);
	return 0;
}
