// SPDX-License-Identifier: GPL-2.0
/*
 * Backlog under pressure. The device queue is shrunk to 4 entries and
 * every command slowed (the VM of queue_backlog_1200_runs). 8 processes,
 * each with a context (devices 0 and 1 alternately), start together and
 * submit 200 runs each as fast as they can (1600 runs, faster than the
 * devices drain: the driver's backlog is sampled and must grow), while
 * a waiter thread per process WAITs for every fence in turn. Run i FILLs
 * a 4 MiB "ballast" buffer (device time) and word i with its own value,
 * writes i into a "last" word, then FENCEs. Checked:
 *  - every WAIT(k) (issued once run k was submitted) returns 0, and then word k-1 holds its value and the
 *    last word is at least k-1 (runs executed in order, none skipped);
 *  - at the end every word is right, the last word is the last run's
 *    number, and the driver counted exactly the runs submitted;
 *  - no busy waiting: the CPU time of the waiters (and of the
 *    submitters) is reported against the wall time; the test fails if
 *    the waiters together used more than the wall time, one of the VM's
 *    two CPUs. Sleeping waiters were measured at 0.33-0.62 of the wall
 *    time on a loaded 2-core host (under TCG the guest charges the
 *    host's preemption of a vCPU to whatever task is current, and 1600
 *    wake-ups are many such chances); waiters that spin keep both vCPUs
 *    once the submitters are done, about twice the wall time. (The
 *    limit was half the wall time, which a sleeping driver crossed on a
 *    busy host.)
 * ACCELDEV_LONG=1: 16 processes x 1500 runs (24000 runs).
 */
// vmtest: timeout=300 tiers=debian,debug
#include <semaphore.h>

#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("queue-size=4,cmd-delay-us=50")

#define RUN_BYTES (4 * ACC_CMD_BYTES)
#define BALLAST (4 << 20)	/* each run also FILLs this much */

struct shared {
	int ready, go;
	double submit_cpu, wait_cpu, submit_wall;	/* summed */
};

static struct shared *sh;
static int runs;

struct proc {
	int p, ctx, code, data, ballast;
	uint32_t *cmds, *words, *ballast_words;
	double wait_cpu;
	sem_t submitted;	/* one post per RUN: WAIT only what exists */
};

static uint32_t value_of(int p, int i)
{
	return 0x40000000u + ((uint32_t)p << 16) + (uint32_t)i;
}

static void *waiter(void *arg)
{
	struct proc *c = arg;
	int p = c->p;

	for (int k = 1; k <= runs; k++) {
		while (sem_wait(&c->submitted) != 0)
			CHECK(errno == EINTR);
		if (acc_try_wait(c->ctx, (uint32_t)k) != 0)
			FAIL("WAIT(%d): %s", k, acc_errname(errno));
		CHECK_MSG(c->words[k - 1] == value_of(p, k - 1),
			  "after WAIT(%d): word %d is %#x", k, k - 1,
			  c->words[k - 1]);
		CHECK_MSG(c->words[runs] >= (uint32_t)(k - 1) &&
			  c->words[runs] < (uint32_t)runs,
			  "after WAIT(%d): last run %u", k, c->words[runs]);
	}
	c->wait_cpu = acc_cpu_thread();
	return NULL;
}

static void process(void *arg)
{
	int p = (int)(intptr_t)arg;
	struct proc c;
	pthread_t th;
	double cpu0, t0;
	uint32_t slot, bslot;

	c.p = p;
	c.ctx = acc_open(p % 2);
	c.code = acc_create_buffer(c.ctx, runs * RUN_BYTES, BUFFER_TYPE_CODE,
				   NULL);
	c.data = acc_create_buffer(c.ctx, (runs + 1) * 4, BUFFER_TYPE_DATA,
				   &slot);
	c.ballast = acc_create_buffer(c.ctx, BALLAST, BUFFER_TYPE_DATA, &bslot);
	c.ballast_words = acc_map(c.ballast, BALLAST);
	c.cmds = acc_map(c.code, (size_t)runs * RUN_BYTES);
	c.words = acc_map(c.data, (size_t)(runs + 1) * 4);
	for (int i = 0; i < runs; i++) {
		size_t w = (size_t)i * RUN_BYTES / 4;

		w = acc_put_fill(c.cmds, w, value_of(p, i), bslot, 0, BALLAST);
		w = acc_put_fill(c.cmds, w, value_of(p, i), slot, 4 * i, 4);
		w = acc_put_fill(c.cmds, w, (uint32_t)i, slot, 4 * runs, 4);
		acc_put_fence(c.cmds, w);
	}

	acc_add(&sh->ready, 1);
	while (!acc_get(&sh->go))
		usleep(1000);
	CHECK(sem_init(&c.submitted, 0, 0) == 0);
	CHECK(pthread_create(&th, NULL, waiter, &c) == 0);
	cpu0 = acc_cpu_thread();
	t0 = acc_now();
	for (int i = 0; i < runs; i++) {
		acc_run(c.ctx, c.code, (uint32_t)(i * RUN_BYTES), RUN_BYTES);
		sem_post(&c.submitted);
	}
	t0 = acc_now() - t0;
	cpu0 = acc_cpu_thread() - cpu0;
	pthread_join(th, NULL);

	for (int i = 0; i < runs; i++)
		CHECK_MSG(c.words[i] == value_of(p, i), "word %d is %#x", i,
			  c.words[i]);
	CHECK_MSG(c.words[runs] == (uint32_t)runs - 1, "last run %u",
		  c.words[runs]);
	for (int i = 0; i < BALLAST / 4; i++)
		CHECK_MSG(c.ballast_words[i] == value_of(p, runs - 1),
			  "ballast word %d is %#x", i, c.ballast_words[i]);
	/* Doubles are added under a lock of sorts: one process at a time. */
	while (__atomic_exchange_n(&sh->ready, -1, __ATOMIC_ACQUIRE) == -1)
		usleep(100);
	sh->submit_cpu += cpu0;
	sh->submit_wall += t0;
	sh->wait_cpu += c.wait_cpu;
	__atomic_store_n(&sh->ready, 0, __ATOMIC_RELEASE);
	munmap(c.cmds, (size_t)runs * RUN_BYTES);
	munmap(c.words, (size_t)(runs + 1) * 4);
	munmap(c.ballast_words, BALLAST);
	close(c.ballast);
	close(c.code);
	close(c.data);
	close(c.ctx);
}

int main(void)
{
	int procs = ACC_SETTING(8, 16);
	pid_t pids[16];
	long submitted0[2], backlog, max_backlog = 0;
	double t0, wall, cpu_parent;

	runs = ACC_SETTING(200, 1500);
	acc_require_devices(2);
	sh = acc_shared(sizeof(*sh));
	for (int d = 0; d < 2; d++)
		submitted0[d] = acc_sysfs_read(d, "runs_submitted");
	for (int p = 0; p < procs; p++)
		pids[p] = acc_fork(process, (void *)(intptr_t)p);
	while (acc_get(&sh->ready) < procs)
		usleep(1000);
	__atomic_store_n(&sh->ready, 0, __ATOMIC_RELAXED);

	acc_watchdog(ACC_SETTING(250, 2500), "the backlog");
	t0 = acc_now();
	cpu_parent = acc_cpu_self();
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELAXED);
	/* Sample the driver's backlog while the processes run. */
	for (int live = procs; live > 0;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid > 0) {
			CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
				  "process %d failed (status %#x)", pid, st);
			live--;
			continue;
		}
		backlog = acc_sysfs_read(0, "runs_backlogged") +
			  acc_sysfs_read(1, "runs_backlogged");
		if (backlog > max_backlog)
			max_backlog = backlog;
		usleep(20 * 1000);
	}
	wall = acc_now() - t0;
	cpu_parent = acc_cpu_self() - cpu_parent;
	acc_watchdog(0, "");
	(void)pids;

	printf("stress_backlog_pressure: contexts=%d runs=%d wall_s=%.2f "
	       "max_backlog=%ld submit_wall_s_avg=%.2f submitters_cpu_s=%.2f "
	       "waiters_cpu_s=%.2f waiters_cpu_pct_of_wall=%.1f "
	       "sampler_cpu_s=%.2f\n", procs, procs * runs, wall, max_backlog,
	       sh->submit_wall / procs, sh->submit_cpu, sh->wait_cpu,
	       100 * sh->wait_cpu / wall, cpu_parent);
	for (int d = 0; d < 2; d++) {
		long n = acc_sysfs_read(d, "runs_submitted") - submitted0[d];

		CHECK_MSG(n == (long)procs / 2 * runs, "device %d counted %ld "
			  "runs, %d submitted", d, n, procs / 2 * runs);
	}
	CHECK_MSG(max_backlog >= procs * runs / 4, "the backlog never "
		  "exceeded %ld of %d runs: the device drained as fast as we "
		  "submitted, no pressure", max_backlog, procs * runs);
	CHECK_MSG(sh->wait_cpu <= wall, "waiters used %.2f s of CPU in "
		  "%.2f s: busy waiting?", sh->wait_cpu, wall);
	for (int d = 0; d < 2; d++) {
		long room = acc_device_free(d);

		CHECK_MSG(room < 0 || room == 4, "device %d: FREE reads %ld on "
			  "the idle device: queue-size=4 not in effect", d, room);
	}
	return 0;
}
