// SPDX-License-Identifier: GPL-2.0
/*
 * Processes SIGKILLed at random points. Child processes (4 alive at a
 * time, 16 in all) do random things on both devices without end: open
 * contexts (some left with no buffer), create code and data buffers of
 * random sizes up to 1 MiB, map them, queue runs of long FILLs + FENCE,
 * WAIT, close buffers and contexts. Each is killed with SIGKILL after a
 * random 50..600 ms, whatever it is doing (asleep in WAIT or in a close,
 * with runs in flight, mappings open, a context half set up). Checked:
 * Runs FILL their whole buffer 20 times, so that some are in flight.
 *  - every child dies of the SIGKILL (none failed a check or exited),
 *    within 30 s of it (nothing unkillable; the slowest is reported);
 *  - afterwards the driver's backlog drains to 0, all 255 contexts can be
 *    opened on each device (every killed process's contexts were given
 *    back), and both devices work. On the debug kernel kmemleak then
 *    finds nothing after rmmod.
 * ACCELDEV_LONG=1: 400 children.
 */
// vmtest: timeout=120
#include "acceldev_stress.h"

struct counts {
	uint64_t contexts, buffers, runs, waits, closes;
};

static struct counts *cnt;

static void child(void *arg)
{
	struct acc_rng r = { (uint64_t)(uintptr_t)arg };
	int ctx[3] = { -1, -1, -1 }, code[3], data[3][4], nd[3] = { 0 };
	/* Data buffers closed with their mapping left: they keep a slot. */
	int held[3] = { 0 };
	uint32_t slot[3][4], bytes[3][4], runs[3] = { 0 };

	for (;;) {
		int c = (int)acc_rng_below(&r, 3), what;

		if (ctx[c] < 0) {
			ctx[c] = acc_open((int)acc_rng_below(&r, 2));
			code[c] = -1;
			nd[c] = 0;
			held[c] = 0;
			runs[c] = 0;
			acc_add(&cnt->contexts, 1);
			continue;
		}
		what = (int)acc_rng_below(&r, 10);
		if (code[c] < 0 && what < 5) {
			code[c] = acc_create_buffer(ctx[c], 4096,
						    BUFFER_TYPE_CODE, NULL);
		} else if (what < 3 && nd[c] < 4 &&
			   nd[c] + held[c] < ACCELDEV_NUM_BUFFERS) {
			int size = 4096 << acc_rng_below(&r, 9);
			int fd = acc_create_buffer(ctx[c], size,
						   BUFFER_TYPE_DATA,
						   &slot[c][nd[c]]);
			uint32_t *m = acc_map(fd, (size_t)size);

			m[0] = 1;	/* a mapping left open */
			bytes[c][nd[c]] = (uint32_t)size;
			data[c][nd[c]++] = fd;
			acc_add(&cnt->buffers, 1);
		} else if (what < 7 && code[c] >= 0 && nd[c] > 0) {
			uint32_t *m;
			size_t w = 0;
			int b = (int)acc_rng_below(&r, (uint32_t)nd[c]);

			/* The queued runs read the code when they execute:
			 * let them finish before it changes. */
			if (runs[c])
				acc_wait(ctx[c], runs[c]);
			m = acc_map(code[c], 4096);

			for (int i = 0; i < 20; i++)
				w = acc_put_fill(m, w, (uint32_t)i,
						 slot[c][b], 0, bytes[c][b]);
			acc_put_fence(m, w);
			munmap(m, 4096);
			for (int i = 0; i < 4; i++)
				acc_run(ctx[c], code[c], 0, 21 * ACC_CMD_BYTES);
			runs[c] += 4;
			acc_add(&cnt->runs, 4);
		} else if (what < 8 && runs[c]) {
			acc_wait(ctx[c], runs[c]);
			acc_add(&cnt->waits, 1);
		} else if (what < 9 && nd[c] > 0) {
			close(data[c][--nd[c]]);	/* its mapping stays */
			held[c]++;
			acc_add(&cnt->closes, 1);
		} else if (acc_rng_pct(&r, 30)) {
			close(ctx[c]);	/* buffers outlive it */
			ctx[c] = -1;
			acc_add(&cnt->closes, 1);
		}
	}
}

int main(void)
{
	int total = ACC_SETTING(16, 400), alive = 4, started = 0, reaped = 0;
	uint64_t seed = acc_seed("ACCELDEV_KILL_SEED");
	struct acc_rng r = { seed };
	pid_t pids[4];
	double kill_at[4], max_death = 0, t0 = acc_now();
	int ctxs[ACCELDEV_MAX_CONTEXTS];

	acc_require_devices(2);
	cnt = acc_shared(sizeof(*cnt));
	acc_watchdog(ACC_SETTING(220, 2200), "killing children");
	for (int i = 0; i < alive; i++) {
		pids[i] = acc_fork(child, (void *)(uintptr_t)(seed + started++));
		kill_at[i] = acc_now() + (50 + acc_rng_below(&r, 550)) / 1e3;
	}
	while (reaped < total) {
		for (int i = 0; i < alive; i++) {
			double t;
			int st;

			if (pids[i] <= 0 || acc_now() < kill_at[i])
				continue;
			t = acc_now();
			CHECK(kill(pids[i], SIGKILL) == 0);
			CHECK(waitpid(pids[i], &st, 0) == pids[i]);
			t = acc_now() - t;
			if (t > max_death)
				max_death = t;
			CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
				  "child %d ended with status %#x before the "
				  "SIGKILL (a check failed?)", pids[i], st);
			CHECK_MSG(t < 30, "a killed child took %.1f s to die",
				  t);
			reaped++;
			pids[i] = 0;
			if (started < total) {
				pids[i] = acc_fork(child, (void *)(uintptr_t)
						   (seed + started++));
				kill_at[i] = acc_now() + (50 + acc_rng_below(
						&r, 550)) / 1e3;
			}
		}
		usleep(5000);
	}

	/* Everything the dead processes queued drains. */
	for (int d = 0; d < 2; d++)
		for (int i = 0; acc_sysfs_read(d, "runs_backlogged"); i++) {
			CHECK_MSG(i < 300, "device %d: backlog stays at %ld", d,
				  acc_sysfs_read(d, "runs_backlogged"));
			usleep(100 * 1000);
		}
	for (int d = 0; d < 2; d++) {
		for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++) {
			ctxs[i] = acc_try_open(d);
			CHECK_MSG(ctxs[i] >= 0, "device %d context %d: %s "
				  "(contexts of killed processes kept)", d, i,
				  acc_errname(errno));
		}
		EXPECT_ERRNO(acc_try_open(d), EBUSY);
		for (int i = 0; i < ACCELDEV_MAX_CONTEXTS; i++)
			close(ctxs[i]);
	}
	acc_check_device_works(0);
	acc_check_device_works(1);
	acc_watchdog(0, "");
	printf("processes_killed_midway: seed=%#llx killed=%d contexts=%llu "
	       "buffers=%llu runs=%llu waits=%llu closes=%llu "
	       "slowest_death_s=%.2f wall_s=%.1f\n", (unsigned long long)seed,
	       reaped, (unsigned long long)cnt->contexts,
	       (unsigned long long)cnt->buffers, (unsigned long long)cnt->runs,
	       (unsigned long long)cnt->waits,
	       (unsigned long long)cnt->closes, max_death, acc_now() - t0);
	return 0;
}
