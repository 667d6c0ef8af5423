// SPDX-License-Identifier: GPL-2.0
/*
 * WAIT and buffer close while signals rain on the process (a 5 ms
 * interval timer). Runs are made long by FILLing a 4 MiB buffer 200
 * times each; enough of them are queued for about 2 s of device work
 * (calibrated on one run). Checked:
 *  - WAIT with a handler without SA_RESTART: some calls end with EINTR,
 *    none with anything else; WAIT again until it returns 0; the data is
 *    complete (marker word and every word of the 4 MiB buffer);
 *  - WAIT with an SA_RESTART handler: never EINTR, returns 0 once done,
 *    although the handler ran meanwhile;
 *  - close of the data buffer the queued runs FILL, signals arriving: it
 *    returns 0 only after the runs are done (the marker is set and
 *    WAIT returns 0 at once, no SLOT_ERROR: the context is not broken),
 *    the fd is gone, and a new data buffer works;
 *  - SIGKILL of a child asleep in WAIT, and of a child blocked in such a
 *    close: each dies (within 30 s) and the device works afterwards.
 */
// vmtest: timeout=120 tiers=debian
#include "acceldev_stress.h"

#define BIG (4 << 20)
#define FILLS 200

static volatile sig_atomic_t ticks;
static int ctx, code, big, mark;
static uint32_t big_slot, mark_slot, fences, *cmds, *marker;
static int runs;

static void tick(int sig)
{
	(void)sig;
	ticks++;
}

static void timer_on(bool restart)
{
	struct sigaction sa = { .sa_handler = tick,
				.sa_flags = restart ? SA_RESTART : 0 };
	struct itimerval it = { { 0, 5000 }, { 0, 5000 } };

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

static void timer_off(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	signal(SIGALRM, SIG_DFL);
}

/* The code: FILLS x FILL all of @big with @v, FILL the marker, FENCE. */
static void write_code(uint32_t v)
{
	size_t w = 0;

	for (int i = 0; i < FILLS; i++)
		w = acc_put_fill(cmds, w, v, big_slot, 0, BIG);
	w = acc_put_fill(cmds, w, v, mark_slot, 0, 4);
	acc_put_fence(cmds, w);
}

static void queue_runs(int n)
{
	for (int i = 0; i < n; i++)
		acc_run(ctx, code, 0, (FILLS + 2) * ACC_CMD_BYTES);
	fences += (uint32_t)n;
}

static void check_big(uint32_t v)
{
	uint32_t *d = acc_map(big, BIG);

	for (int i = 0; i < BIG / 4; i++)
		CHECK_MSG(d[i] == v, "word %d is %#x, want %#x", i, d[i], v);
	munmap(d, BIG);
}

/* A child that sleeps in WAIT or in close(big) with runs queued. */
static void victim_child(void *arg)
{
	bool in_close = arg != NULL;
	int c = acc_open(0), k = acc_create_buffer(c, 8192, BUFFER_TYPE_CODE,
						   NULL);
	uint32_t s, *m = acc_map(k, 8192);
	int b = acc_create_buffer(c, BIG, BUFFER_TYPE_DATA, &s);
	size_t w = 0;

	for (int i = 0; i < FILLS; i++)
		w = acc_put_fill(m, w, 0x5a5a, s, 0, BIG);
	acc_put_fence(m, w);
	for (int i = 0; i < runs; i++)
		acc_run(c, k, 0, (FILLS + 1) * ACC_CMD_BYTES);
	if (in_close)
		close(b);	/* sleeps until the runs are done */
	else
		acc_try_wait(c, (uint32_t)runs);
	/* Killed long before getting here. */
	for (;;)
		pause();
}

static void kill_child(bool in_close)
{
	pid_t pid = acc_fork(victim_child, in_close ? (void *)1 : NULL);
	double t0;
	int st;

	usleep(500 * 1000);	/* its runs are queued, it sleeps */
	t0 = acc_now();
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		  "child status %#x", st);
	printf("wait_and_close_under_signals: sigkill_in=%s died_after_s=%.2f"
	       "\n", in_close ? "close" : "wait", acc_now() - t0);
	CHECK_MSG(acc_now() - t0 < 30, "the killed child took %.1f s to die",
		  acc_now() - t0);
}

int main(void)
{
	double t0, one, t_close;
	int eintr = 0, r;

	acc_require_devices(1);
	acc_watchdog(100, "WAIT or close under signals");
	ctx = acc_open(0);
	code = acc_create_buffer(ctx, 8192, BUFFER_TYPE_CODE, NULL);
	cmds = acc_map(code, 8192);
	big = acc_create_buffer(ctx, BIG, BUFFER_TYPE_DATA, &big_slot);
	mark = acc_create_buffer(ctx, 4096, BUFFER_TYPE_DATA, &mark_slot);
	marker = acc_map(mark, 4096);

	/* Calibrate: one run. */
	write_code(1);
	t0 = acc_now();
	queue_runs(1);
	acc_wait(ctx, fences);
	one = acc_now() - t0;
	runs = (int)(2.0 / one) + 1;
	if (runs > 40)
		runs = 40;
	if (runs < 2)
		runs = 2;

	/* WAIT, no SA_RESTART: EINTR, then 0. */
	write_code(2);
	queue_runs(runs);
	ticks = 0;
	timer_on(false);
	while ((r = acc_try_wait(ctx, fences)) != 0) {
		CHECK_MSG(errno == EINTR, "WAIT: %s", acc_errname(errno));
		eintr++;
	}
	timer_off();
	CHECK_MSG(eintr > 0, "%d signals, WAIT never saw EINTR", (int)ticks);
	CHECK(*marker == 2);
	check_big(2);
	printf("wait_and_close_under_signals: run_s=%.3f runs=%d "
	       "wait_eintr=%d signals=%d\n", one, runs, eintr, (int)ticks);

	/* WAIT, SA_RESTART: never EINTR. */
	write_code(3);
	queue_runs(runs);
	ticks = 0;
	timer_on(true);
	r = acc_try_wait(ctx, fences);
	timer_off();
	CHECK_MSG(r == 0, "WAIT with SA_RESTART: %s", acc_errname(errno));
	CHECK_MSG(ticks > 0, "no signal arrived during the WAIT");
	CHECK(*marker == 3);
	check_big(3);
	printf("wait_and_close_under_signals: restart_signals=%d\n",
	       (int)ticks);

	/* close(big) with the runs that FILL it queued, signals arriving. */
	write_code(4);
	queue_runs(runs);
	ticks = 0;
	timer_on(false);
	t0 = acc_now();
	CHECK_MSG(close(big) == 0, "close: %s", acc_errname(errno));
	t_close = acc_now() - t0;
	timer_off();
	CHECK_MSG(*marker == 4, "close returned before the runs were done");
	CHECK_MSG(acc_try_wait(ctx, fences) == 0, "WAIT after close: %s",
		  acc_errname(errno));
	EXPECT_ERRNO(fcntl(big, F_GETFD), EBADF);
	printf("wait_and_close_under_signals: close_s=%.2f close_signals=%d\n",
	       t_close, (int)ticks);
	big = acc_create_buffer(ctx, BIG, BUFFER_TYPE_DATA, &big_slot);
	write_code(5);
	queue_runs(1);
	acc_wait(ctx, fences);
	check_big(5);

	kill_child(false);
	kill_child(true);
	acc_watchdog(0, "");
	munmap(cmds, 8192);
	munmap(marker, 4096);
	close(big);
	close(mark);
	close(code);
	close(ctx);
	acc_check_device_works(0);
	return 0;
}
