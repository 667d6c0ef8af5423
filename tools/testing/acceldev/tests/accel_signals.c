// SPDX-License-Identifier: GPL-2.0
/*
 * Signals and the accel node (uapi/acceldev_accel.h: WAIT returns ...
 * EINTR; DRIVER.md: no unkillable task), on a slow device (100 ms a
 * command):
 *  - a WAIT behind 3 s of jobs, hit by SIGALRM with a handler without
 *    SA_RESTART, returns EINTR at the signal; with SA_RESTART it carries
 *    on and returns 0 once the fence is reached;
 *  - a child that submitted 4 s of jobs and closed its accel file (its
 *    mappings first, so that the close is the file's last reference),
 *    whether still asleep in that close or not, dies at once on SIGKILL;
 *    while the killed file's jobs run, its context is not reused (254
 *    files open, then EBUSY), and once they are done all 255 contexts can
 *    be opened again; the device works.
 */
// vmtest: timeout=90 tiers=debian
#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

ACC_DEVICE_KNOBS("cmd-delay-us=100000")

/* @n FILL jobs, the FENCE in the last: fence @fence when all are done. */
static void queue_jobs(struct acc_actx *a, int n)
{
	acc_put_fence(a->cmds, acc_put_fill(a->cmds, 0, 0x5151, a->slot, 0,
					    4096));
	for (int i = 0; i < n - 1; i++)
		acc_accel_submit(a->fd, a->code, 0, ACC_CMD_BYTES, 0);
	acc_accel_submit(a->fd, a->code, 0, 2 * ACC_CMD_BYTES, 0);
}

int main(void)
{
	int fds[ACCELDEV_MAX_CONTEXTS], ret, err, n;
	struct acc_actx a;
	double t0, dt;
	pid_t child;

	acc_actx_open(&a, 0, 4096, 4096);
	acc_watchdog(80, "WAIT and close under signals");

	/* EINTR without SA_RESTART. */
	acc_on_signal(SIGALRM, false);
	queue_jobs(&a, 30);
	alarm(1);
	t0 = acc_now();
	ret = acc_accel_try_wait(a.fd, 1, acc_deadline(30));
	err = errno;
	dt = acc_now() - t0;
	CHECK_MSG(ret == -1 && err == EINTR && acc_signals == 1, "WAIT hit by "
		  "a signal: %d (%s), %d signals", ret, acc_errname(err),
		  (int)acc_signals);
	CHECK_MSG(dt > 0.8 && dt < 2, "EINTR after %.2f s, the signal came at "
		  "1 s", dt);

	/* Transparent with SA_RESTART. */
	acc_on_signal(SIGALRM, true);
	alarm(1);
	EXPECT_OK(acc_accel_try_wait(a.fd, 1, acc_deadline(30)));
	CHECK_MSG(acc_signals == 1, "the WAIT returned before the signal (%.2f s)",
		  acc_now() - t0);
	acc_actx_check(&a, 0x5151);

	/* SIGKILL of a child in or after close(). */
	acc_actx_close(&a);
	fflush(NULL);
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		struct acc_actx c;

		acc_actx_open(&c, 0, 4096, 4096);
		queue_jobs(&c, 40);
		acc_actx_close(&c);
		pause();
		_exit(3);
	}
	acc_kill_sleeping_child(child, 1, 1, "close with 4 s of jobs");

	/* The killed file's context comes back once its jobs are done. */
	for (int tries = 0;; tries++) {
		for (n = 0; n < ACCELDEV_MAX_CONTEXTS; n++) {
			fds[n] = acc_accel_try_open(0);
			if (fds[n] < 0)
				break;
		}
		err = errno;
		for (int i = 0; i < n; i++)
			close(fds[i]);
		CHECK_MSG(tries > 0 || n == ACCELDEV_MAX_CONTEXTS - 1, "%d "
			  "files open while the killed file's jobs run", n);
		if (n == ACCELDEV_MAX_CONTEXTS)
			break;
		CHECK_MSG(err == EBUSY, "open %d: %s", n, acc_errname(err));
		CHECK_MSG(tries < 100, "only %d contexts open 10 s after the "
			  "kill", n);
		usleep(100 * 1000);
	}
	acc_accel_check_device_works(0);
	acc_watchdog(0, "");
	return 0;
}
