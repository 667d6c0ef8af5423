// SPDX-License-Identifier: GPL-2.0
/*
 * A WAIT is not failed by signals the program never sees. The program
 * installs no handler at all; while a WAIT sleeps on a slow device:
 *  - a child process exits, so SIGCHLD (default action: ignore) arrives.
 *    The main thread, which forked, blocks SIGCHLD (as glibc's system()
 *    does), so the kernel delivers it to the waiting thread, waking it;
 *  - the whole process is stopped with SIGSTOP and continued with
 *    SIGCONT (as a shell's Ctrl-Z and fg do).
 * In both cases WAIT must carry on (the kernel restarts it when the
 * driver returns -ERESTARTSYS) and return 0 once the fence is reached,
 * not fail with EINTR. EINTR is for signals that run a handler
 * (wait_interrupted_by_signal).
 */
// vmtest: timeout=120 tiers=debian
#include <pthread.h>
#include <sys/wait.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=50000")

#define RUNS 20

static int ctx, code;
static uint32_t target;
static int wait_ret, wait_errno;

static void *waiter(void *arg)
{
	sigset_t chld;

	(void)arg;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_UNBLOCK, &chld, NULL);
	wait_ret = acc_try_wait(ctx, target);
	wait_errno = errno;
	return NULL;
}

/* Submit RUNS slow runs, WAIT for the last in a thread, meanwhile call
 * disturb(); then check that the WAIT returned 0. */
static void wait_while(void (*disturb)(void), const char *what)
{
	pthread_t th;

	for (int i = 0; i < RUNS; i++)
		acc_run(ctx, code, 0, 2 * ACC_CMD_BYTES);
	target += RUNS;
	CHECK(pthread_create(&th, NULL, waiter, NULL) == 0);
	usleep(300 * 1000);
	disturb();
	pthread_join(th, NULL);
	CHECK_MSG(wait_ret == 0, "WAIT during %s returned %d, errno %s;"
		  " want 0", what, wait_ret, acc_errname(wait_errno));
}

static void child_exits(void)
{
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		_exit(0);
	CHECK(waitpid(pid, NULL, 0) == pid);
}

static void stop_and_continue(void)
{
	pid_t parent = getpid(), pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		kill(parent, SIGSTOP);
		usleep(200 * 1000);
		kill(parent, SIGCONT);
		_exit(0);
	}
	CHECK(waitpid(pid, NULL, 0) == pid);
}

int main(void)
{
	sigset_t chld;
	uint32_t slot;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	CHECK(pthread_sigmask(SIG_BLOCK, &chld, NULL) == 0);

	ctx = acc_open(0);
	code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	int data = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &slot);
	uint32_t *cmds = acc_map(code, 4096);

	(void)data;
	acc_put_fence(cmds, acc_put_fill(cmds, 0, 1, slot, 0, 4096));

	acc_watchdog(100, "WAIT disturbed by an ignored signal");
	wait_while(child_exits, "a SIGCHLD from an exiting child");
	wait_while(stop_and_continue, "SIGSTOP and SIGCONT");
	return 0;
}
