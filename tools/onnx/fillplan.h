/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fillplan.h - an output tensor described as FILLs, and its execution on
 * an Acceldev context through staging data buffers.
 *
 * A plan is an optional base word that covers the whole output, then
 * runs: byte ranges, in increasing and non-overlapping order, each
 * holding one repeated 32-bit word. Byte p of a range holds byte (p % 4)
 * of its word (little-endian), so a 1-, 2- or 4-byte element value
 * replicated into a word, or an 8-byte value with equal halves, is one
 * run. The device writes the 4-byte aligned part of every range; the
 * fewer than 4 unaligned bytes at a range's head or tail are written by
 * the CPU after the copy (see README.md).
 */
#ifndef ACCELDEV_FILLPLAN_H
#define ACCELDEV_FILLPLAN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libacceldev.h>

static inline size_t up4(size_t x) { return (x + 3) & ~(size_t)3; }
static inline size_t down4(size_t x) { return x & ~(size_t)3; }
static inline size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }
static inline size_t max_sz(size_t a, size_t b) { return a > b ? a : b; }

/* a message into err (vsnprintf) */
void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

struct fill_run {
	size_t offset;
	size_t len;
	uint32_t word;
};

struct fill_plan {
	size_t total;		/* bytes of the output */
	bool has_base;		/* base_word over [0, total) first */
	uint32_t base_word;
	size_t nruns;
	/* run i (0 <= i < nruns) */
	void (*get_run)(const struct fill_plan *plan, size_t i, struct fill_run *run);
	const void *arg;	/* for get_run */
	size_t stride;		/* for get_run: e.g. bytes per run */
};

/* The runs of a plan beyond its bulk (the base word, else its first run). */
static inline size_t fill_plan_runs(const struct fill_plan *plan)
{
	return plan->nruns - (!plan->has_base && plan->nruns);
}

/* Statistics of one execution (for --bench and the tests). */
struct fill_stats {
	unsigned long fills;	/* FILL commands */
	unsigned long fences;
	unsigned long chunks;	/* staging buffer uses */
	size_t cpu_bytes;	/* bytes written by the CPU (unaligned ones, or all) */
	unsigned long reopens;	/* contexts reopened before this execution */
	unsigned long direct;	/* 1: FILLs wrote the output itself (devmem.c) */
	size_t copy_bytes;	/* bytes copied out of staging buffers */
};


#define STAGING_SLOTS 16		/* data buffers a context may have */
#define STAGING_CHUNK (4u << 20)	/* bytes per staging buffer */
#define STAGING_PER_ROUND 4		/* buffers one call holds at a time */

/*
 * A context and its staging buffers, shared by the threads that run one
 * EP instance's nodes. sim: no device; FILL is done by the CPU into
 * malloc'ed chunks (the EP's virtual device, see README.md).
 *
 * The context is opened by staging_open() (when the EP first claims a
 * node), not before. A call that fails with EIO (the context is in
 * error) or ENODEV (the device went away) marks it broken: the next
 * staging_get() waits until no buffer is in use, destroys them, closes
 * the context and opens a new one on the same device.
 */
struct staging {
	struct acd_ctx *ctx;
	int index;
	enum acd_node node;	/* /dev/acceldevN or its accel node */
	bool sim;
	bool broken;		/* reopen before the next use */
	unsigned long reopens;
	char name[64];		/* "/dev/acceldev0", "/dev/accel/accel0" for messages */
	pthread_mutex_t lock;
	pthread_cond_t freed;
	unsigned int created, nfree, max;
	struct acd_buffer *buf[STAGING_SLOTS];
	void *simbuf[STAGING_SLOTS];
	bool busy[STAGING_SLOTS];
};

void staging_init(struct staging *st, int index, enum acd_node node, bool sim);
/* open the context if it is not yet: 0, or -1 with a message in err */
int staging_open(struct staging *st, char *err, size_t errlen);
void staging_fini(struct staging *st);

/*
 * The cost model: what producing B output bytes in R runs (fill_plan:
 * the runs beyond a base word, each at least one FILL) costs through the
 * device (latency + B / fill + R * cmd: FILLs into the output, which is
 * in device memory, devmem.c; B / copy more through the staging buffers
 * for an output that is not, devmem.h says when) and on the CPU: B / cpu
 * for a node the CPU EP fills (ConstantOfShape, EyeLike), B / copy for
 * one it copies from its input (Expand). min_bytes (min_bytes_staged):
 * the smallest B with no runs that the device does faster than the CPU
 * at the slower of its two figures, UINT64_MAX if none; the allocator
 * gives device memory from min_bytes on.
 */
struct cost_model {
	double latency_us;	/* one RUN+FENCE->WAIT round trip (a 4-byte FILL) */
	double fill_mbps;	/* FILL: MB/s the device writes */
	double cmd_us;		/* one more FILL command, of a few bytes */
	double copy_mbps;	/* the CPU copying memory (out of a staging buffer) */
	double cpu_mbps;	/* the CPU filling memory with a 32-bit word */
	uint64_t min_bytes;
	uint64_t min_bytes_staged;
};

/*
 * cost_calibrate() - measure the fields that are 0 on st (its context
 * open): medians of a few 4-byte and 16 MiB FILLs, copies and CPU
 * fills; then set min_bytes. Return: 0, or -1 with a message in err.
 */
int cost_calibrate(struct staging *st, struct cost_model *cm, char *err, size_t errlen);
void cost_min_bytes(struct cost_model *cm);

/* microseconds of bytes in runs through the device (staged: via staging buffers) */
double cost_device_us(const struct cost_model *cm, uint64_t bytes, uint64_t runs, bool staged);
/* microseconds of bytes on the CPU, filled or (copy) copied from an input */
double cost_cpu_us(const struct cost_model *cm, uint64_t bytes, bool copy);
/* does the device win by the model's margin? */
bool cost_device_wins(const struct cost_model *cm, uint64_t bytes, uint64_t runs, bool staged,
		      bool copy);

/* fill_plan_cpu() - produce the plan into out with the CPU alone */
void fill_plan_cpu(const struct fill_plan *plan, void *out, struct fill_stats *stats);

/*
 * fill_plan_execute() - produce the plan into out (plan->total bytes).
 * Return: 0, or -1 with a message in err.
 */
int fill_plan_execute(struct staging *st, const struct fill_plan *plan, void *out,
		      struct fill_stats *stats, char *err, size_t errlen);

#endif
