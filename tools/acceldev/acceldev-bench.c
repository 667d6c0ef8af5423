// SPDX-License-Identifier: GPL-2.0
/*
 * acceldev-bench - measure an acceldev driver from user space.
 *
 * Uses only the driver's ioctl interfaces (uapi/acceldev.h, and
 * uapi/acceldev_accel.h with the DRM core's syncobj ioctls), not
 * libacceldev's command stream, so that it measures any acceldev.ko; the
 * library only finds the accel node (acd_node_path()). Per device:
 *
 *  (a) RUN submission rate of one-NOP runs, from 1 context and from
 *      --threads contexts (one thread each). The backlog is bounded: after
 *      every BATCH runs a thread RUNs a FENCE and waits for the previous
 *      one. The rate counts the NOP runs over the whole time, draining
 *      included.
 *  (b) RUN of one FENCE, then WAIT for it: round-trip latency, median and
 *      99th percentile over --iterations.
 *  (c) FILL of a whole 4 MiB buffer + FENCE, then WAIT: MB/s (10^6 B/s).
 *  (d) CREATE_BUFFER (1 MiB data) + mmap + a write to every page + munmap
 *      + close: mean time per buffer.
 *  (e) open + close of the device node (a context): per second.
 *  (f) CPU time (getrusage of the thread, user + system) spent inside a
 *      long WAIT: one RUN of 203 FILLs of 4 MiB (812 MiB, a full 4 KiB
 *      code buffer) and a FENCE, done 3 times; as a percentage of the
 *      WAITs' wall time, and per WAIT.
 *      A driver that sleeps shows a few percent; one that spins, 100.
 *
 *  (h) As (a), on the function's accel node (/dev/accel/accelM): SUBMITs
 *      of one NOP, a FENCE SUBMIT after every BATCH, and the node's WAIT
 *      for the previous one.
 *  (i) SUBMIT of one FENCE with a binary out-syncobj, then
 *      DRM_IOCTL_SYNCOBJ_WAIT on it: round trip, median and 99th
 *      percentile over --iterations, as (b).
 *  A function without an accel node (no CONFIG_DRM_ACCEL) shows "-"
 *  (null) in (h) and (i); that is no failure.
 *
 * The numbers are printed, never judged: the exit status is 0 unless an
 * operation failed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "acceldev.h"
#include "acceldev_accel.h"
#include "libacceldev.h"
#include "tool.h"

#define PROG "acceldev-bench"
#define MAX_DEVICES 64
#define MAX_THREADS 64
#define BATCH 256			/* NOP runs between two FENCEs in (a) */
#define CMD_BYTES (ACCELDEV_USER_CMD_WORDS * 4)
#define FILL_SIZE ACCELDEV_BUFFER_MAX_SIZE
#define TOUCH_SIZE (1 << 20)
#define NULL_IOCTL 0x7f			/* no ACCELDEV_IOCTL_* has it */

struct opts {
	double duration;	/* seconds per rate measurement */
	unsigned int iterations;	/* latency round trips */
	unsigned int fills;	/* 4 MiB FILLs in (c) */
	unsigned int buffers;	/* buffers made in (d) */
	unsigned int threads;	/* contexts in (a) */
	bool json;
};

struct result {
	int dev;
	double run_rate_1;	/* runs/s, one context */
	double run_rate_n;	/* runs/s, opts.threads contexts */
	double lat_median_us;
	double lat_p99_us;
	double fill_mb_s;
	double buffer_us;
	double ctx_per_s;
	double wait_ms;
	double wait_cpu_pct;
	double wait_cpu_us;
	double null_per_s;	/* unknown ioctl number: the limit */
	double devnull_per_s;	/* open+close of /dev/null: (e)'s limit */
	double run_1_of_limit;	/* run_rate_1 / null_per_s */
	double run_n_of_limit;
	double ctx_of_limit;	/* ctx_per_s / devnull_per_s */
	double accel_rate_1;	/* (h): submits/s, one context */
	double accel_rate_n;
	double accel_lat_median_us;	/* (i) */
	double accel_lat_p99_us;
	bool failed;
};

static char dev_path[MAX_DEVICES][32];
static char accel_path[MAX_DEVICES][32];	/* "" if the function has none */

/* Say what failed (errno) on stderr; return -1. */
static int fail(int dev, const char *what)
{
	fprintf(stderr, "acceldev-bench: acceldev%d: %s: %s\n", dev, what,
		strerror(errno));
	return -1;
}

/* ---- the raw ioctl interface --------------------------------------- */

static int ctx_open(int dev)
{
	return open(dev_path[dev], O_RDWR | O_CLOEXEC);
}

/* The same on the accel node: a DRM file (a context). */
static int accel_open(int dev)
{
	return open(accel_path[dev], O_RDWR | O_CLOEXEC);
}

static int buffer_create(int ctx, int size, enum acceldev_buffer_type type,
			 uint32_t *slot)
{
	struct acceldev_ioctl_create_buffer_result res = { 0 };
	struct acceldev_ioctl_create_buffer arg = {
		.size = size, .type = type, .result = &res,
	};
	int fd = ioctl(ctx, ACCELDEV_IOCTL_CREATE_BUFFER, &arg);

	if (fd >= 0 && slot)
		*slot = res.buffer_slot;
	return fd;
}

static int run(int ctx, int cfd, uint32_t addr, uint32_t size)
{
	struct acceldev_ioctl_run arg = { .cfd = cfd, .addr = addr, .size = size };

	return ioctl(ctx, ACCELDEV_IOCTL_RUN, &arg);
}

static int wait_fence(int ctx, uint32_t fence)
{
	struct acceldev_ioctl_wait arg = { .fence_wait = fence };
	int ret;

	do
		ret = ioctl(ctx, ACCELDEV_IOCTL_WAIT, &arg);
	while (ret < 0 && errno == EINTR);
	return ret;
}

/* The accel node's WAIT: the same counter, no timeout. */
static int accel_wait_fence(int ctx, uint32_t fence)
{
	struct drm_acceldev_wait arg = {
		.fence = fence, .timeout_ns = INT64_MAX,
	};
	int ret;

	do
		ret = ioctl(ctx, DRM_IOCTL_ACCELDEV_WAIT, &arg);
	while (ret < 0 && errno == EINTR);
	return ret;
}

/* SUBMIT of CODE BO @code's [@addr, +@size), signalling @out if not 0. */
static int accel_submit(int ctx, uint32_t code, uint32_t addr, uint32_t size,
			uint32_t out)
{
	struct drm_acceldev_syncobj o = { .handle = out };
	struct drm_acceldev_submit arg = {
		.code_handle = code, .offset = addr, .size = size,
		.out_syncobjs = (uintptr_t)&o, .out_count = out ? 1 : 0,
	};

	return ioctl(ctx, DRM_IOCTL_ACCELDEV_SUBMIT, &arg);
}

static int syncobj_wait(int ctx, uint32_t handle)
{
	struct drm_syncobj_wait arg = {
		.handles = (uintptr_t)&handle, .timeout_nsec = INT64_MAX,
		.count_handles = 1,
	};
	int ret;

	do
		ret = ioctl(ctx, DRM_IOCTL_SYNCOBJ_WAIT, &arg);
	while (ret < 0 && errno == EINTR);
	return ret;
}

/* A 4 KiB CODE BO, mapped, and a binary syncobj on accel file @ctx. */
static void *accel_code_open(int ctx, uint32_t *code, uint32_t *syncobj)
{
	struct drm_acceldev_bo_create c = {
		.size = 4096, .type = DRM_ACCELDEV_BO_CODE,
	};
	struct drm_acceldev_bo_info info = { 0 };
	struct drm_syncobj_create sc = { 0 };
	void *p;

	if (ioctl(ctx, DRM_IOCTL_ACCELDEV_BO_CREATE, &c) < 0)
		return NULL;
	info.handle = c.handle;
	if (ioctl(ctx, DRM_IOCTL_ACCELDEV_BO_INFO, &info) < 0 ||
	    ioctl(ctx, DRM_IOCTL_SYNCOBJ_CREATE, &sc) < 0)
		return NULL;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ctx,
		 (off_t)info.mmap_offset);
	if (p == MAP_FAILED)
		return NULL;
	*code = c.handle;
	*syncobj = sc.handle;
	return p;
}

static void put_cmd(uint32_t *code, unsigned int index, uint32_t type,
		    uint32_t w1, uint32_t w2, uint32_t w3, uint32_t w4)
{
	uint32_t *w = code + index * ACCELDEV_USER_CMD_WORDS;

	w[0] = type;
	w[1] = w1;
	w[2] = w2;
	w[3] = w3;
	w[4] = w4;
}

/*
 * A context with a 4 KiB code buffer holding NOP at command 0 and FENCE
 * at command 1 (the layout of (a) and (b)); on the accel node (@accel) a
 * DRM file with a CODE BO (@handle) and a binary syncobj, for (h), (i).
 */
struct small_ctx {
	int ctx, code;		/* accel: code is -1 */
	bool accel;
	uint32_t handle, syncobj;
	uint32_t *cmds;
};

static int small_ctx_open(int dev, bool accel, struct small_ctx *s)
{
	*s = (struct small_ctx){ .accel = accel, .code = -1 };
	s->ctx = accel ? accel_open(dev) : ctx_open(dev);
	if (s->ctx < 0)
		return fail(dev, accel ? "open (accel node)" : "open");
	if (accel) {
		s->cmds = accel_code_open(s->ctx, &s->handle, &s->syncobj);
		if (!s->cmds) {
			fail(dev, "CODE BO and syncobj");
			close(s->ctx);
			return -1;
		}
	} else {
		s->code = buffer_create(s->ctx, 4096, BUFFER_TYPE_CODE, NULL);
		if (s->code < 0) {
			fail(dev, "CREATE_BUFFER (code)");
			close(s->ctx);
			return -1;
		}
		s->cmds = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			       s->code, 0);
		if (s->cmds == MAP_FAILED) {
			fail(dev, "mmap (code)");
			close(s->code);
			close(s->ctx);
			return -1;
		}
	}
	put_cmd(s->cmds, 0, ACCELDEV_USER_CMD_TYPE_NOP, 0, 0, 0, 0);
	put_cmd(s->cmds, 1, ACCELDEV_USER_CMD_TYPE_FENCE, 0, 0, 0, 0);
	return 0;
}

/* RUN, or SUBMIT (signalling the syncobj when @signal). */
static int small_submit(const struct small_ctx *s, uint32_t addr,
			uint32_t size, bool signal)
{
	if (s->accel)
		return accel_submit(s->ctx, s->handle, addr, size,
				    signal ? s->syncobj : 0);
	return run(s->ctx, s->code, addr, size);
}

static int small_wait(const struct small_ctx *s, uint32_t fence)
{
	return s->accel ? accel_wait_fence(s->ctx, fence) :
			  wait_fence(s->ctx, fence);
}

static void small_ctx_close(struct small_ctx *s)
{
	munmap(s->cmds, 4096);
	if (s->code >= 0)
		close(s->code);
	close(s->ctx);	/* an accel file's BO and syncobj go with it */
}

/* ---- (a) submission rate ------------------------------------------- */

struct submitter {
	int dev;
	bool accel;		/* (h): the accel node */
	double duration;
	pthread_barrier_t *start;
	uint64_t runs;		/* NOP runs done */
	double secs;		/* from start to the last fence reached */
	int status;
};

static void *submit_loop(void *arg)
{
	struct submitter *t = arg;
	struct small_ctx s;
	uint32_t fence = 0;
	double t0;

	t->status = small_ctx_open(t->dev, t->accel, &s);
	if (t->start)
		pthread_barrier_wait(t->start);
	if (t->status)
		return NULL;
	t->status = -1;
	t0 = tool_now();
	do {
		for (int i = 0; i < BATCH; i++) {
			if (small_submit(&s, 0, CMD_BYTES, false) < 0) {
				fail(t->dev, "RUN (NOP)");
				goto out;
			}
		}
		t->runs += BATCH;
		if (small_submit(&s, CMD_BYTES, CMD_BYTES, false) < 0) {
			fail(t->dev, "RUN (FENCE)");
			goto out;
		}
		/* at most two batches in flight */
		if (fence > 0 && small_wait(&s, fence) < 0) {
			fail(t->dev, "WAIT");
			goto out;
		}
		fence++;
	} while (tool_now() - t0 < t->duration);
	if (small_wait(&s, fence) < 0) {
		fail(t->dev, "WAIT");
		goto out;
	}
	t->secs = tool_now() - t0;
	t->status = 0;
out:
	small_ctx_close(&s);
	return NULL;
}

/* Runs per second summed over @n threads with a context each. */
static double submit_rate(int dev, const struct opts *o, unsigned int n,
			  bool accel)
{
	struct submitter t[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	pthread_barrier_t start;
	double secs = 0;
	uint64_t runs = 0;
	int status = 0;

	pthread_barrier_init(&start, NULL, n);
	for (unsigned int i = 0; i < n; i++) {
		t[i] = (struct submitter){
			.dev = dev, .accel = accel, .duration = o->duration,
			.start = &start,
		};
		if (pthread_create(&tid[i], NULL, submit_loop, &t[i])) {
			fprintf(stderr, "acceldev-bench: pthread_create failed\n");
			exit(1);
		}
	}
	for (unsigned int i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		status |= t[i].status;
		runs += t[i].runs;
		if (t[i].secs > secs)
			secs = t[i].secs;
	}
	pthread_barrier_destroy(&start);
	return status || secs == 0 ? NAN : runs / secs;
}

/* ---- (b) round-trip latency ---------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * (b) RUN of a FENCE, WAIT for it; or (i) (@accel) SUBMIT of the FENCE
 * signalling a syncobj, SYNCOBJ_WAIT on it. Median and p99 in us.
 */
static int latency(int dev, const struct opts *o, bool accel,
		   double *median, double *p99)
{
	double *lat = calloc(o->iterations, sizeof(*lat));
	struct small_ctx s;
	int ret = -1;

	if (!lat || small_ctx_open(dev, accel, &s)) {
		free(lat);
		return -1;
	}
	for (unsigned int i = 0; i < o->iterations; i++) {
		double t0 = tool_now();

		if (small_submit(&s, CMD_BYTES, CMD_BYTES, true) < 0) {
			fail(dev, "RUN (FENCE)");
			goto out;
		}
		if ((accel ? syncobj_wait(s.ctx, s.syncobj) :
			     wait_fence(s.ctx, i + 1)) < 0) {
			fail(dev, accel ? "SYNCOBJ_WAIT" : "WAIT");
			goto out;
		}
		lat[i] = (tool_now() - t0) * 1e6;
	}
	qsort(lat, o->iterations, sizeof(*lat), cmp_double);
	*median = lat[(o->iterations - 1) / 2];
	*p99 = lat[(o->iterations * 99 + 99) / 100 - 1];
	ret = 0;
out:
	small_ctx_close(&s);
	free(lat);
	return ret;
}

/* ---- (c) FILL bandwidth and (f) CPU while waiting ------------------ */

static double thread_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* A context with a 4 KiB code buffer and a 4 MiB data buffer. */
struct fill_ctx {
	struct small_ctx s;
	int dfd;
	uint32_t slot;
	uint32_t *data;
};

static int fill_ctx_open(int dev, struct fill_ctx *f)
{
	if (small_ctx_open(dev, false, &f->s))
		return -1;
	f->dfd = buffer_create(f->s.ctx, FILL_SIZE, BUFFER_TYPE_DATA, &f->slot);
	if (f->dfd < 0) {
		fail(dev, "CREATE_BUFFER (4 MiB data)");
		small_ctx_close(&f->s);
		return -1;
	}
	f->data = mmap(NULL, FILL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       f->dfd, 0);
	if (f->data == MAP_FAILED) {
		fail(dev, "mmap (data)");
		close(f->dfd);
		small_ctx_close(&f->s);
		return -1;
	}
	return 0;
}

static void fill_ctx_close(struct fill_ctx *f)
{
	munmap(f->data, FILL_SIZE);
	close(f->dfd);
	small_ctx_close(&f->s);
}

/*
 * RUN @n FILLs of the whole buffer with @value and a FENCE, WAIT for
 * fence @fence; add the WAIT's wall and CPU time. Checks the data.
 */
static int fill_run(int dev, struct fill_ctx *f, unsigned int n,
		    uint32_t value, uint32_t fence, double *wall, double *cpu)
{
	double t0, c0;

	for (unsigned int i = 0; i < n; i++)
		put_cmd(f->s.cmds, i, ACCELDEV_USER_CMD_TYPE_FILL, value,
			f->slot, 0, FILL_SIZE);
	put_cmd(f->s.cmds, n, ACCELDEV_USER_CMD_TYPE_FENCE, 0, 0, 0, 0);
	if (run(f->s.ctx, f->s.code, 0, (n + 1) * CMD_BYTES) < 0)
		return fail(dev, "RUN (FILLs + FENCE)");
	c0 = thread_cpu();
	t0 = tool_now();
	if (wait_fence(f->s.ctx, fence) < 0)
		return fail(dev, "WAIT");
	*wall += tool_now() - t0;
	*cpu += thread_cpu() - c0;
	if (f->data[0] != value || f->data[FILL_SIZE / 4 - 1] != value) {
		fprintf(stderr, "acceldev-bench: acceldev%d: FILL wrote %#x..%#x,"
			" expected %#x\n", dev, f->data[0],
			f->data[FILL_SIZE / 4 - 1], value);
		return -1;
	}
	return 0;
}

static int fill_bandwidth(int dev, const struct opts *o, struct result *r)
{
	double t0 = tool_now(), wall = 0, cpu = 0;
	struct fill_ctx f;
	int ret = 0;

	if (fill_ctx_open(dev, &f))
		return -1;
	for (unsigned int i = 0; i < o->fills && ret == 0; i++)
		ret = fill_run(dev, &f, 1, 0xbe000000u + i, i + 1, &wall, &cpu);
	if (ret == 0)
		r->fill_mb_s = (double)o->fills * FILL_SIZE /
			       (tool_now() - t0) / 1e6;
	fill_ctx_close(&f);
	return ret;
}

#define LONG_WAITS 3
#define LONG_FILLS (4096 / CMD_BYTES - 1)

static int wait_cpu(int dev, struct result *r)
{
	double wall = 0, cpu = 0;
	struct fill_ctx f;
	int ret = 0;

	if (fill_ctx_open(dev, &f))
		return -1;
	for (unsigned int i = 0; i < LONG_WAITS && ret == 0; i++)
		ret = fill_run(dev, &f, LONG_FILLS, 0xcf000000u + i, i + 1,
			       &wall, &cpu);
	if (ret == 0) {
		r->wait_ms = wall / LONG_WAITS * 1e3;
		r->wait_cpu_pct = wall > 0 ? 100 * cpu / wall : 0;
		r->wait_cpu_us = cpu / LONG_WAITS * 1e6;
	}
	fill_ctx_close(&f);
	return ret;
}

/* ---- (d) buffer life cycle, (e) context open/close ----------------- */

static int buffer_cycle(int dev, const struct opts *o, struct result *r)
{
	int ctx = ctx_open(dev), ret = -1;
	double t0;

	if (ctx < 0)
		return fail(dev, "open");
	t0 = tool_now();
	for (unsigned int i = 0; i < o->buffers; i++) {
		int fd = buffer_create(ctx, TOUCH_SIZE, BUFFER_TYPE_DATA, NULL);
		volatile uint8_t *p;

		if (fd < 0) {
			fail(dev, "CREATE_BUFFER (1 MiB data)");
			goto out;
		}
		p = mmap(NULL, TOUCH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if (p == MAP_FAILED) {
			fail(dev, "mmap (data)");
			close(fd);
			goto out;
		}
		for (size_t off = 0; off < TOUCH_SIZE; off += 4096)
			p[off] = 1;
		munmap((void *)p, TOUCH_SIZE);
		close(fd);
	}
	r->buffer_us = (tool_now() - t0) / o->buffers * 1e6;
	ret = 0;
out:
	close(ctx);
	return ret;
}

/* open()+close() of @path for @secs s: per second, or NAN (errno set). */
static double open_close_rate(const char *path, double secs)
{
	double t0 = tool_now(), t;
	uint64_t n = 0;

	do {
		int fd = open(path, O_RDWR);

		if (fd < 0)
			return NAN;
		close(fd);
		n++;
	} while ((t = tool_now() - t0) < secs);
	return n / t;
}

static int context_cycle(int dev, const struct opts *o, struct result *r)
{
	r->ctx_per_s = open_close_rate(dev_path[dev], o->duration);
	if (isnan(r->ctx_per_s))
		return fail(dev, "open");
	/*
	 * The limit of (e), timed right after it: the same two system calls
	 * on a character device whose open and release do nothing
	 * (/dev/null, on the same devtmpfs), so what (e) costs beyond it is
	 * the driver's own.
	 */
	r->devnull_per_s = open_close_rate("/dev/null", o->duration);
	if (isnan(r->devnull_per_s))
		return fail(dev, "open /dev/null");
	r->ctx_of_limit = r->ctx_per_s / r->devnull_per_s;
	return 0;
}

/*
 * (g) The limits. An ioctl with a number the driver does not know, on an
 * open context of the same node, costs the system call and the driver's
 * switch and nothing else: no RUN (one ioctl) can be faster.
 */
static int null_ioctl_rate(int dev, const struct opts *o, struct result *r)
{
	int ctx = ctx_open(dev);
	uint64_t n = 0;
	double t0, secs;

	if (ctx < 0)
		return fail(dev, "open");
	t0 = tool_now();
	do {
		for (int i = 0; i < 256; i++) {
			if (ioctl(ctx, NULL_IOCTL, NULL) != -1 ||
			    errno != ENOTTY) {
				close(ctx);
				errno = errno ? errno : EPROTO;
				return fail(dev, "null ioctl (want ENOTTY)");
			}
		}
		n += 256;
	} while ((secs = tool_now() - t0) < o->duration);
	close(ctx);
	r->null_per_s = n / secs;
	r->run_1_of_limit = r->run_rate_1 / r->null_per_s;
	r->run_n_of_limit = r->run_rate_n / r->null_per_s;
	return 0;
}

/* ---- output -------------------------------------------------------- */

static const struct row {
	const char *label;	/* table */
	const char *key;	/* JSON */
	size_t offset;
	const char *fmt;
} rows[] = {
#define ROW(label, key, field, fmt) \
	{ label, key, offsetof(struct result, field), fmt }
	ROW("(a) RUN rate, 1 context (runs/s)", "run_rate_1_ctx", run_rate_1, "%.0f"),
	ROW("(a) RUN rate, N contexts (runs/s)", "run_rate_n_ctx", run_rate_n, "%.0f"),
	ROW("(b) RUN+FENCE->WAIT median (us)", "latency_median_us", lat_median_us, "%.1f"),
	ROW("(b) RUN+FENCE->WAIT p99 (us)", "latency_p99_us", lat_p99_us, "%.1f"),
	ROW("(c) FILL 4 MiB bandwidth (MB/s)", "fill_mb_per_s", fill_mb_s, "%.1f"),
	ROW("(d) 1 MiB buffer create..close (us)", "buffer_cycle_us", buffer_us, "%.1f"),
	ROW("(e) context open+close (per s)", "context_cycles_per_s", ctx_per_s, "%.0f"),
	ROW("(f) long WAIT wall time (ms)", "wait_ms", wait_ms, "%.1f"),
	ROW("(f) CPU while waiting (% of wall)", "wait_cpu_percent", wait_cpu_pct, "%.1f"),
	ROW("(f) CPU per WAIT (us)", "wait_cpu_us", wait_cpu_us, "%.1f"),
	ROW("(g) null ioctl, the limit (per s)", "null_ioctls_per_s", null_per_s, "%.0f"),
	ROW("(a) 1 context / (g)", "run_rate_1_of_limit", run_1_of_limit, "%.3f"),
	ROW("(a) N contexts / (g)", "run_rate_n_of_limit", run_n_of_limit, "%.3f"),
	ROW("(g) /dev/null open+close, (e)'s limit", "devnull_cycles_per_s", devnull_per_s, "%.0f"),
	ROW("(e) open+close / its limit", "context_cycles_of_limit", ctx_of_limit, "%.3f"),
	ROW("(h) accel SUBMIT rate, 1 ctx (/s)", "accel_submit_rate_1_ctx", accel_rate_1, "%.0f"),
	ROW("(h) accel SUBMIT rate, N ctx (/s)", "accel_submit_rate_n_ctx", accel_rate_n, "%.0f"),
	ROW("(i) SUBMIT->syncobj wait median (us)", "accel_syncobj_latency_median_us", accel_lat_median_us, "%.1f"),
	ROW("(i) SUBMIT->syncobj wait p99 (us)", "accel_syncobj_latency_p99_us", accel_lat_p99_us, "%.1f"),
#undef ROW
};
#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

static double value_of(const struct result *r, const struct row *row)
{
	return *(const double *)((const char *)r + row->offset);
}

static void print_table(const struct opts *o, const struct result *res,
			int n)
{
	char cell[32];

	printf("acceldev-bench: %.2f s per rate, %u round trips, %u fills,"
	       " %u buffers, N = %u contexts\n", o->duration, o->iterations,
	       o->fills, o->buffers, o->threads);
	printf("%-38s", "measurement");
	for (int d = 0; d < n; d++) {
		snprintf(cell, sizeof(cell), "acceldev%d", res[d].dev);
		printf(" %12s", cell);
	}
	printf("\n");
	for (size_t i = 0; i < NR_ROWS; i++) {
		printf("%-38s", rows[i].label);
		for (int d = 0; d < n; d++) {
			double v = value_of(&res[d], &rows[i]);

			if (isnan(v))
				snprintf(cell, sizeof(cell), "-");
			else
				snprintf(cell, sizeof(cell), rows[i].fmt, v);
			printf(" %12s", cell);
		}
		printf("\n");
	}
}

static void print_json(const struct opts *o, const struct result *res, int n)
{
	printf("{\"options\": {\"duration_s\": %g, \"iterations\": %u,"
	       " \"fills\": %u, \"buffers\": %u, \"contexts\": %u},\n"
	       " \"devices\": [", o->duration, o->iterations, o->fills,
	       o->buffers, o->threads);
	for (int d = 0; d < n; d++) {
		printf("%s\n  {\"device\": %d, \"node\": ", d ? "," : "",
		       res[d].dev);
		tool_json_str(stdout, dev_path[res[d].dev]);
		printf(", \"ok\": %s, \"accel_node\": ",
		       res[d].failed ? "false" : "true");
		if (accel_path[res[d].dev][0])
			tool_json_str(stdout, accel_path[res[d].dev]);
		else
			printf("null");
		for (size_t i = 0; i < NR_ROWS; i++) {
			double v = value_of(&res[d], &rows[i]);

			printf(",\n   \"%s\": ", rows[i].key);
			if (isnan(v))
				printf("null");
			else
				printf(rows[i].fmt, v);
		}
		printf("}");
	}
	printf("\n]}\n");
}

/* ---- main ---------------------------------------------------------- */

static void bench_device(int dev, const struct opts *o, struct result *r)
{
	*r = (struct result){ .dev = dev };
	for (size_t i = 0; i < NR_ROWS; i++)
		*(double *)((char *)r + rows[i].offset) = NAN;
	r->run_rate_1 = submit_rate(dev, o, 1, false);
	r->run_rate_n = submit_rate(dev, o, o->threads, false);
	r->failed = isnan(r->run_rate_1) || isnan(r->run_rate_n);
	r->failed |= latency(dev, o, false, &r->lat_median_us,
			     &r->lat_p99_us) != 0;
	r->failed |= fill_bandwidth(dev, o, r) != 0;
	r->failed |= wait_cpu(dev, r) != 0;
	r->failed |= buffer_cycle(dev, o, r) != 0;
	r->failed |= context_cycle(dev, o, r) != 0;
	r->failed |= null_ioctl_rate(dev, o, r) != 0;
	if (!accel_path[dev][0])
		return;
	r->accel_rate_1 = submit_rate(dev, o, 1, true);
	r->accel_rate_n = submit_rate(dev, o, o->threads, true);
	r->failed |= isnan(r->accel_rate_1) || isnan(r->accel_rate_n);
	r->failed |= latency(dev, o, true, &r->accel_lat_median_us,
			     &r->accel_lat_p99_us) != 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: acceldev-bench [--device N] [--quick] [--duration S]\n"
		"                      [--iterations N] [--threads N] [--json]\n"
		"Measures each device (default: every /dev/acceldevN) through\n"
		"the raw ioctls: RUN rate from 1 and N contexts, RUN+FENCE->WAIT\n"
		"latency, FILL bandwidth, buffer and context cycles, CPU time\n"
		"while waiting, and the limits: a null ioctl (ENOTTY) on the\n"
		"same node, open+close of /dev/null; on the function's accel\n"
		"node, SUBMIT rate and SUBMIT->syncobj wait latency.\n"
		"--quick: short settings\n"
		"(a few seconds per device under TCG). --duration: seconds per\n"
		"rate (default 1), --iterations: round trips (default 500),\n"
		"--threads: N (default 8).\n");
}

static double seconds(const char *arg)
{
	char *end;
	double v = strtod(arg, &end);

	if (*end || !(v > 0 && v <= 3600)) {
		fprintf(stderr, "acceldev-bench: --duration: want seconds"
			" (0 < S <= 3600), not '%s'\n", arg);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "quick", no_argument, NULL, 'q' },
		{ "duration", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct opts o = {
		.duration = 1, .iterations = 500, .fills = 16, .buffers = 100,
		.threads = 8,
	};
	static struct result res[MAX_DEVICES];
	int devs[MAX_DEVICES], ndev = 0, only = -1, c;
	bool failed = false;

	while ((c = getopt_long(argc, argv, "d:qt:i:n:jh", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			only = (int)tool_number(PROG, "device", optarg, 0,
						 MAX_DEVICES - 1);
			break;
		case 'q':
			o = (struct opts){
				.duration = 0.25, .iterations = 100, .fills = 4,
				.buffers = 20, .threads = 4, .json = o.json,
			};
			break;
		case 't':
			o.duration = seconds(optarg);
			break;
		case 'i':
			o.iterations = (unsigned int)tool_number(PROG,
				"iterations", optarg, 1, 10000000);
			break;
		case 'n':
			o.threads = (unsigned int)tool_number(PROG,
				"threads", optarg, 1, MAX_THREADS);
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			tool_usage_exit(usage, 0);
			break;
		default:
			tool_usage_exit(usage, 2);
		}
	}
	if (optind < argc)
		tool_usage_exit(usage, 2);
	for (int d = 0; d < MAX_DEVICES; d++) {
		snprintf(dev_path[d], sizeof(dev_path[d]), "/dev/acceldev%d", d);
		if ((only < 0 || d == only) && access(dev_path[d], F_OK) == 0)
			devs[ndev++] = d;
		else
			continue;
		if (acd_node_path(d, ACD_NODE_ACCEL, accel_path[d],
				  sizeof(accel_path[d])) ||
		    access(accel_path[d], F_OK) != 0)
			accel_path[d][0] = '\0';
	}
	if (ndev == 0) {
		fprintf(stderr, "acceldev-bench: no device %s\n", only < 0 ?
			"/dev/acceldevN" : dev_path[only]);
		return 1;
	}
	for (int i = 0; i < ndev; i++) {
		bench_device(devs[i], &o, &res[i]);
		failed |= res[i].failed;
	}
	if (o.json)
		print_json(&o, res, ndev);
	else
		print_table(&o, res, ndev);
	return failed ? 1 : 0;
}
