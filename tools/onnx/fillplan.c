// SPDX-License-Identifier: GPL-2.0
/*
 * fillplan.c - execute a fill plan on an Acceldev context: FILLs into
 * staging data buffers of at most 4 MiB (STAGING_CHUNK), a FENCE, WAIT,
 * then a copy into the output. Outputs larger than one round
 * (STAGING_PER_ROUND chunks) take several rounds, two in flight on two
 * sets of buffers. Also the CPU's own fill of a plan, and the cost
 * model's measurements.
 */
#include "fillplan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <wchar.h>
#include <time.h>

#include <libacceldev.h>

void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void staging_init(struct staging *st, int index, enum acd_node node, bool sim)
{
	memset(st, 0, sizeof(*st));
	st->index = index;
	st->node = node;
	st->sim = sim;
	st->max = STAGING_SLOTS;
	if (sim)
		snprintf(st->name, sizeof(st->name), "simulated acceldev");
	else if (acd_node_path(index, node, st->name, sizeof(st->name)))
		snprintf(st->name, sizeof(st->name), "the accel node of /dev/acceldev%d", index);
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->freed, NULL);
}

/* with st->lock held */
static int open_locked(struct staging *st, char *err, size_t errlen)
{
	if (st->sim || st->ctx)
		return 0;
	st->ctx = acd_open_node(st->index, st->node);
	if (!st->ctx) {
		set_err(err, errlen, "cannot open %s: %s", st->name, acd_error());
		return -1;
	}
	return 0;
}

int staging_open(struct staging *st, char *err, size_t errlen)
{
	int ret;

	pthread_mutex_lock(&st->lock);
	ret = open_locked(st, err, errlen);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

static void destroy_buffers(struct staging *st)
{
	unsigned int i;

	for (i = 0; i < st->created; i++) {
		acd_buffer_destroy(st->buf[i]);
		free(st->simbuf[i]);
		st->buf[i] = NULL;
		st->simbuf[i] = NULL;
	}
	st->created = st->nfree = 0;
	st->max = STAGING_SLOTS;
}

void staging_fini(struct staging *st)
{
	destroy_buffers(st);
	acd_close(st->ctx);
	pthread_mutex_destroy(&st->lock);
	pthread_cond_destroy(&st->freed);
}

/* after a failed call: EIO and ENODEV mean a new context is needed */
static void note_failure(struct staging *st, int err)
{
	if (err != EIO && err != ENODEV)
		return;
	pthread_mutex_lock(&st->lock);
	st->broken = true;
	pthread_mutex_unlock(&st->lock);
}

/*
 * A broken context (st->lock held): once no buffer is in use, a new
 * one. The old context's close reports its error again: not news.
 */
static int reopen_locked(struct staging *st, struct fill_stats *stats, char *err,
			 size_t errlen)
{
	while (st->nfree != st->created)
		pthread_cond_wait(&st->freed, &st->lock);
	if (!st->broken && (st->sim || st->ctx))	/* reopened by another thread */
		return 0;
	destroy_buffers(st);
	acd_close(st->ctx);
	st->ctx = NULL;
	if (open_locked(st, err, errlen))
		return -1;
	st->broken = false;
	st->reopens++;
	stats->reopens++;
	return 0;
}

/* Give buffers back (st->lock held) and wake the waiters. */
static void staging_release(struct staging *st, unsigned int n, const unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		st->busy[idx[i]] = false;
		st->nfree++;
	}
	pthread_cond_broadcast(&st->freed);
}

/*
 * Take n staging buffers (n <= STAGING_PER_ROUND), creating them up to
 * st->max. A caller takes all its buffers at once, so callers cannot
 * deadlock holding part of what they need. Returns 0 or -1 (creation
 * failed: device error, or no slot left and nothing to wait for).
 */
static int staging_get(struct staging *st, unsigned int n, unsigned int *idx,
		       struct fill_stats *stats, char *err, size_t errlen)
{
	unsigned int got, i;
	int e;

	pthread_mutex_lock(&st->lock);
	if ((st->broken || (!st->sim && !st->ctx)) && reopen_locked(st, stats, err, errlen)) {
		pthread_mutex_unlock(&st->lock);
		return -1;
	}
retry:
	got = 0;
	while (st->nfree + (st->max - st->created) < n) {
		if (st->max < n) {	/* can never have n */
			pthread_mutex_unlock(&st->lock);
			set_err(err, errlen, "%s: only %u staging buffers available", st->name,
				st->max);
			return -1;
		}
		pthread_cond_wait(&st->freed, &st->lock);
	}
	for (i = 0; i < st->created && got < n; i++) {
		if (!st->busy[i]) {
			st->busy[i] = true;
			st->nfree--;
			idx[got++] = i;
		}
	}
	while (got < n) {
		i = st->created;
		if (st->sim) {
			st->simbuf[i] = malloc(STAGING_CHUNK);
			if (!st->simbuf[i])
				goto fail;
		} else {
			st->buf[i] = acd_buffer_create(st->ctx, ACD_BUFFER_DATA, STAGING_CHUNK);
			if (!st->buf[i]) {
				/* out of slots: use the buffers we have from now on */
				if ((errno == ENOSPC || errno == EBUSY) && st->created >= n) {
					st->max = st->created;
					staging_release(st, got, idx);
					goto retry;
				}
				goto fail;
			}
		}
		st->busy[i] = true;
		st->created++;
		idx[got++] = i;
	}
	pthread_mutex_unlock(&st->lock);
	return 0;
fail:
	e = st->sim ? ENOMEM : errno;
	set_err(err, errlen, "%s: cannot create a %u-byte staging data buffer: %s", st->name,
		STAGING_CHUNK, st->sim ? strerror(ENOMEM) : acd_error());
	if (e == EIO || e == ENODEV)
		st->broken = true;
	staging_release(st, got, idx);
	pthread_mutex_unlock(&st->lock);
	return -1;
}

static void staging_put(struct staging *st, unsigned int n, const unsigned int *idx)
{
	pthread_mutex_lock(&st->lock);
	staging_release(st, n, idx);
	pthread_mutex_unlock(&st->lock);
}

static void *chunk_map(struct staging *st, unsigned int i)
{
	return st->sim ? st->simbuf[i] : acd_buffer_map(st->buf[i]);
}

/* One round: chunks [first, first + n) of the output, buffers idx[]. */
struct round {
	struct staging *st;
	const unsigned int *idx;
	size_t a, b;		/* output bytes [a, b) */
	struct fill_stats *stats;
	char *err;
	size_t errlen;
};

/* FILL the 4-byte aligned part of output bytes [o, e) with word. */
static int round_fill(struct round *r, size_t o, size_t e, uint32_t word)
{
	size_t s = max_sz(up4(o), r->a), end = min_sz(down4(e), r->b);

	while (s < end) {
		size_t c = (s - r->a) / STAGING_CHUNK;
		size_t coff = (s - r->a) % STAGING_CHUNK;
		size_t len = min_sz(end - s, STAGING_CHUNK - coff);
		unsigned int bi = r->idx[c];

		if (r->st->sim) {
			uint32_t *p = (uint32_t *)((char *)r->st->simbuf[bi] + coff);
			size_t k;

			for (k = 0; k < len / 4; k++)
				p[k] = word;
		} else if (acd_fill(r->st->ctx, r->st->buf[bi], word, (uint32_t)coff,
				    (uint32_t)len)) {
			note_failure(r->st, errno);
			set_err(r->err, r->errlen, "FILL on %s failed: %s", r->st->name,
				acd_error());
			return -1;
		}
		r->stats->fills++;
		s += len;
	}
	return 0;
}

/* CPU: the unaligned head and tail bytes of [o, e) that lie in [a, b). */
static void round_cpu_bytes(struct round *r, uint8_t *out, size_t o, size_t e,
			    uint32_t word)
{
	const uint8_t *w = (const uint8_t *)&word;
	size_t head_end = min_sz(up4(o), e), tail = max_sz(down4(e), head_end), p;

	for (p = max_sz(o, r->a); p < min_sz(head_end, r->b); p++, r->stats->cpu_bytes++)
		out[p] = w[p & 3];
	for (p = max_sz(tail, r->a); p < min_sz(e, r->b); p++, r->stats->cpu_bytes++)
		out[p] = w[p & 3];
}

/* A round in flight: its chunks, buffers, runs and fence. */
struct flight {
	struct round r;
	unsigned int n;			/* chunks */
	size_t cursor, next_cursor;	/* its runs: [cursor, ...) */
	acd_fence_t fence;
};

/* FILL a round's part of every run, then its FENCE, submitted */
static int round_issue(const struct fill_plan *plan, struct flight *f)
{
	struct fill_run run;
	struct round *r = &f->r;
	size_t i;
	int ret = 0;

	f->next_cursor = f->cursor;
	if (plan->has_base)
		ret = round_fill(r, 0, plan->total, plan->base_word);
	for (i = f->cursor; !ret && i < plan->nruns; i++) {
		plan->get_run(plan, i, &run);
		if (run.offset >= r->b)
			break;
		ret = round_fill(r, run.offset, run.offset + run.len, run.word);
		if (run.offset + run.len <= r->b)
			f->next_cursor = i + 1;
	}
	if (ret || r->st->sim)
		return ret;
	if (acd_fence(r->st->ctx, &f->fence) || acd_submit(r->st->ctx)) {
		note_failure(r->st, errno);
		set_err(r->err, r->errlen, "FENCE on %s failed: %s", r->st->name, acd_error());
		return -1;
	}
	r->stats->fences++;
	return 0;
}

/* WAIT for a round's FENCE, copy its chunks out, write its CPU bytes */
static int round_finish(const struct fill_plan *plan, struct flight *f, void *out)
{
	struct round *r = &f->r;
	struct fill_run run;
	unsigned int k;
	size_t i;

	if (!r->st->sim && acd_wait(r->st->ctx, f->fence)) {
		note_failure(r->st, errno);
		set_err(r->err, r->errlen, "WAIT on %s failed: %s", r->st->name, acd_error());
		return -1;
	}
	for (k = 0; k < f->n; k++) {
		size_t ca = r->a + (size_t)k * STAGING_CHUNK;

		memcpy((char *)out + ca, chunk_map(r->st, r->idx[k]), min_sz(STAGING_CHUNK, r->b - ca));
		r->stats->copy_bytes += min_sz(STAGING_CHUNK, r->b - ca);
	}
	if (plan->has_base)
		round_cpu_bytes(r, out, 0, plan->total, plan->base_word);
	for (i = f->cursor; i < plan->nruns; i++) {
		plan->get_run(plan, i, &run);
		if (run.offset >= r->b)
			break;
		round_cpu_bytes(r, out, run.offset, run.offset + run.len, run.word);
	}
	return 0;
}

/*
 * Rounds of up to STAGING_PER_ROUND chunks. With more than one round,
 * two are in flight: the buffers of both are taken at once (so threads
 * cannot deadlock holding half of what they need), and the device fills
 * round k + 1 while the CPU copies round k out.
 */
int fill_plan_execute(struct staging *st, const struct fill_plan *plan, void *out,
		      struct fill_stats *stats, char *err, size_t errlen)
{
	size_t nchunks = (plan->total + STAGING_CHUNK - 1) / STAGING_CHUNK, chunk = 0;
	unsigned int idx[2 * STAGING_PER_ROUND], nbuf, sets;
	struct flight fl[2], *prev = NULL;
	size_t cursor = 0;
	int ret = 0, cur = 0;

	memset(stats, 0, sizeof(*stats));
	sets = nchunks > STAGING_PER_ROUND && st->max >= 2 * STAGING_PER_ROUND ? 2 : 1;
	nbuf = (unsigned int)min_sz(sets * STAGING_PER_ROUND, nchunks);
	if (staging_get(st, nbuf, idx, stats, err, errlen))
		return -1;
	while (!ret && chunk < nchunks) {
		struct flight *f = &fl[cur];

		f->n = (unsigned int)min_sz(STAGING_PER_ROUND, nchunks - chunk);
		f->r = (struct round){ .st = st, .idx = idx + cur * STAGING_PER_ROUND,
				       .stats = stats, .err = err, .errlen = errlen,
				       .a = chunk * STAGING_CHUNK };
		f->r.b = min_sz(plan->total, f->r.a + (size_t)f->n * STAGING_CHUNK);
		f->cursor = cursor;
		f->fence = 0;
		stats->chunks += f->n;
		ret = round_issue(plan, f);
		cursor = f->next_cursor;
		if (sets == 1) {
			if (!ret)
				ret = round_finish(plan, f, out);
		} else {
			if (!ret && prev)	/* the device works on f meanwhile */
				ret = round_finish(plan, prev, out);
			prev = f;
			cur ^= 1;
		}
		chunk += f->n;
	}
	if (!ret && prev)
		ret = round_finish(plan, prev, out);
	staging_put(st, nbuf, idx);
	return ret;
}

/*
 * bytes [o, e) of out: byte p holds byte p % 4 of word (little-endian).
 * The 4-byte aligned part is wmemset()'s (glibc's vector stores: 12 GB/s
 * under TCG against 2.5 for the doubling memcpy below, 5.9 for a
 * vectorised loop, and about what the CPU EP takes); an out that is not
 * itself 4-byte aligned gets the pattern copied onto itself in doubling
 * blocks (up to 64 KiB).
 */
static void cpu_fill(uint8_t *out, size_t o, size_t e, uint32_t word)
{
	const uint8_t *w = (const uint8_t *)&word;
	size_t p = o, a = min_sz(up4(o), e), n, q;

	if (w[0] == w[1] && w[0] == w[2] && w[0] == w[3]) {
		memset(out + o, w[0], e - o);
		return;
	}
	for (; p < a; p++)
		out[p] = w[p & 3];
	if (e - p < 4) {
		for (; p < e; p++)
			out[p] = w[p & 3];
		return;
	}
	if (!((uintptr_t)out & 3) && sizeof(wchar_t) == 4) {
		wchar_t wc;

		memcpy(&wc, &word, sizeof(wc));
		wmemset((wchar_t *)(void *)(out + p), wc, (e - p) / 4);
		for (p += down4(e - p); p < e; p++)
			out[p] = w[p & 3];
		return;
	}
	memcpy(out + p, &word, 4);
	for (n = 4; n < 65536 && p + 2 * n <= e; n *= 2)
		memcpy(out + p + n, out + p, n);
	for (q = p + n; q < e; q += n)
		memcpy(out + q, out + p, min_sz(n, e - q));
}

void fill_plan_cpu(const struct fill_plan *plan, void *out, struct fill_stats *stats)
{
	struct fill_run run;
	size_t i;

	memset(stats, 0, sizeof(*stats));
	if (plan->has_base)
		cpu_fill(out, 0, plan->total, plan->base_word);
	for (i = 0; i < plan->nruns; i++) {
		plan->get_run(plan, i, &run);
		cpu_fill(out, run.offset, run.offset + run.len, run.word);
	}
	stats->cpu_bytes = plan->total;
}

/* ---- the cost model ------------------------------------------------------ */

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * The device must win by COST_MARGIN: the measurements move by more
 * than 10% from one session to the next on a loaded machine, and a
 * choice on the edge would make some sessions slower than the CPU EP.
 */
#define COST_MARGIN 1.25

/* The CPU's MB/s for an output: a fill, or (copy) a copy from an input. */
static double cpu_mbps(const struct cost_model *cm, bool copy)
{
	return copy ? cm->copy_mbps : cm->cpu_mbps;
}

/*
 * margin * device(B) < cpu(B)  <=>
 * B * (1/cpu - margin * per_byte) > margin * latency   (us, MB/s):
 * the first such B, UINT64_MAX if none
 */
static uint64_t threshold(const struct cost_model *cm, double per_byte, double cpu)
{
	double k = 1.0 / cpu - COST_MARGIN * per_byte;
	double b = k > 0 ? COST_MARGIN * cm->latency_us / k : INFINITY;

	return b < 1e18 ? (uint64_t)floor(b) + 1 : UINT64_MAX;
}

/* both thresholds for the CPU at its slower figure: some node may pass them */
void cost_min_bytes(struct cost_model *cm)
{
	double cpu = fmin(cm->cpu_mbps, cm->copy_mbps);

	cm->min_bytes = threshold(cm, 1.0 / cm->fill_mbps, cpu);
	cm->min_bytes_staged = threshold(cm, 1.0 / cm->fill_mbps + 1.0 / cm->copy_mbps, cpu);
}

double cost_device_us(const struct cost_model *cm, uint64_t bytes, uint64_t runs, bool staged)
{
	double per_byte = 1.0 / cm->fill_mbps + (staged ? 1.0 / cm->copy_mbps : 0);

	return cm->latency_us + (double)bytes * per_byte + (double)runs * cm->cmd_us;
}

double cost_cpu_us(const struct cost_model *cm, uint64_t bytes, bool copy)
{
	return (double)bytes / cpu_mbps(cm, copy);
}

bool cost_device_wins(const struct cost_model *cm, uint64_t bytes, uint64_t runs, bool staged,
		      bool copy)
{
	return COST_MARGIN * cost_device_us(cm, bytes, runs, staged) <
	       cost_cpu_us(cm, bytes, copy);
}

#define CAL_CHUNKS STAGING_PER_ROUND	/* the big FILL: one round, 16 MiB */
#define CAL_BYTES ((size_t)CAL_CHUNKS * STAGING_CHUNK)
#define CAL_TRIES 5

#define CAL_RUNS 256		/* the FILL commands: 4-byte runs spread over 16 MiB */

/*
 * microseconds of FILLs over the buffers idx, FENCE and WAIT: of bytes
 * from the start, or (runs) of CAL_RUNS 4-byte runs spread over CAL_BYTES
 */
static double time_fill(struct staging *st, const unsigned int *idx, size_t bytes, bool runs,
			char *err, size_t errlen)
{
	struct fill_stats stats = { 0 };
	struct round r = { .st = st, .idx = idx, .a = 0, .b = runs ? CAL_BYTES : bytes,
			   .stats = &stats, .err = err, .errlen = errlen };
	acd_fence_t fence = 0;
	double t0 = now_us();
	size_t i, o;

	for (i = 0; i < (runs ? CAL_RUNS : 1); i++) {
		o = runs ? i * (CAL_BYTES / CAL_RUNS) : 0;
		if (round_fill(&r, o, runs ? o + 4 : bytes, 0x3fc00000u))
			return -1;
	}
	if (!st->sim && (acd_fence(st->ctx, &fence) || acd_wait(st->ctx, fence))) {
		note_failure(st, errno);
		set_err(err, errlen, "FENCE/WAIT on %s failed: %s", st->name, acd_error());
		return -1;
	}
	return now_us() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static double best(const double *v, size_t n)
{
	double m = v[0];
	size_t i;

	for (i = 1; i < n; i++)
		m = fmin(m, v[i]);
	return m;
}

/*
 * Of CAL_TRIES: the median of a 4-byte FILL's round trip (the latency);
 * the median of a 16 MiB FILL's round trip (FILLs into four buffers,
 * FENCE, WAIT: the path of an output in device memory), less the
 * latency; the median of CAL_RUNS 4-byte FILLs' round trip, less the
 * latency, per FILL after the first; the best of copying 16 MiB out of
 * the staging buffers and of the CPU filling 16 MiB of touched memory. A
 * FILL figure at or below the latency's noise counts as 1 us.
 */
int cost_calibrate(struct staging *st, struct cost_model *cm, char *err, size_t errlen)
{
	struct fill_stats stats = { 0 };
	struct fill_plan plan = { .total = CAL_BYTES, .has_base = true, .base_word = 0x3fc00000u };
	double lat[CAL_TRIES], big[CAL_TRIES], runs[CAL_TRIES], copy[CAL_TRIES], cpu[CAL_TRIES];
	unsigned int idx[CAL_CHUNKS], k;
	uint8_t *mem;
	double l;
	int i, ret = -1;

	mem = malloc(CAL_BYTES);
	if (!mem) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	memset(mem, 1, CAL_BYTES);	/* the pages exist, as in ORT's arena */
	if (staging_get(st, CAL_CHUNKS, idx, &stats, err, errlen))
		goto out;
	for (i = 0; i < CAL_TRIES; i++) {
		double t1;

		lat[i] = time_fill(st, idx, 4, false, err, errlen);
		big[i] = lat[i] < 0 ? -1 : time_fill(st, idx, CAL_BYTES, false, err, errlen);
		runs[i] = big[i] < 0 ? -1 : time_fill(st, idx, 0, true, err, errlen);
		if (runs[i] < 0) {
			staging_put(st, CAL_CHUNKS, idx);
			goto out;
		}
		t1 = now_us();
		for (k = 0; k < CAL_CHUNKS; k++)
			memcpy(mem + (size_t)k * STAGING_CHUNK, chunk_map(st, idx[k]), STAGING_CHUNK);
		copy[i] = now_us() - t1;
		t1 = now_us();
		fill_plan_cpu(&plan, mem, &stats);
		cpu[i] = now_us() - t1;
	}
	staging_put(st, CAL_CHUNKS, idx);
	/* bytes per microsecond are MB/s */
	l = median(lat, CAL_TRIES);
	if (!cm->latency_us)
		cm->latency_us = l;
	if (!cm->fill_mbps)
		cm->fill_mbps = CAL_BYTES / fmax(median(big, CAL_TRIES) - l, 1);
	if (!cm->cmd_us)
		cm->cmd_us = fmax(median(runs, CAL_TRIES) - l, 1) / (CAL_RUNS - 1);
	if (!cm->copy_mbps)
		cm->copy_mbps = CAL_BYTES / fmax(best(copy, CAL_TRIES), 1);
	if (!cm->cpu_mbps)
		cm->cpu_mbps = CAL_BYTES / fmax(best(cpu, CAL_TRIES), 1);
	cost_min_bytes(cm);
	ret = 0;
out:
	free(mem);
	return ret;
}
