// SPDX-License-Identifier: GPL-2.0
/*
 * Submit, close and removal stress on the accel node (DRIVER.md, "The
 * accel node" and "Device removal while in use"; issue 20's debug-kernel
 * check: no lockdep, KASAN, kmemleak or DMA-API report with the
 * dma-fence annotations on). Each round, 3 processes churn on both
 * devices' accel nodes for a while:
 *  - each process keeps one file per device open, reopens one now and
 *    then with jobs still queued or held (its held jobs fail with
 *    -ECANCELED, its queued ones run on);
 *  - every job FILLs a stamp into a DATA object and is given a timeline
 *    point; about half first wait for the other device's last job (its
 *    sync_file imported into an in-syncobj): held jobs, and chains
 *    across the device that goes away;
 *  - the parent removes device 1's function through sysfs mid-round and
 *    brings it back with a rescan.
 * The children may see only clean errors (ENODEV after removal, EIO,
 * ECANCELED); every timeline point they wait for signals (no hang: a
 * watchdog). After each round both devices work (a FILL checked).
 * Rounds: 3 (1 on a debug kernel); ACCELDEV_LONG=1: 10.
 */
// vmtest: timeout=300 tiers=debian,debug
#include "acceldev_stress.h"
#include "acceldev_accel_test.h"

#define PROCS 3
#define JOBS_PER_FILE 12

struct side {
	struct acc_actx a;
	uint32_t tl;		/* timeline syncobj: point n is job n */
	uint32_t gate;		/* binary in-syncobj: the other side's fence */
	uint64_t jobs;
	bool dead;		/* its device went away */
};

static struct acc_load_stats *st;

static bool err_ok(int e)
{
	return e == ENODEV || e == EIO || e == ECANCELED || e == EINTR;
}

/* A syncobj, or 0 with the device gone. */
static uint32_t try_syncobj(int fd)
{
	struct drm_syncobj_create c = { 0 };

	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c)) {
		CHECK_MSG(errno == ENODEV, "SYNCOBJ_CREATE: %s",
			  acc_errname(errno));
		return 0;
	}
	return c.handle;
}

/*
 * Open a file on @dev's accel node with a CODE and a DATA object mapped
 * and two syncobjs. Return: false if the device is gone (at any step).
 */
static bool side_open(struct side *s, int dev)
{
	struct acc_actx *a = &s->a;

	memset(s, 0, sizeof(*s));
	s->dead = true;
	a->fd = acc_accel_try_open(dev);
	if (a->fd < 0) {
		CHECK_MSG(errno == ENODEV || errno == ENOENT, "open: %s",
			  acc_errname(errno));
		a->fd = 0;
		return false;
	}
	a->code_len = 4096;
	a->data_len = 8192;
	if (acc_accel_try_bo_create(a->fd, a->code_len, DRM_ACCELDEV_BO_CODE,
				    0, &a->code, NULL) ||
	    acc_accel_try_bo_create(a->fd, a->data_len, DRM_ACCELDEV_BO_DATA,
				    0, &a->data, &a->slot) ||
	    !(a->cmds = acc_accel_try_map(a->fd, a->code, a->code_len)) ||
	    !(a->d = acc_accel_try_map(a->fd, a->data, a->data_len)) ||
	    !(s->tl = try_syncobj(a->fd)) || !(s->gate = try_syncobj(a->fd))) {
		CHECK_MSG(errno == ENODEV, "setting up a file: %s",
			  acc_errname(errno));
		return false;
	}
	s->dead = false;
	st->contexts++;
	return true;
}

/* Wait for every point of @s, then close it; checks the stamps it can. */
static void side_close(struct side *s, bool wait)
{
	if (!s->a.fd)
		return;
	if (wait && s->jobs && !s->dead) {
		uint64_t p = s->jobs;
		int r = acc_syncobj_try_timeline_wait(s->a.fd, s->tl, p,
						      acc_deadline(60), 0);

		CHECK_MSG(!r || err_ok(errno), "timeline wait: %s",
			  acc_errname(errno));
	}
	if (s->a.cmds)
		munmap(s->a.cmds, s->a.code_len);
	if (s->a.d)
		munmap(s->a.d, s->a.data_len);
	CHECK(close(s->a.fd) == 0);
	memset(s, 0, sizeof(*s));
}

static void side_submit(struct side *s, struct side *other, struct acc_rng *r)
{
	struct drm_acceldev_syncobj in[2], out = { .handle = s->tl };
	struct acc_submit sub = { .code = s->a.code, .out = &out,
				  .out_count = 1, .in = in };
	uint32_t stamp = 0x5700000u + (uint32_t)s->jobs + 1;
	size_t w;

	if (s->dead)
		return;
	w = acc_put_fill(s->a.cmds, 0, stamp, s->a.slot, 0, 4096);
	w = acc_put_fence(s->a.cmds, w);
	sub.size = (uint32_t)(w * ACC_CMD_BYTES);
	out.point = s->jobs + 1;

	/* The other device's last job, through a sync_file. */
	if (!other->dead && other->jobs && acc_rng_pct(r, 50)) {
		int sf = acc_syncobj_try_export_sync_file(other->a.fd,
							  other->tl);

		struct drm_syncobj_handle h = {
			.handle = s->gate, .fd = sf,
			.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
		};

		if (sf >= 0) {
			if (ioctl(s->a.fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h)) {
				CHECK_MSG(errno == ENODEV, "import: %s",
					  acc_errname(errno));
				close(sf);
				s->dead = true;
				return;
			}
			close(sf);
			in[sub.in_count++] = (struct drm_acceldev_syncobj){
				.handle = s->gate };
		}
	}
	if (acc_accel_try_submit_args(s->a.fd, &sub)) {
		CHECK_MSG(err_ok(errno), "SUBMIT: %s", acc_errname(errno));
		if (errno == ENODEV)
			s->dead = true;
		return;
	}
	s->jobs = sub.job;
	st->runs++;
}

static void child(void *arg)
{
	struct acc_rng r = { .s = (uint64_t)(uintptr_t)arg * 7919 + 1 };
	struct side s[2];
	double end = acc_now() + (acc_debug_kernel() ? 20 : 8);

	acc_watchdog(120, "accel_stress_removal child");
	side_open(&s[0], 0);
	side_open(&s[1], 1);
	while (acc_now() < end) {
		int d = acc_rng_pct(&r, 50);

		if (s[d].dead) {
			side_close(&s[d], false);
			if (!side_open(&s[d], d))
				usleep(20000);
			continue;
		}
		side_submit(&s[d], &s[!d], &r);
		if (s[d].jobs >= JOBS_PER_FILE || acc_rng_pct(&r, 3)) {
			side_close(&s[d], acc_rng_pct(&r, 50));
			side_open(&s[d], d);
		}
	}
	side_close(&s[0], true);
	side_close(&s[1], true);
	exit(0);
}

int main(void)
{
	int rounds = ACC_SETTING(acc_debug_kernel() ? 1 : 3, 10);
	char bdf[32], path[128];
	pid_t pids[PROCS];

	acc_accel_require(2);
	st = acc_shared(sizeof(*st));
	for (int round = 0; round < rounds; round++) {
		for (int p = 0; p < PROCS; p++)
			pids[p] = acc_fork(child, (void *)(uintptr_t)(round * PROCS + p + 1));
		usleep(acc_debug_kernel() ? 5000000 : 2000000);
		CHECK(acc_dev_bdf(1, bdf, sizeof(bdf)));
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
		acc_write_file(path, "1");
		for (int p = 0; p < PROCS; p++)
			acc_reap(pids[p], "accel_stress_removal child");
		acc_rescan_expect(1);
		acc_accel_check_device_works(0);
		acc_accel_check_device_works(1);
	}
	printf("accel_stress_removal: rounds=%d jobs=%llu files=%llu\n", rounds,
	       (unsigned long long)st->runs, (unsigned long long)st->contexts);
	return 0;
}
