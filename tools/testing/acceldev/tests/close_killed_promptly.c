// SPDX-License-Identifier: GPL-2.0
/*
 * A process killed while it sleeps in close dies at once, not when the
 * device is done. On a slow device (every command starts 100 ms late) a
 * child queues 4 s of runs, then closes a data buffer (round 1) or its
 * context (round 2) and is SIGKILLed 200 ms into that close: it must be
 * gone within a second. What the close was waiting to free is released
 * later by the driver: the device's context count comes back once the
 * runs are done, and the bench's rmmod (kmemleak on the debug kernel)
 * finds nothing left behind.
 */
// vmtest: timeout=90 tiers=debian
#include <signal.h>
#include <sys/wait.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=100000")

#define RUNS		40	/* 4 s of work */
#define DEATH_S		1.0

static void child(int ready, bool close_context)
{
	int ctx = acc_open(0);
	int code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	uint32_t *cmds = acc_map(code, 4096);
	uint32_t slot;
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);

	acc_put_fence(cmds, acc_put_fill(cmds, 0, 0x600d, slot, 0, 4096));
	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	CHECK(write(ready, "x", 1) == 1);
	if (close_context) {
		/* The data buffer outlives the context file: its slot is
		 * unbound by the context's close, which waits for the runs. */
		close(ctx);
	} else {
		close(data);
	}
	/* Not reached before the runs are done, unless killed. */
	_exit(0);
}

static void round_trip(bool close_context)
{
	const char *what = close_context ? "context" : "buffer";
	int p[2], status;
	char c;
	pid_t pid;
	double t0, dt;

	CHECK(pipe(p) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child(p[1], close_context);
	}
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1);
	close(p[0]);
	usleep(200 * 1000);
	CHECK_MSG(waitpid(pid, &status, WNOHANG) == 0,
		  "the %s close returned before the runs were done", what);

	t0 = acc_now();
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	dt = acc_now() - t0;
	printf("killed in the %s close: dead after %.3f s\n", what, dt);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK_MSG(dt < DEATH_S, "a process killed in a %s close took %.2f s "
		  "to die", what, dt);
}

int main(void)
{
	long base = acc_sysfs_read(0, "contexts");

	acc_watchdog(80, "closes killed midway");
	round_trip(false);
	round_trip(true);

	/* The runs finish; the driver then gives both contexts back. */
	for (int i = 0; i < 200 && acc_sysfs_read(0, "contexts") != base; i++)
		usleep(100 * 1000);
	CHECK_MSG(acc_sysfs_read(0, "contexts") == base,
		  "%ld contexts in use 20 s after the kills, %ld before",
		  acc_sysfs_read(0, "contexts"), base);
	acc_watchdog(0, "");
	acc_check_device_works(0);
	return 0;
}
