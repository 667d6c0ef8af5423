// SPDX-License-Identifier: GPL-2.0
/*
 * A context's backlog of RUNs in the driver is bounded (DRIVER.md, RUN):
 * with the device wedged, RUNs are accepted until the context has
 * run_backlog of them waiting in the driver (plus what the device queue
 * took); the next one sleeps. A signal without SA_RESTART ends that sleep
 * with EINTR; with SA_RESTART the RUN goes on sleeping and returns 0 once
 * the device takes commands again; SIGKILL ends a sleeping process at
 * once. Afterwards every RUN executes and the context works.
 */
// vmtest: timeout=120 tiers=debian,debug
#include <pthread.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "acceldev_knobs.h"

#define PARAM "/sys/module/acceldev/parameters/run_backlog"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void handle_alarm(bool restart)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
}

static void *unwedge_later(void *arg)
{
	(void)arg;
	sleep(2);
	acc_knob_set(0, "wedged", "false");
	return NULL;
}

int main(void)
{
	long backlog = acc_sysfs_param(PARAM, 4096);
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t slot, *cmds = acc_map(code, 4096);
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	volatile uint32_t *d = acc_map(data, 4096);
	long limit = backlog + CMDS_BUFFER_SIZE, n;
	struct itimerval tick = { { 1, 0 }, { 1, 0 } }, off = { 0 };
	pthread_t thr;
	pid_t child;
	int status, err;
	double t0;

	/* Word 0: a NOP; words 5..14: FILL + FENCE. */
	acc_put_fence(cmds, acc_put_fill(cmds, acc_put_nop(cmds, 0), 0x5eed,
					 slot, 0, 4096));
	printf("run_backlog %ld\n", backlog);
	acc_knob_set(0, "wedged", "true");

	/* Every second: whichever RUN sleeps then gets EINTR. */
	handle_alarm(false);
	CHECK(setitimer(ITIMER_REAL, &tick, NULL) == 0);
	for (n = 0; n <= limit; n++)
		if (acc_try_run(ctx, code, 0, ACC_CMD_BYTES) != 0)
			break;
	err = errno;
	CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
	CHECK_MSG(n <= limit, "%ld RUNs accepted on a wedged device: no bound",
		  n);
	CHECK_MSG(err == EINTR, "RUN %ld: %s, not EINTR", n, acc_errname(err));
	CHECK_MSG(n >= backlog, "only %ld RUNs before one slept", n);
	printf("accepted %ld RUNs, then one slept until SIGALRM\n", n);

	/* SIGKILL ends a sleeping RUN at once. */
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		acc_try_run(ctx, code, 0, ACC_CMD_BYTES);
		_exit(3);
	}
	usleep(500 * 1000);
	CHECK_MSG(waitpid(child, &status, WNOHANG) == 0,
		  "a RUN beyond the bound returned in another process");
	t0 = acc_now();
	kill(child, SIGKILL);
	CHECK(waitpid(child, &status, 0) == child);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK_MSG(acc_now() - t0 < 5, "SIGKILL took %.1f s",
		  acc_now() - t0);

	/* With SA_RESTART the RUN sleeps on across the signal. */
	handle_alarm(true);
	alarms = 0;
	CHECK(pthread_create(&thr, NULL, unwedge_later, NULL) == 0);
	alarm(1);
	t0 = acc_now();
	acc_run(ctx, code, 5 * 4, 2 * ACC_CMD_BYTES);
	CHECK_MSG(alarms == 1, "the RUN returned %.1f s in, before SIGALRM",
		  acc_now() - t0);
	CHECK(pthread_join(thr, NULL) == 0);

	acc_watchdog(60, "WAIT behind the backlog");
	acc_wait(ctx, 1);
	for (unsigned int i = 0; i < 1024; i++)
		CHECK_MSG(d[i] == 0x5eed, "word %u: %#x", i, d[i]);
	acc_check_device_works(0);
	printf("run_backlog_bound: ok\n");
	return 0;
}
