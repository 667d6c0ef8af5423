/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acceldev_stress.h - helpers shared by the hardening (stress) tests.
 *
 *  - Settings: acc_long() is true when the bench runs with --long
 *    (ACCELDEV_LONG=1 in the guest); ACC_SETTING(short, long) picks one.
 *  - A seeded random generator (acc_rng_*), seeds printed by the tests.
 *  - Memory shared between forked processes (acc_shared()), children that
 *    must exit 0 (acc_fork(), acc_reap()), CPU time (acc_cpu_*()).
 *  - sysfs helpers: acc_write_file(), acc_file_has(), acc_dev_bdf(),
 *    acc_rescan_expect().
 *  - acc_sleeper: a thread asleep in a close or a WAIT.
 *  - The load engine (acc_load_*): N processes x M threads, each with a
 *    context of its own (replaced now and then) and, per process, one
 *    context per device shared by its threads; random mixes of data
 *    buffers created, mapped and closed, FILL + FENCE runs of random sizes
 *    into random slots, WAITs, and (strict mode) deliberate errors in a
 *    fraction of contexts. Every run whose WAIT returned 0 is verified
 *    word by word against a shadow copy; every buffer is verified whole
 *    before it is closed. The modes say which errors are allowed:
 *      ACC_LOAD_STRICT  only the injected ones, exactly where injected;
 *      ACC_LOAD_FAULTS  device-level faults: any RUN/WAIT may fail with
 *                       EIO, after which the context stays broken;
 *      ACC_LOAD_REMOVAL devices come and go: ENODEV or EIO anywhere,
 *                       open may fail while a device is absent.
 *    Figures go to a struct acc_load_stats in shared memory.
 */
#ifndef ACCELDEV_STRESS_H
#define ACCELDEV_STRESS_H

#include <limits.h>
#include <libgen.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "acceldev_test.h"

#ifndef RUSAGE_THREAD
#define RUSAGE_THREAD 1	/* Linux; glibc declares it only with _GNU_SOURCE */
#endif

/* ---------------------------------------------------------------- */
/* Settings                                                          */
/* ---------------------------------------------------------------- */

static inline bool acc_long(void)
{
	const char *s = getenv("ACCELDEV_LONG");

	return s && *s && strcmp(s, "0") != 0;
}

#define ACC_SETTING(short_val, long_val) (acc_long() ? (long_val) : (short_val))

/*
 * A kernel with the memory debuggers (the bench's debug kernel: kmemleak,
 * KASAN) runs removal and reload ten times slower; tests that repeat them
 * take fewer rounds there in the short setting.
 */
static inline bool acc_debug_kernel(void)
{
	return access("/sys/kernel/debug/kmemleak", F_OK) == 0;
}

/* ---------------------------------------------------------------- */
/* Random numbers (splitmix64: small, good enough, replayable)        */
/* ---------------------------------------------------------------- */

struct acc_rng {
	uint64_t s;
};

static inline uint64_t acc_rng_next(struct acc_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static inline uint32_t acc_rng_below(struct acc_rng *r, uint32_t n)
{
	return (uint32_t)(acc_rng_next(r) % n);
}

/* True with probability pct percent. */
static inline bool acc_rng_pct(struct acc_rng *r, unsigned int pct)
{
	return acc_rng_below(r, 100) < pct;
}

/* The seed: from environment variable @env if set, else the clock. */
static inline uint64_t acc_seed(const char *env)
{
	const char *s = getenv(env);
	struct timespec ts;

	if (s && *s)
		return strtoull(s, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^
	       (uint64_t)getpid() << 32;
}

/* ---------------------------------------------------------------- */
/* Processes, shared memory, CPU time                                */
/* ---------------------------------------------------------------- */

/* Zeroed memory shared with children forked later. */
static inline void *acc_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		FAIL("mmap shared %zu: %s", len, acc_errname(errno));
	return p;
}

#define acc_add(p, n) __atomic_fetch_add((p), (n), __ATOMIC_RELAXED)
#define acc_get(p) __atomic_load_n((p), __ATOMIC_RELAXED)

/* Run fn(arg) in a child that exits 0 when fn returns (FAIL exits 1). */
static inline pid_t acc_fork(void (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		FAIL("fork: %s", acc_errname(errno));
	if (pid == 0) {
		fn(arg);
		fflush(NULL);
		_exit(0);
	}
	return pid;
}

/* Wait for a child that must have exited 0. */
static inline void acc_reap(pid_t pid, const char *what)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		CHECK_MSG(errno == EINTR, "waitpid: %s", acc_errname(errno));
	if (WIFSIGNALED(st))
		FAIL("%s (pid %d) killed by signal %d (%s)", what, pid,
		     WTERMSIG(st), strsignal(WTERMSIG(st)));
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "%s (pid %d) exited with %d", what, pid, WEXITSTATUS(st));
}

static inline double acc_tv(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* User + system CPU seconds of the calling thread. */
static inline double acc_cpu_thread(void)
{
	struct rusage ru;

	CHECK(getrusage(RUSAGE_THREAD, &ru) == 0);
	return acc_tv(ru.ru_utime) + acc_tv(ru.ru_stime);
}

/* User + system CPU seconds of this process (all its threads). */
static inline double acc_cpu_self(void)
{
	struct rusage ru;

	CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
	return acc_tv(ru.ru_utime) + acc_tv(ru.ru_stime);
}

/* ---------------------------------------------------------------- */
/* sysfs                                                             */
/* ---------------------------------------------------------------- */

static inline void acc_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	CHECK_MSG(fd >= 0, "open %s: %s", path, acc_errname(errno));
	CHECK_MSG(write(fd, text, strlen(text)) == (ssize_t)strlen(text),
		  "write %s to %s: %s", text, path, acc_errname(errno));
	close(fd);
}

/* True when the first line of @path contains @what (false without it). */
static inline bool acc_file_has(const char *path, const char *what)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strstr(buf, what) != NULL;
}

/*
 * A thread asleep in a close (@fd >= 0) or in WAIT(@fence) on @ctx (@fd
 * < 0) while the test does something else, such as removing the device:
 * acc_sleeper_start() runs it, acc_sleeper_join() waits for it. @ret and
 * @err are what the call returned, @t when it returned (acc_now(); 0
 * until then).
 */
struct acc_sleeper {
	pthread_t th;
	int fd, ctx;
	uint32_t fence;
	long ret;
	int err;
	double t;
};

static inline void *acc_sleeper_run(void *arg)
{
	struct acc_sleeper *s = (struct acc_sleeper *)arg;

	s->ret = s->fd >= 0 ? close(s->fd) : acc_try_wait(s->ctx, s->fence);
	s->err = errno;
	s->t = acc_now();
	return NULL;
}

static inline void acc_sleeper_start(struct acc_sleeper *s)
{
	s->t = 0;
	CHECK(pthread_create(&s->th, NULL, acc_sleeper_run, s) == 0);
}

static inline void acc_sleeper_join(struct acc_sleeper *s)
{
	CHECK(pthread_join(s->th, NULL) == 0);
}

/* PCI address (e.g. 0000:00:04.0) of /dev/acceldevN; false if none. */
static inline bool acc_dev_bdf(int dev, char *bdf, size_t len)
{
	char path[64], link[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	acc_dev_path(path, sizeof(path), dev);
	if (stat(path, &st) != 0)
		return false;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = 0;
	snprintf(bdf, len, "%s", basename(target));
	return true;
}

/* A PCI rescan, after which /dev/acceldev@dev must be back within 20 s. */
static inline void acc_rescan_expect(int dev)
{
	char path[64];

	acc_write_file("/sys/bus/pci/rescan", "1");
	acc_dev_path(path, sizeof(path), dev);
	CHECK_MSG(acc_wait_for_path(path, true, 20),
		  "%s did not come back after a rescan", path);
}

/* ---------------------------------------------------------------- */
/* The load engine                                                   */
/* ---------------------------------------------------------------- */

enum acc_load_mode { ACC_LOAD_STRICT, ACC_LOAD_FAULTS, ACC_LOAD_REMOVAL };

struct acc_load_stats {
	uint64_t ops;			/* actions of every kind */
	uint64_t runs;			/* RUNs accepted */
	uint64_t runs_done;		/* runs WAITed for with 0, data checked */
	uint64_t runs_failed;		/* runs whose WAIT failed */
	uint64_t words_checked;		/* data words compared */
	uint64_t buffers;		/* data buffers created */
	uint64_t contexts;		/* contexts opened */
	uint64_t errors_injected;	/* contexts given a deliberate error */
	uint64_t errors_seen;		/* ... whose injector's WAIT was EIO */
	uint64_t contexts_failed;	/* contexts failed (faults, removal) */
	uint64_t enodev;		/* calls that failed with ENODEV */
	uint64_t open_absent;		/* opens while a device was absent */
};

struct acc_load {
	enum acc_load_mode mode;
	int procs, threads, ndevs;
	double seconds;			/* each process stops after this */
	unsigned int error_pct;		/* STRICT: contexts given an error */
	uint64_t seed;
	struct acc_load_stats *st;	/* shared */
	int *stop;			/* shared; the parent may set it */
	pid_t pids[64];
};

#define LD_MAXBUF 4			/* data buffers per view */
#define LD_MAXPEND 6			/* runs in flight per view */
#define LD_CODE_BYTES 8192
#define LD_RUN_WORDS (2 * ACCELDEV_USER_CMD_WORDS)
#define LD_MAXVIEWS 3			/* own + one shared per device */

struct ld_ctx {
	pthread_mutex_t lock;
	int fd, dev;
	uint32_t fences;		/* user FENCEs submitted */
	uint32_t bad_fence;		/* fence of the injected bad run, or 0 */
	bool broken;			/* FAULTS/REMOVAL: someone saw it fail */
	bool shared;
	int fail_after;			/* STRICT: inject after this many runs, or -1 */
	int runs;
};

struct ld_buf {
	int fd;
	uint32_t slot, size;
	uint32_t *map, *shadow;
};

struct ld_pend {
	uint32_t fence;
	int b;
	uint32_t off, len, value;	/* bytes */
	bool bad;
};

struct ld_view {
	struct ld_ctx *c;
	int code;
	uint32_t *cmds;
	uint32_t pos;			/* next free word in the code buffer */
	struct ld_buf buf[LD_MAXBUF];
	int nbuf, maxbuf;
	struct ld_pend pend[LD_MAXPEND];
	int npend;
	bool dead;			/* failed or gone: only closing left */
};

struct ld_thread {
	struct acc_load *L;
	int proc, index;
	struct acc_rng rng;
	struct ld_ctx own;
	struct ld_ctx *shared[2];
	struct ld_view v[LD_MAXVIEWS];
	double deadline;
};

/* Is this errno one the mode allows for a call that may fail? */
static inline bool ld_err_ok(struct acc_load *L, int err)
{
	if (L->mode == ACC_LOAD_FAULTS)
		return err == EIO;
	if (L->mode == ACC_LOAD_REMOVAL) {
		if (err == ENODEV)
			acc_add(&L->st->enodev, 1);
		return err == EIO || err == ENODEV;
	}
	return false;
}

/* Open a context on @dev; false (REMOVAL mode only) if the device is away. */
static inline bool ld_ctx_open(struct ld_thread *t, struct ld_ctx *c, int dev,
			       bool shared)
{
	struct acc_load *L = t->L;
	int fd = acc_try_open(dev);

	if (fd < 0) {
		if (L->mode == ACC_LOAD_REMOVAL &&
		    (errno == ENOENT || errno == ENODEV || errno == ENXIO)) {
			acc_add(&L->st->open_absent, 1);
			return false;
		}
		FAIL("open /dev/acceldev%d: %s", dev, acc_errname(errno));
	}
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->fd = fd;
	c->dev = dev;
	c->shared = shared;
	c->fail_after = -1;
	if (L->mode == ACC_LOAD_STRICT && acc_rng_pct(&t->rng, L->error_pct))
		c->fail_after = (int)acc_rng_below(&t->rng, 12);
	acc_add(&L->st->contexts, 1);
	return true;
}

/* Attach a view (own code buffer) to a context; false if that failed. */
static inline bool ld_view_attach(struct ld_thread *t, struct ld_view *v,
				  struct ld_ctx *c, int maxbuf)
{
	struct acc_load *L = t->L;

	memset(v, 0, sizeof(*v));
	v->c = c;
	v->maxbuf = maxbuf;
	v->code = acc_try_create_buffer(c->fd, LD_CODE_BYTES, BUFFER_TYPE_CODE,
					NULL);
	if (v->code < 0) {
		CHECK_MSG(ld_err_ok(L, errno), "CREATE_BUFFER code: %s",
			  acc_errname(errno));
		v->c = NULL;
		return false;
	}
	v->cmds = acc_map(v->code, LD_CODE_BYTES);
	return true;
}

/* Check one buffer's words [from, to) against its shadow. */
static inline void ld_verify_range(struct ld_thread *t, struct ld_buf *b,
				   uint32_t from, uint32_t to, const char *what)
{
	for (uint32_t i = from; i < to; i++)
		if (b->map[i] != b->shadow[i])
			FAIL("proc %d thread %d, %s: buffer slot %u word %u is "
			     "%#x, expected %#x", t->proc, t->index, what,
			     b->slot, i, b->map[i], b->shadow[i]);
	acc_add(&t->L->st->words_checked, to - from);
}

/*
 * WAIT for every run in flight on a view and check the data. Runs of a
 * context complete in order, so the runs that succeed are a prefix: their
 * FILLs are applied to the shadow and verified; the others must not have
 * written (STRICT: the device skips runs of a context in error) or may
 * have written their value or not (FAULTS, REMOVAL: a dropped or cut RUN).
 */
static inline void ld_flush(struct ld_thread *t, struct ld_view *v)
{
	struct acc_load *L = t->L;
	struct ld_ctx *c = v->c;
	bool failed = false;

	for (int i = 0; i < v->npend; i++) {
		struct ld_pend *p = &v->pend[i];
		struct ld_buf *b = &v->buf[p->b];
		uint32_t w0 = p->off / 4, w1 = (p->off + p->len) / 4;
		int r = failed ? -1 : acc_try_wait(c->fd, p->fence);
		int err = errno;

		if (!failed && r == 0) {
			CHECK_MSG(!p->bad, "proc %d thread %d: WAIT(%u) for a "
				  "deliberately bad run returned 0", t->proc,
				  t->index, p->fence);
			if (L->mode == ACC_LOAD_STRICT && c->bad_fence)
				CHECK_MSG(p->fence < c->bad_fence,
					  "WAIT(%u) returned 0 after the bad "
					  "run (fence %u)", p->fence,
					  c->bad_fence);
			for (uint32_t w = w0; w < w1; w++)
				b->shadow[w] = p->value;
			ld_verify_range(t, b, w0, w1, "after WAIT 0");
			acc_add(&L->st->runs_done, 1);
			continue;
		}
		if (!failed) {
			if (L->mode == ACC_LOAD_STRICT) {
				CHECK_MSG(err == EIO, "WAIT(%u): %s", p->fence,
					  acc_errname(err));
				CHECK_MSG(c->bad_fence && p->fence >= c->bad_fence,
					  "proc %d thread %d: WAIT(%u) is EIO "
					  "but this context had no error before "
					  "it (bad fence %u): an error leaked "
					  "into it", t->proc, t->index,
					  p->fence, c->bad_fence);
				if (p->bad)
					acc_add(&L->st->errors_seen, 1);
			} else {
				CHECK_MSG(ld_err_ok(L, err), "WAIT(%u): %s",
					  p->fence, acc_errname(err));
			}
			failed = true;
			pthread_mutex_lock(&c->lock);
			if (!c->broken && L->mode != ACC_LOAD_STRICT)
				acc_add(&L->st->contexts_failed, 1);
			c->broken = true;
			pthread_mutex_unlock(&c->lock);
		}
		acc_add(&L->st->runs_failed, 1);
		for (uint32_t w = w0; w < w1; w++) {
			bool old = b->map[w] == b->shadow[w];

			/* A bad run's range is what it may have written. */
			if (L->mode == ACC_LOAD_STRICT && !p->bad)
				CHECK_MSG(old, "a run skipped after the error "
					  "wrote: slot %u word %u is %#x, "
					  "expected %#x", b->slot, w, b->map[w],
					  b->shadow[w]);
			else
				CHECK_MSG(old || b->map[w] == p->value,
					  "failed run: slot %u word %u is %#x,"
					  " neither %#x nor %#x", b->slot, w,
					  b->map[w], b->shadow[w], p->value);
			/* Either value is now what it holds. */
			b->shadow[w] = b->map[w];
		}
		acc_add(&L->st->words_checked, w1 - w0);
	}
	v->npend = 0;
	v->pos = 0;
	if (failed) {
		v->dead = true;
		/* A broken context stays broken: RUN is refused. */
		if (acc_try_run(c->fd, v->code, 0, 4 * LD_RUN_WORDS) == 0)
			FAIL("RUN accepted on a context whose WAIT failed");
		CHECK_MSG(errno == EIO || (L->mode == ACC_LOAD_REMOVAL &&
					   errno == ENODEV),
			  "RUN on a failed context: %s (want EIO)",
			  acc_errname(errno));
	}
}

static inline void ld_buf_close(struct ld_thread *t, struct ld_view *v, int i)
{
	struct ld_buf *b = &v->buf[i];

	/* Only runs that finished were applied: the whole buffer must match
	 * (nothing else wrote it). A dead view's data may be partial. */
	if (!v->dead)
		ld_verify_range(t, b, 0, b->size / 4, "whole buffer at close");
	munmap(b->map, b->size);
	free(b->shadow);
	CHECK_MSG(close(b->fd) == 0, "close(buffer): %s", acc_errname(errno));
	v->buf[i] = v->buf[--v->nbuf];
}

static inline void ld_view_detach(struct ld_thread *t, struct ld_view *v)
{
	if (!v->c)
		return;
	ld_flush(t, v);
	while (v->nbuf)
		ld_buf_close(t, v, v->nbuf - 1);
	munmap(v->cmds, LD_CODE_BYTES);
	CHECK_MSG(close(v->code) == 0, "close(code): %s", acc_errname(errno));
	v->c = NULL;
}

static inline void ld_buf_create(struct ld_thread *t, struct ld_view *v)
{
	struct acc_load *L = t->L;
	uint32_t bytes = 1 + acc_rng_below(&t->rng, 64 * 1024);
	struct ld_buf *b = &v->buf[v->nbuf];
	uint32_t slot = ~0u;
	int fd = acc_try_create_buffer(v->c->fd, (int)bytes, BUFFER_TYPE_DATA,
				       &slot);

	if (fd < 0) {
		CHECK_MSG(ld_err_ok(L, errno), "CREATE_BUFFER(%u bytes): %s",
			  bytes, acc_errname(errno));
		v->dead = true;
		return;
	}
	CHECK_MSG(slot < ACCELDEV_NUM_BUFFERS, "slot %u", slot);
	for (int i = 0; i < v->nbuf; i++)
		CHECK_MSG(v->buf[i].slot != slot, "slot %u given twice", slot);
	b->fd = fd;
	b->slot = slot;
	b->size = (bytes + 4095) & ~4095u;
	b->map = acc_map(fd, b->size);
	b->shadow = calloc(b->size / 4, 4);	/* buffers start zeroed */
	CHECK(b->shadow);
	v->nbuf++;
	acc_add(&L->st->buffers, 1);
}

/* Encode and submit one FILL + FENCE run (or a deliberately bad one). */
static inline void ld_submit(struct ld_thread *t, struct ld_view *v)
{
	struct acc_load *L = t->L;
	struct ld_ctx *c = v->c;
	struct ld_pend *p = &v->pend[v->npend];
	int bi = (int)acc_rng_below(&t->rng, (uint32_t)v->nbuf);
	struct ld_buf *b = &v->buf[bi];
	uint32_t lane = b->size / LD_MAXPEND / 4 * 4;
	uint32_t lo = lane * (uint32_t)v->npend;
	uint32_t *cmd = v->cmds;
	uint32_t w = v->pos;
	int r;

	p->b = bi;
	p->off = lo + acc_rng_below(&t->rng, lane / 4) * 4;
	p->len = 4 * (1 + acc_rng_below(&t->rng, (lo + lane - p->off) / 4));
	p->value = (uint32_t)acc_rng_next(&t->rng) | 1;
	p->bad = false;

	pthread_mutex_lock(&c->lock);
	if (c->fail_after >= 0 && c->runs >= c->fail_after && !c->bad_fence &&
	    (!c->shared || t->index == 0)) {
		uint32_t unbound = 0;

		p->bad = true;
		/* What it may write: nothing, but for case 1. */
		p->len = 0;
		switch (acc_rng_below(&t->rng, c->shared ? 3 : 4)) {
		case 0:		/* no slot 19 */
			w = acc_put_fill(cmd, w, p->value, 19, 0, 4);
			break;
		case 1:		/* past the end of our buffer */
			w = acc_put_fill(cmd, w, p->value, b->slot,
					 b->size - 4, 8);
			/* The last word is written before the MEM_ERROR. */
			p->off = b->size - 4;
			p->len = 4;
			break;
		case 2:		/* an unknown user command */
			w = acc_put_cmd(cmd, w, 7, 1, 2, 3, 4);
			break;
		default:	/* a slot with nothing bound (own context) */
			for (int i = 0; i < v->nbuf; i++)
				unbound |= 1u << v->buf[i].slot;
			unbound = (uint32_t)__builtin_ctz(~unbound);
			w = acc_put_fill(cmd, w, p->value, unbound, 0, 4);
			break;
		}
	} else {
		w = acc_put_fill(cmd, w, p->value, b->slot, p->off, p->len);
	}
	w = acc_put_fence(cmd, w);
	r = acc_try_run(c->fd, v->code, v->pos * 4, (w - v->pos) * 4);
	if (r == 0) {
		p->fence = ++c->fences;
		c->runs++;
		if (p->bad) {
			c->bad_fence = p->fence;
			acc_add(&L->st->errors_injected, 1);
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (r != 0) {
		int err = errno;

		if (L->mode == ACC_LOAD_STRICT)
			CHECK_MSG(err == EIO && c->bad_fence,
				  "proc %d thread %d: RUN: %s on a context "
				  "with no error injected (bad fence %u)",
				  t->proc, t->index, acc_errname(err),
				  c->bad_fence);
		else
			CHECK_MSG(ld_err_ok(L, err), "RUN: %s",
				  acc_errname(err));
		/* Earlier runs still get checked; then the view is dead. */
		ld_flush(t, v);
		v->dead = true;
		return;
	}
	acc_add(&L->st->runs, 1);
	v->pos = w;
	v->npend++;
}

static inline bool ld_stopping(struct ld_thread *t)
{
	return acc_get(t->L->stop) || acc_now() > t->deadline;
}

/* One action on view @v of thread @t. */
static inline void ld_step(struct ld_thread *t, struct ld_view *v)
{
	uint32_t r = acc_rng_below(&t->rng, 100);

	acc_add(&t->L->st->ops, 1);
	if (v->nbuf == 0 || (r < 5 && v->nbuf < v->maxbuf)) {
		ld_buf_create(t, v);
	} else if (r < 9) {
		ld_flush(t, v);
		if (!v->dead)
			ld_buf_close(t, v, (int)acc_rng_below(&t->rng,
							      (uint32_t)v->nbuf));
	} else if (r < 25 || v->npend == LD_MAXPEND ||
		   v->pos + LD_RUN_WORDS > LD_CODE_BYTES / 4) {
		ld_flush(t, v);
	} else {
		ld_submit(t, v);
	}
}

static inline bool ld_own_open(struct ld_thread *t)
{
	int dev = (int)acc_rng_below(&t->rng, (uint32_t)t->L->ndevs);

	if (!ld_ctx_open(t, &t->own, dev, false))
		return false;
	if (!ld_view_attach(t, &t->v[0], &t->own, LD_MAXBUF)) {
		close(t->own.fd);
		return false;
	}
	return true;
}

static inline void ld_own_close(struct ld_thread *t)
{
	ld_view_detach(t, &t->v[0]);
	CHECK_MSG(close(t->own.fd) == 0, "close(context): %s",
		  acc_errname(errno));
	t->own.fd = -1;
}

static inline void *ld_thread_main(void *arg)
{
	struct ld_thread *t = arg;
	struct acc_load *L = t->L;
	int per = ACCELDEV_NUM_BUFFERS / L->threads;

	if (per > LD_MAXBUF)
		per = LD_MAXBUF;
	t->own.fd = -1;
	for (int d = 0; d < L->ndevs; d++)
		if (t->shared[d])
			ld_view_attach(t, &t->v[1 + d], t->shared[d], per);

	while (!ld_stopping(t)) {
		int vi = (int)acc_rng_below(&t->rng, 1 + (uint32_t)L->ndevs);
		struct ld_view *v = &t->v[vi];

		if (vi == 0 && t->own.fd < 0) {
			if (!ld_own_open(t))
				usleep(50 * 1000);	/* device away */
			continue;
		}
		if (!v->c)
			continue;
		if (v->dead) {
			ld_view_detach(t, v);
			if (vi == 0)
				ld_own_close(t);
			continue;
		}
		if (vi == 0 && acc_rng_pct(&t->rng, 2)) {
			ld_own_close(t);	/* context churn */
			continue;
		}
		ld_step(t, v);
	}
	for (int i = 0; i < 1 + L->ndevs; i++)
		ld_view_detach(t, &t->v[i]);
	if (t->own.fd >= 0)
		ld_own_close(t);
	return NULL;
}

static inline void ld_process(void *arg)
{
	struct acc_load *L = ((void **)arg)[0];
	int p = (int)(intptr_t)((void **)arg)[1];
	struct ld_thread *th = calloc((size_t)L->threads, sizeof(*th));
	pthread_t *tid = calloc((size_t)L->threads, sizeof(*tid));
	struct ld_ctx shared[2];
	bool have[2] = { false, false };
	struct ld_thread setup = { .L = L };

	CHECK(th && tid);
	setup.rng.s = L->seed ^ (uint64_t)(p + 1) * 0x51ed27;
	for (int d = 0; d < L->ndevs; d++)
		have[d] = ld_ctx_open(&setup, &shared[d], d, true);
	for (int i = 0; i < L->threads; i++) {
		th[i].L = L;
		th[i].proc = p;
		th[i].index = i;
		th[i].rng.s = L->seed ^ ((uint64_t)p << 32 | (uint64_t)i) *
			      0x9e3779b97f4a7c15ull;
		th[i].deadline = acc_now() + L->seconds;
		for (int d = 0; d < L->ndevs; d++)
			th[i].shared[d] = have[d] ? &shared[d] : NULL;
		CHECK(pthread_create(&tid[i], NULL, ld_thread_main, &th[i]) == 0);
	}
	for (int i = 0; i < L->threads; i++)
		pthread_join(tid[i], NULL);
	for (int d = 0; d < L->ndevs; d++)
		if (have[d])
			CHECK_MSG(close(shared[d].fd) == 0, "close(shared): %s",
				  acc_errname(errno));
	free(th);
	free(tid);
}

/* Fork the load's processes; they stop after L->seconds or *L->stop. */
static inline void acc_load_start(struct acc_load *L)
{
	static void *args[64][2];

	CHECK(L->procs <= 64 && L->ndevs <= 2 && L->threads <= 8);
	if (!L->st)
		L->st = acc_shared(sizeof(*L->st));
	if (!L->stop)
		L->stop = acc_shared(sizeof(*L->stop));
	for (int p = 0; p < L->procs; p++) {
		args[p][0] = L;
		args[p][1] = (void *)(intptr_t)p;
		L->pids[p] = acc_fork(ld_process, args[p]);
	}
}

/* Tell the load's processes to stop now. */
static inline void acc_load_stop(struct acc_load *L)
{
	__atomic_store_n(L->stop, 1, __ATOMIC_RELAXED);
}

/* Reap the load's processes (they stop by themselves after L->seconds):
 * every one must have exited 0. */
static inline void acc_load_finish(struct acc_load *L)
{
	for (int p = 0; p < L->procs; p++)
		acc_reap(L->pids[p], "load process");
}

static inline void acc_load_print(const char *name, struct acc_load *L)
{
	struct acc_load_stats *s = L->st;

	printf("%s: procs=%d threads=%d seed=%#llx ops=%llu contexts=%llu "
	       "buffers=%llu runs=%llu runs_completed=%llu runs_failed=%llu "
	       "errors_injected=%llu errors_seen=%llu contexts_failed=%llu "
	       "enodev=%llu words_checked=%llu\n", name, L->procs, L->threads,
	       (unsigned long long)L->seed, (unsigned long long)s->ops,
	       (unsigned long long)s->contexts, (unsigned long long)s->buffers,
	       (unsigned long long)s->runs, (unsigned long long)s->runs_done,
	       (unsigned long long)s->runs_failed,
	       (unsigned long long)s->errors_injected,
	       (unsigned long long)s->errors_seen,
	       (unsigned long long)s->contexts_failed,
	       (unsigned long long)s->enodev,
	       (unsigned long long)s->words_checked);
	fflush(stdout);
}

#endif /* ACCELDEV_STRESS_H */
