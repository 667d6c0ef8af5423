// SPDX-License-Identifier: GPL-2.0
/*
 * The accel file's backlog is bounded (uapi/acceldev_accel.h: SUBMIT
 * sleeps, interruptibly, while DRM_ACCELDEV_PARAM_JOB_BACKLOG jobs of the
 * file wait in the driver; the module parameter run_backlog). With the
 * device wedged: SUBMITs are accepted up to JOB_BACKLOG (plus what the
 * device queue took), then one sleeps; SIGALRM without SA_RESTART ends it
 * with EINTR and it made no job (LAST_JOB unchanged); a child sharing the
 * file sleeps the same way and dies at once on SIGKILL; another file on
 * the same device is not held by this file's backlog (its SUBMIT returns
 * at once). Once the device moves again every job runs and the file works.
 */
// vmtest: timeout=180 tiers=debian
#include <sys/time.h>

#include "acceldev_knobs.h"
#include "acceldev_accel_test.h"

int main(void)
{
	struct itimerval tick = { { 1, 0 }, { 1, 0 } }, off = { 0 };
	struct acc_actx a, other;
	uint64_t backlog, last;
	long n, limit;
	int err;
	double t0;
	pid_t child;

	acc_accel_require(1);
	acc_knob_set(0, "wedged", "true");
	acc_actx_open(&a, 0, 4096, 4096);
	acc_actx_open(&other, 0, 4096, 4096);
	backlog = acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_JOB_BACKLOG);
	limit = (long)backlog + CMDS_BUFFER_SIZE;
	printf("JOB_BACKLOG %llu\n", (unsigned long long)backlog);
	acc_put_nop(a.cmds, 0);

	acc_on_signal(SIGALRM, false);
	CHECK(setitimer(ITIMER_REAL, &tick, NULL) == 0);
	for (n = 0; n <= limit; n++)
		if (acc_accel_try_submit(a.fd, a.code, 0, ACC_CMD_BYTES) != 0)
			break;
	err = errno;
	CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
	CHECK_MSG(n <= limit, "%ld SUBMITs accepted on a wedged device", n);
	CHECK_MSG(err == EINTR, "SUBMIT %ld: %s, not EINTR", n,
		  acc_errname(err));
	CHECK_MSG(n >= (long)backlog, "only %ld SUBMITs before one slept", n);
	last = acc_accel_param(a.fd, DRM_ACCELDEV_PARAM_LAST_JOB);
	CHECK_MSG(last == (uint64_t)n, "LAST_JOB %llu after %ld accepted",
		  (unsigned long long)last, n);
	printf("accepted %ld SUBMITs, then one slept until SIGALRM\n", n);

	/* Another file is not held by this one's backlog. */
	acc_watchdog(20, "another file's SUBMIT behind a full backlog");
	t0 = acc_now();
	acc_actx_fill_fence(&other, 0x07e4, 0);
	CHECK_MSG(acc_now() - t0 < 1, "another file's SUBMIT took %.2f s",
		  acc_now() - t0);

	/* A child sleeping in SUBMIT on the same file dies on SIGKILL. */
	fflush(NULL);
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		acc_accel_try_submit(a.fd, a.code, 0, ACC_CMD_BYTES);
		_exit(3);
	}
	acc_kill_sleeping_child(child, 0.5, 2, "SUBMIT beyond the bound");

	acc_knob_set(0, "wedged", "false");
	acc_watchdog(150, "the backlog draining");
	/* (Word 5 on: the pending jobs' NOP at word 0 stays as it is.) */
	acc_actx_fill_fence_at(&a, 5, 0x5eed, 0, 4096, 0);
	acc_accel_wait(a.fd, 1);
	acc_actx_check(&a, 0x5eed);
	acc_accel_wait(other.fd, 1);
	acc_actx_check(&other, 0x07e4);
	acc_watchdog(0, "");
	acc_actx_close(&a);
	acc_actx_close(&other);
	return 0;
}
